package io.almanac.graphql.http;

import java.io.IOException;

/**
 * A request body grew past its limit while it was read (a chunked body, whose size is not declared):
 * thrown by the body's stream, answered 413 with code LIMIT_EXCEEDED by
 * {@link io.almanac.graphql.HttpErrorHandler}.
 */
public class BodyTooLargeException extends IOException {

  private final long limit;

  public BodyTooLargeException(long limit) {
    super("The request body is larger than " + limit + " bytes, the most this endpoint accepts", null);
    this.limit = limit;
  }

  /** The limit, in bytes. */
  public long limit() {
    return limit;
  }
}
