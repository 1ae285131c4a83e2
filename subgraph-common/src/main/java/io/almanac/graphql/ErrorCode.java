package io.almanac.graphql;

/**
 * The values of {@code extensions.code} on every error Almanac returns, over GraphQL and HTTP alike, with
 * the HTTP status an HTTP endpoint answers for each.
 */
public enum ErrorCode {
  BAD_USER_INPUT(400),
  NOT_FOUND(404),
  UNAUTHENTICATED(401),
  FORBIDDEN(403),
  LIMIT_EXCEEDED(429),
  CONFLICT(409),
  /** A dependency (PostgreSQL, the catalog, storage, another subgraph) is down or too slow: retry later. */
  UNAVAILABLE(503),
  INTERNAL(500);

  private final int httpStatus;

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /**
   * The code of an HTTP status Spring chose for a request it refused before any handler ran (a missing
   * parameter, an unsupported method): 5xx is INTERNAL, a 4xx without a code of its own BAD_USER_INPUT.
   */
  public static ErrorCode forHttpStatus(int status) {
    for (ErrorCode code : values()) {
      if (code.httpStatus == status) {
        return code;
      }
    }
    return status >= 500 ? INTERNAL : BAD_USER_INPUT;
  }
}
