package io.almanac.crawler.providers;

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
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Provider rules: unique names, configuration is a JSON object, schedules are cron expressions. */
@Service
public class ProviderService {

  /**
   * Refusals name {@code input.<field>}: createProvider's and updateProvider's input fields share their
   * names, so UpdateProviderInput's constants serve both.
   */
  private static final String INPUT = MUTATION.UPDATEPROVIDER_INPUT_ARGUMENT.Input + ".";

  private final ProviderRepository providers;
  private final SeriesDeletion seriesDeletion;

  public ProviderService(ProviderRepository providers, SeriesDeletion seriesDeletion) {
    this.providers = providers;
    this.seriesDeletion = seriesDeletion;
  }

  /**
   * @param configSent whether {@code config} was given (an explicit null is refused; absent means {})
   * @throws AlmanacGraphQLException {@code BAD_USER_INPUT} for a blank or long name, a config that is no
   *     JSON object, a schedule that is no cron expression; {@code CONFLICT} for a name already taken
   */
  @Transactional
  public Provider create(CreateProviderInput input, boolean configSent) {
    String name = name(input.getName(), null);
    ProviderStatus status = input.getStatus() == null ? ProviderStatus.ACTIVE : input.getStatus();
    return providers.create(name, input.getType().name(), status.name(), input.getDescription(),
        config(configSent ? input.getConfig() : Map.of()), schedule(input.getSchedule()));
  }

  /**
   * Applies the fields present in {@code input} (the coerced {@code UpdateProviderInput}, by field name); a
   * present null clears description or schedule.
   */
  @Transactional
  public Provider update(long id, Map<String, Object> input) {
    Map<String, Object> changes = new HashMap<>();
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
        case UPDATEPROVIDERINPUT.Schedule -> changes.put(UPDATEPROVIDERINPUT.Schedule, schedule(value));
        default -> throw AlmanacGraphQLException.badInput(INPUT + field.getKey(), "Unknown field " + field.getKey());
      }
    }
    return providers.update(id, changes).orElseThrow(() -> notFound(id));
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
