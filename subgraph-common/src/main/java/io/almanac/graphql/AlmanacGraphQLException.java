package io.almanac.graphql;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A refusal the client should see: its message is shown as is, {@link #code()} becomes
 * {@code extensions.code}, and {@link #extensions()} adds details such as the offending argument. Over
 * HTTP, {@link HttpErrorHandler} answers it with the code's status.
 */
public class AlmanacGraphQLException extends RuntimeException {

  /** Extension naming the seconds after which a refused request may be retried (also HTTP's Retry-After). */
  public static final String RETRY_AFTER = "retryAfter";

  private final ErrorCode code;
  private final Map<String, Object> extensions;

  public AlmanacGraphQLException(ErrorCode code, String message) {
    this(code, message, Map.of());
  }

  public AlmanacGraphQLException(ErrorCode code, String message, Map<String, Object> extensions) {
    super(message);
    this.code = code;
    this.extensions = Map.copyOf(extensions);
  }

  public static AlmanacGraphQLException badInput(String argument, String message) {
    return new AlmanacGraphQLException(ErrorCode.BAD_USER_INPUT, message, Map.of("argument", argument));
  }

  public static AlmanacGraphQLException notFound(String message) {
    return new AlmanacGraphQLException(ErrorCode.NOT_FOUND, message);
  }

  /** {@code LIMIT_EXCEEDED} that may be retried after {@code retryAfter} (whole seconds, rounded up). */
  public static AlmanacGraphQLException limitExceeded(String message, Duration retryAfter) {
    long seconds = retryAfter.toSeconds() + (retryAfter.toNanosPart() > 0 ? 1 : 0);
    return new AlmanacGraphQLException(ErrorCode.LIMIT_EXCEEDED, message, Map.of(RETRY_AFTER, seconds));
  }

  /**
   * What a client sees of an unexpected failure: {@code INTERNAL} and a reference to the server log line,
   * never the failure itself (no stack trace, SQL or file path).
   */
  public static AlmanacGraphQLException internal(String reference) {
    return new AlmanacGraphQLException(ErrorCode.INTERNAL, "Internal error; reference " + reference,
        Map.of("reference", reference));
  }

  public ErrorCode code() {
    return code;
  }

  /** Seconds after which the request may be retried, when the refusal says so. */
  public Optional<Long> retryAfterSeconds() {
    return extensions.get(RETRY_AFTER) instanceof Long seconds ? Optional.of(seconds) : Optional.empty();
  }

  /** {@code code} first, then the details. */
  public Map<String, Object> extensions() {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("code", code.name());
    all.putAll(extensions);
    return all;
  }
}
