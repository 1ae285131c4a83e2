package io.almanac.crawler.providers;

import io.almanac.crawler.generated.DgsConstants.CREATEPROVIDERINPUT;
import io.almanac.crawler.generated.DgsConstants.MUTATION;
import io.almanac.crawler.generated.DgsConstants.UPDATEPROVIDERINPUT;
import io.almanac.crawler.generated.types.CreateProviderInput;
import io.almanac.crawler.generated.types.ProviderStatus;
import io.almanac.crawler.series.SeriesDeletion;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/** Provider rules: unique names, configuration is a JSON object, schedules are cron expressions. */
@Service
public class ProviderService {

  /**
   * Refusals name {@code input.<field>}: createProvider's and updateProvider's input fields share their
   * names, so UpdateProviderInput's constants serve both.
   */
  private static final String INPUT = MUTATION.UPDATEPROVIDER_INPUT_ARGUMENT.Input + ".";

  private final ProviderRepository providers;
  private final ProviderSpecRepository specs;
  private final SeriesDeletion seriesDeletion;

  public ProviderService(ProviderRepository providers, ProviderSpecRepository specs, SeriesDeletion seriesDeletion) {
    this.providers = providers;
    this.specs = specs;
    this.seriesDeletion = seriesDeletion;
  }

  /**
   * @param sent the input as coerced, by field name: whether {@code config} was given (an explicit null
   *     is refused; absent means {}), and {@code spec} or {@code specYaml}
   * @param userId the caller's user id, recorded with a spec version (null for a key without a user)
   * @throws AlmanacGraphQLException {@code BAD_USER_INPUT} for a blank or long name, a config that is no
   *     JSON object, a schedule that is no cron expression, an invalid spec (extension {@code errors});
   *     {@code CONFLICT} for a name already taken
   */
  @Transactional
  public Provider create(CreateProviderInput input, Map<String, Object> sent, String userId) {
    String name = name(input.getName(), null);
    ProviderStatus status = input.getStatus() == null ? ProviderStatus.ACTIVE : input.getStatus();
    Optional<JsonNode> spec = spec(sent);
    String schedule = specSchedule(spec, sent).orElse(schedule(input.getSchedule()));
    Provider created = providers.create(name, input.getType().name(), status.name(), input.getDescription(),
        config(sent.containsKey(CREATEPROVIDERINPUT.Config) ? input.getConfig() : Map.of()), schedule);
    spec.ifPresent(s -> specs.add(created.numericId(), s, userId));
    return created;
  }

  /**
   * Applies the fields present in {@code input} (the coerced {@code UpdateProviderInput}, by field name); a
   * present null clears description, schedule or spec. A spec with a {@code schedule} sets the provider's.
   */
  @Transactional
  public Provider update(long id, Map<String, Object> input, String userId) {
    Optional<JsonNode> spec = spec(input);
    Map<String, Object> changes = new HashMap<>();
    specSchedule(spec, input).ifPresent(s -> changes.put(UPDATEPROVIDERINPUT.Schedule, s));
    for (Map.Entry<String, Object> field : input.entrySet()) {
      Object value = field.getValue();
      switch (field.getKey()) {
        case UPDATEPROVIDERINPUT.Name -> changes.put(UPDATEPROVIDERINPUT.Name, name(value, id));
        case UPDATEPROVIDERINPUT.Type, UPDATEPROVIDERINPUT.Status -> {
          if (value == null) {
            throw AlmanacGraphQLException.badInput(INPUT + field.getKey(), field.getKey() + " cannot be null");
          }
          changes.put(field.getKey(), value.toString());
        }
        case UPDATEPROVIDERINPUT.Description -> changes.put(UPDATEPROVIDERINPUT.Description, value);
        case UPDATEPROVIDERINPUT.Config -> changes.put(UPDATEPROVIDERINPUT.Config, config(value));
        case UPDATEPROVIDERINPUT.Schedule -> changes.putIfAbsent(UPDATEPROVIDERINPUT.Schedule, schedule(value));
        case UPDATEPROVIDERINPUT.Spec, UPDATEPROVIDERINPUT.SpecYaml -> { }
        default -> throw AlmanacGraphQLException.badInput(INPUT + field.getKey(), "Unknown field " + field.getKey());
      }
    }
    Provider updated = providers.update(id, changes).orElseThrow(() -> notFound(id));
    spec.ifPresent(s -> specs.add(id, s, userId));
    return updated;
  }

  /**
   * The spec an input gives, validated: empty when neither {@code spec} nor {@code specYaml} was given;
   * a {@link NullNode} for an explicit null (cleared).
   *
   * @throws AlmanacGraphQLException {@code BAD_USER_INPUT} naming {@code input.spec} or
   *     {@code input.specYaml}: over {@link ProviderSpecs#MAX_CHARS} characters of text (unread), or
   *     invalid, with the {@code errors} extension (InputErrors with JSON pointers)
   */
  static Optional<JsonNode> spec(Map<String, Object> input) {
    boolean json = input.containsKey(UPDATEPROVIDERINPUT.Spec);
    boolean yaml = input.containsKey(UPDATEPROVIDERINPUT.SpecYaml);
    if (json && yaml) {
      throw AlmanacGraphQLException.badInput(INPUT + UPDATEPROVIDERINPUT.SpecYaml, "Give spec or specYaml, not both");
    }
    if (!json && !yaml) {
      return Optional.empty();
    }
    String argument = INPUT + (json ? UPDATEPROVIDERINPUT.Spec : UPDATEPROVIDERINPUT.SpecYaml);
    Object value = input.get(json ? UPDATEPROVIDERINPUT.Spec : UPDATEPROVIDERINPUT.SpecYaml);
    if (value == null) {
      return Optional.of(NullNode.getInstance());
    }
    String tooLarge = ProviderSpecs.tooLarge(json ? ProviderSpecs.text(value) : value.toString());
    if (tooLarge != null) {
      throw AlmanacGraphQLException.badInput(argument, tooLarge);
    }
    try {
      JsonNode tree = json ? ProviderSpecs.tree(value) : ProviderSpecs.readYaml(value.toString());
      var errors = ProviderSpecs.validate(tree);
      if (!errors.isEmpty()) {
        throw new ProviderSpecs.SpecException(errors);
      }
      return Optional.of(tree);
    } catch (ProviderSpecs.SpecException e) {
      throw new AlmanacGraphQLException(ErrorCode.BAD_USER_INPUT, e.getMessage(),
          Map.of("argument", argument, "errors", e.extension()));
    }
  }

