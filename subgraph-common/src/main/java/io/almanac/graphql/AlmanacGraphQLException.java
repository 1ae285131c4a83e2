package io.almanac.graphql;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A refusal the client should see: its message is shown as is, {@link #code()} becomes
 * {@code extensions.code}, and {@link #extensions()} adds details such as the offending argument.
 */
public class AlmanacGraphQLException extends RuntimeException {

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

  public ErrorCode code() {
    return code;
  }

  /** {@code code} first, then the details. */
  public Map<String, Object> extensions() {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("code", code.name());
    all.putAll(extensions);
    return all;
  }
}
