package io.almanac.graphql.observability;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The subgraphs' log format, from {@code ALMANAC_LOG_FORMAT} (or the property {@code almanac.log-format}),
 * applied before logging starts:
 * <ul>
 *   <li>{@code text} (default; {@code ./almanac start}): Spring Boot's console lines with the correlation id
 *       in brackets after the level and pid ({@code logging.pattern.correlation});</li>
 *   <li>{@code json}: one JSON object per line, Spring Boot's built-in structured logging in the Logstash
 *       shape ({@code @timestamp}, {@code level}, {@code logger_name}, {@code thread_name}, {@code message},
 *       {@code stack_trace}, and every MDC entry as a field, so {@code correlationId}); for containers;</li>
 *   <li>{@code ecs}, {@code logstash}, {@code gelf}: that structured format of Spring Boot's.</li>
 * </ul>
 * Explicit {@code logging.*} settings win over these defaults. Another value stops the start with a message.
 */
public class LogFormat implements EnvironmentPostProcessor {

  /**
   * {@code [id] } in a request's lines; nothing in the others (start, scheduled maintenance): their {@code [] }
   * is the only 3-character value, as an id has at least one character.
   */
  static final String CORRELATION_PATTERN = "%replace([%X{" + CorrelationIds.MDC_KEY + ":-}] ){'^.. $', ''}";

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    environment.getPropertySources().addLast(new MapPropertySource("almanacLogFormat", defaults(
        environment.getProperty("almanac.log-format", environment.getProperty("ALMANAC_LOG_FORMAT", "text")))));
  }

  /** The logging properties a format name stands for. */
  static Map<String, Object> defaults(String format) {
    Map<String, Object> properties = new HashMap<>();
    properties.put("logging.pattern.correlation", CORRELATION_PATTERN);
    String structured = switch (format.trim().toLowerCase(Locale.ROOT)) {
      case "", "text" -> null;
      case "json", "logstash" -> "logstash";
      case "ecs" -> "ecs";
      case "gelf" -> "gelf";
      default -> throw new IllegalArgumentException("ALMANAC_LOG_FORMAT must be text, json, ecs, logstash or gelf,"
          + " not '" + format + "'");
    };
    if (structured != null) {
      properties.put("logging.structured.format.console", structured);
    }
    return properties;
  }
}