  /**
   * The schedule a spec sets: its {@code schedule}, which replaces the provider's (a provider has one
   * schedule, and the spec is what crawlers run by). A {@code schedule} given beside it must agree.
   */
  private static Optional<String> specSchedule(Optional<JsonNode> spec, Map<String, Object> input) {
    JsonNode schedule = spec.map(s -> s.get("schedule")).orElse(null);
    if (schedule == null || !schedule.isString()) {
      return Optional.empty();
    }
    String fromSpec = schedule(schedule.asString());
    Object given = input.get(UPDATEPROVIDERINPUT.Schedule);
    if (input.containsKey(UPDATEPROVIDERINPUT.Schedule) && (given == null || !fromSpec.equals(schedule(given)))) {
      throw AlmanacGraphQLException.badInput(INPUT + UPDATEPROVIDERINPUT.Schedule, "schedule '" + given
          + "' disagrees with the spec's schedule '" + fromSpec + "': give one of them, or the same");
    }
    return Optional.of(fromSpec);
  }

  /**
   * Deletes a provider with its runs. With series left, refused unless {@code force}, which deletes
   * them and their observations first (Iceberg before PostgreSQL, so a failure leaves a retryable state).
   */
  public boolean delete(long id, boolean force) {
    if (providers.find(id).isEmpty()) {
      return false;
    }
    int series = providers.seriesCount(id);
    if (series > 0) {
      if (!force) {
        throw new AlmanacGraphQLException(ErrorCode.CONFLICT, "Provider " + id + " still has " + series
            + " series; delete them first or pass force: true to delete them and their observations",
            Map.of("argument", MUTATION.DELETEPROVIDER_INPUT_ARGUMENT.Force, "series", series));
      }
      seriesDeletion.deleteAllOf(id);
    }
    return providers.delete(id);
  }

  /** The next time the schedule fires after {@code now}, for an active provider with a schedule. */
  public static ZonedDateTime nextRun(Provider provider, ZonedDateTime now) {
    if (provider.schedule() == null || !ProviderStatus.ACTIVE.name().equals(provider.status())) {
      return null;
    }
    return cron(provider.schedule()).next(now);
  }

  private String name(Object value, Long id) {
    String name = value == null ? "" : value.toString().strip();
    if (name.isEmpty() || name.length() > 200) {
      throw AlmanacGraphQLException.badInput(INPUT + UPDATEPROVIDERINPUT.Name,
          "Provider name must be 1 to 200 characters");
    }
    if (providers.nameTaken(name, id)) {
      throw new AlmanacGraphQLException(ErrorCode.CONFLICT, "A provider named '" + name + "' already exists",
          Map.of("argument", INPUT + UPDATEPROVIDERINPUT.Name));
    }
    return name;
  }

  /** The configuration, which must be a JSON object (a map). */
  @SuppressWarnings("unchecked")
  static Map<String, Object> config(Object value) {
    if (!(value instanceof Map<?, ?> map)) {
      throw AlmanacGraphQLException.badInput(INPUT + UPDATEPROVIDERINPUT.Config, "config must be a JSON object, got "
          + jsonKind(value));
    }
    return (Map<String, Object>) map;
  }

  /** The JSON kind of a value the JSON scalar produced, as a client would name it (not a Java class). */
  private static String jsonKind(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof java.util.List<?>) {
      return "an array";
    }
    if (value instanceof CharSequence) {
      return "a string";
    }
    if (value instanceof Number) {
      return "a number";
    }
    return value instanceof Boolean ? "a boolean" : "a scalar";
  }

  /** The schedule stripped, which must be a cron expression; null stays null (no schedule). */
  static String schedule(Object value) {
    if (value == null) {
      return null;
    }
    String schedule = value.toString().strip();
    try {
      cron(schedule);
    } catch (IllegalArgumentException e) {
      throw AlmanacGraphQLException.badInput(INPUT + UPDATEPROVIDERINPUT.Schedule,
          "schedule '" + schedule + "' is not a cron expression (5 fields, or 6 with seconds): " + e.getMessage());
    }
    return schedule;
  }

  /** Accepts classic 5-field cron (minute first) as well as Spring's 6-field form (second first). */
  static CronExpression cron(String schedule) {
    String[] fields = schedule.trim().split("\\s+");
    return CronExpression.parse(fields.length == 5 ? "0 " + schedule.trim() : schedule);
  }

  private static AlmanacGraphQLException notFound(long id) {
    return new AlmanacGraphQLException(ErrorCode.NOT_FOUND, "No provider with id '" + id + "'",
        Map.of("argument", MUTATION.UPDATEPROVIDER_INPUT_ARGUMENT.Id));
  }
}
