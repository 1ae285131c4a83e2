package io.almanac.crawler.providers;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import io.almanac.crawler.Json;
import io.almanac.crawler.generated.types.InputError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Provider ingestion specs (UIS documents): read from YAML, checked against {@code schema/uis.schema.json}
 * (networknt json-schema-validator, JSON Schema 2020-12), for literal credentials, and for a valid cron
 * {@code schedule}. Errors are {@link InputError}s with {@code index} 0 and {@code field} the JSON pointer
 * (RFC 6901) of the offending part: for a missing or unknown property, the pointer of that property
 * ({@code /source/baseUrl}); {@code ""} for the whole document.
 *
 * <p>Codes: {@code REQUIRED} (a required property is missing), {@code UNKNOWN_FIELD} (a property the
 * schema does not allow: a typo), {@code INVALID_VALUE} (wrong type, enum, pattern, range, URL),
 * {@code LITERAL_CREDENTIAL} (a credential given as text instead of a {@code secret:NAME} reference),
 * {@code INVALID_CRON}, {@code INVALID_YAML}, {@code NOT_AN_OBJECT}.
 */
public final class ProviderSpecs {

  /** On the classpath (copied from {@code schema/} by the build). */
  static final String SCHEMA_RESOURCE = "/uis/uis.schema.json";

  /**
   * Names a credential (UIS.md, and what APIs call theirs): {@code apikey}, {@code api_key}, {@code token},
   * {@code password}, {@code passwd}, {@code secret}, {@code authorization}, {@code access_key},
   * {@code credentials}, anywhere in the name and in any case.
   */
  private static final Pattern CREDENTIAL_NAME = Pattern.compile(
      "(?i).*(api[_-]?key|token|password|passwd|secret|authorization|access[_-]?key|credential).*");
  /** A URL with user information ({@code scheme://user:password@host}). */
  private static final Pattern URL_USERINFO = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://[^/?#\\s]*@");
  private static final Pattern SECRET_REFERENCE = Pattern.compile("secret:[A-Za-z0-9_.-]+");

  /**
   * Largest spec read, in characters of its YAML text or of its JSON text: UIS documents are a few KiB,
   * and the YAML reader takes time growing with the square of a long scalar's length (2 MB: 12 s), so
   * text beyond this is refused before it is parsed.
   */
  public static final int MAX_CHARS = 256 * 1024;

  private static final YAMLMapper YAML = YAMLMapper.builder().build();
  private static final Schema SCHEMA = load();

  private ProviderSpecs() {}

  /** A spec as the JSON scalar gave it (maps, lists, scalars) as a JSON tree. */
  public static JsonNode tree(Object spec) {
    return Json.MAPPER.valueToTree(spec);
  }

  /** Why {@code text} (a spec as YAML or JSON text) is refused unread, or null when it is small enough. */
  public static String tooLarge(String text) {
    return text.length() <= MAX_CHARS ? null : String.format(Locale.ROOT,
        "A spec is at most %,d characters (256 KiB) of YAML or JSON text; this one has %,d", MAX_CHARS,
        text.length());
  }

  /** The JSON text of a spec as the JSON scalar gave it, for {@link #tooLarge}. */
  public static String text(Object spec) {
    return Json.MAPPER.writeValueAsString(spec);
  }

