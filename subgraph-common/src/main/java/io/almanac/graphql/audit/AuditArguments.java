package io.almanac.graphql.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What of a mutation's arguments goes into the audit trail: everything, except secrets and bulk.
 *
 * <ul>
 *   <li>A map entry whose name contains {@code secret}, {@code password}, {@code passphrase},
 *       {@code token} or {@code credential}, or ends with {@code key} ({@code apiKey}, {@code key},
 *       {@code privateKey}; not {@code keyId}), at any depth, is replaced by {@value #REDACTED}.
 *   <li>A list longer than {@value #MAX_LIST} items (an upload's points, a long series input) is replaced
 *       by {@code {"count": n}}: the entry says how much was sent, the raw archive keeps what.
 *   <li>Other values than strings, numbers and booleans (dates, enums) become their text.
 *   <li>Text is kept storable whatever was sent ({@link #storable}): U+0000 and unpaired surrogates, which
 *       PostgreSQL's text and jsonb refuse, become U+FFFD, and text over {@value #MAX_TEXT} characters is cut
 *       there, with a note of its length, so that a refused 1 MB argument does not make a 1 MB entry, and
 *       no argument can keep a mutation out of the trail.
 * </ul>
 */
public final class AuditArguments {

  public static final String REDACTED = "[redacted]";
  public static final int MAX_LIST = 20;
  public static final int MAX_TEXT = 1_000;
  private static final Pattern SECRET_NAME =
      Pattern.compile("(?i).*(secret|password|passphrase|token|credential).*|.*key");

  private AuditArguments() {}

  /** Whether a field or argument of this name holds key material. */
  public static boolean isSecret(String name) {
    return SECRET_NAME.matcher(name).matches();
  }

  /** A copy of {@code arguments} fit to keep (see the class comment); the input is not changed. */
  public static Map<String, Object> redact(Map<String, ?> arguments) {
    Map<String, Object> kept = new LinkedHashMap<>();
    arguments.forEach((name, value) -> kept.put(name, isSecret(name) && value != null ? REDACTED : clean(value)));
    return kept;
  }

  private static Object clean(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> names = new LinkedHashMap<>();
      map.forEach((k, v) -> names.put(String.valueOf(k), v));
      return redact(names);
    }
    if (value instanceof List<?> list) {
      if (list.size() > MAX_LIST) {
        return Map.of("count", list.size());
      }
      List<Object> kept = new ArrayList<>(list.size());
      list.forEach(item -> kept.add(clean(item)));
      return kept;
    }
    if (value == null || value instanceof Number || value instanceof Boolean) {
      return value;
    }
    // Dates, enums, decimals as received: their text, as the client sent them.
    return storable(value.toString());
  }

  /** {@code text} fit for a PostgreSQL text or jsonb value of at most about {@value #MAX_TEXT} characters. */
  public static String storable(String text) {
    if (text == null) {
      return null;
    }
    int end = Math.min(text.length(), MAX_TEXT);
    if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // never cut a pair in two
    }
    StringBuilder kept = new StringBuilder(end + 40);
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      boolean paired = Character.isHighSurrogate(c) ? i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))
          : !Character.isLowSurrogate(c) || (i > 0 && Character.isHighSurrogate(text.charAt(i - 1)));
      kept.append(c == '\u0000' || !paired ? '\uFFFD' : c);
    }
    if (end < text.length()) {
      kept.append("... (").append(text.length()).append(" characters)");
    }
    return kept.toString();
  }
}