  /**
   * Reads YAML text (at most {@link #MAX_CHARS}: check {@link #tooLarge} first) as a JSON tree.
   *
   * @throws SpecException with one {@code INVALID_YAML} error (its message gives the line and column)
   */
  public static JsonNode readYaml(String yaml) {
    try {
      JsonNode tree = YAML.readTree(yaml);
      return tree == null ? YAML.nullNode() : tree;
    } catch (StreamConstraintsException e) {
      // Its message ends naming the Java method of the limit: "(1000, from `StreamReadConstraints...()`)".
      String plain = e.getOriginalMessage().replaceAll(",\\s*from `[^`]*`", "");
      throw new SpecException(List.of(error("", "INVALID_YAML", "Too deeply nested or too large to read: " + plain
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"))));
    } catch (JacksonException e) {
      throw new SpecException(List.of(error("", "INVALID_YAML", "Not YAML: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + ")"))));
    }
  }

  /** Every error of {@code spec}, by pointer; empty when it is a valid UIS document. */
  public static List<InputError> validate(JsonNode spec) {
    if (!(spec instanceof ObjectNode)) {
      return List.of(error("", "NOT_AN_OBJECT", "A spec is a JSON object"));
    }
    List<InputError> errors = new ArrayList<>();
    List<String> credentialPointers = new ArrayList<>();
    literalCredentials(spec, "", errors, credentialPointers);
    for (Error e : SCHEMA.validate(spec)) {
      InputError error = schemaError(e);
      // The schema's own credential rule (for editors and crawlers validating locally) reports the
      // same fault, less clearly, within the parameter or member LITERAL_CREDENTIAL names: one error per fault.
      String at = error.getField();
      if (credentialPointers.stream().noneMatch(p -> at.equals(p) || at.startsWith(p + "/"))) {
        errors.add(error);
      }
    }
    JsonNode schedule = spec.get("schedule");
    if (schedule != null && schedule.isString()) {
      try {
        ProviderService.cron(schedule.asString());
      } catch (IllegalArgumentException e) {
        errors.add(error("/schedule", "INVALID_CRON",
            "'" + schedule.asString() + "' is not a cron expression (5 fields, or 6 with seconds): " + e.getMessage()));
      }
    }
    errors.sort(Comparator.comparing(InputError::getField).thenComparing(InputError::getCode));
    return errors.stream().distinct().toList();
  }

  /** The refusal of an invalid spec, with its errors. */
  public static final class SpecException extends RuntimeException {
    private final List<InputError> errors;

    public SpecException(List<InputError> errors) {
      super(errors.size() + " error(s) in the spec, the first at '" + errors.get(0).getField() + "': "
          + errors.get(0).getMessage());
      this.errors = List.copyOf(errors);
    }

    public List<InputError> errors() {
      return errors;
    }

    /** The errors as GraphQL extensions carry them (the shape of {@code InputError}). */
    public List<Map<String, Object>> extension() {
      return errors.stream().<Map<String, Object>>map(e -> Map.of("index", e.getIndex(), "field", e.getField(),
          "code", e.getCode(), "message", e.getMessage())).toList();
    }
  }

  /**
   * Literal credentials: an object member named like a credential (for example
   * {@code authentication.password}) whose value, of any JSON type, holds anything but {@code secret:NAME}
   * strings; a parameter named like one that carries a literal {@code value}; and in any text, a URL
   * with user information or a query parameter named like a credential ({@code ?api_key=...}).
   */
  private static void literalCredentials(JsonNode node, String pointer, List<InputError> errors,
      List<String> pointers) {
    if (node.isString()) {
      String text = node.asString();
      if (URL_USERINFO.matcher(text).find()) {
        pointers.add(pointer);
        errors.add(error(pointer, "LITERAL_CREDENTIAL", "The URL carries user information (user:password@):"
            + " give credentials as secret:NAME references in the spec's authentication, never in a URL"));
      } else if (credentialQueryParameter(text) != null) {
        pointers.add(pointer);
        errors.add(error(pointer, "LITERAL_CREDENTIAL", "Query parameter '" + credentialQueryParameter(text)
            + "' names a credential: give it as a parameter with source: secret:NAME, never in the URL"));
      }
      return;
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        literalCredentials(node.get(i), pointer + "/" + i, errors, pointers);
      }
      return;
    }
    if (!node.isObject()) {
      return;
    }
    JsonNode name = node.get("name");
    if (name != null && name.isString() && CREDENTIAL_NAME.matcher(name.asString()).matches()
        && node.has("value")) {
      String at = pointer + "/value";
      pointers.add(pointer);
      errors.add(error(at, "LITERAL_CREDENTIAL", "Parameter '" + name.asString()
          + "' names a credential: give it as source: secret:NAME, never as a literal value"));
    }
    for (Map.Entry<String, JsonNode> member : node.properties()) {
      String at = pointer + "/" + escape(member.getKey());
      JsonNode value = member.getValue();
      if (CREDENTIAL_NAME.matcher(member.getKey()).matches() && holdsLiteral(value)) {
        pointers.add(at);
        errors.add(error(at, "LITERAL_CREDENTIAL", "'" + member.getKey()
            + "' names a credential: its value must be a secret:NAME reference, never the credential itself"));
      } else {
        literalCredentials(value, at, errors, pointers);
      }
    }
  }

  /** Whether {@code value} (under a credential's name) holds anything but nulls and secret:NAME strings. */
  private static boolean holdsLiteral(JsonNode value) {
    if (value.isNull()) {
      return false;
    }
    if (value.isString()) {
      return !SECRET_REFERENCE.matcher(value.asString()).matches();
    }
    if (value.isContainer()) {
      for (JsonNode child : value) { // an array's elements, an object's member values
        if (holdsLiteral(child)) {
          return true;
        }
      }
      return false;
    }
    return true; // a number or boolean: literal
  }

  /** The first query parameter of a URL or path named like a credential, with a value; else null. */
  private static String credentialQueryParameter(String text) {
    int query = text.indexOf('?');
    if (query < 0) {
      return null;
    }
    int fragment = text.indexOf('#', query);
    for (String pair : text.substring(query + 1, fragment < 0 ? text.length() : fragment).split("&")) {
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (CREDENTIAL_NAME.matcher(name).matches() && !value.isEmpty()
          && !SECRET_REFERENCE.matcher(value).matches()) {
        return name;
      }
    }
    return null;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text; // a stray %: read as written
    }
  }

  private static InputError schemaError(Error e) {
    String at = e.getInstanceLocation().toString();
    return switch (e.getKeyword()) {
      case "required" -> error(at + "/" + escape(e.getProperty()), "REQUIRED",
          "Required property '" + e.getProperty() + "' is missing");
      case "additionalProperties" -> error(at + "/" + escape(e.getProperty()), "UNKNOWN_FIELD",
          "Unknown property '" + e.getProperty() + "' (not in the UIS schema: a typo?)");
      default -> error(at, "INVALID_VALUE", e.getMessage());
    };
  }

  private static InputError error(String pointer, String code, String message) {
    return InputError.newBuilder().index(0).field(pointer).code(code).message(message).build();
  }

  /** RFC 6901: {@code ~} and {@code /} in a member name. */
  private static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }

  private static Schema load() {
    SchemaRegistryConfig config = SchemaRegistryConfig.builder().pathType(PathType.JSON_POINTER).build();
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
        builder -> builder.schemaRegistryConfig(config));
    try (InputStream in = ProviderSpecs.class.getResourceAsStream(SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(SCHEMA_RESOURCE + " is missing from the classpath");
      }
      return registry.getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
