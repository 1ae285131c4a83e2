package io.almanac.graphql.http;

import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;

/**
 * The refusal for an HTTP status that Spring or the container chose without saying why (no handler took
 * the request, or a handler answered with a status and no body), as {@link io.almanac.graphql.AlmanacErrorController}
 * and {@link GraphQlEndpointFilter} write it: 404 {@code NOT_FOUND}; 405 {@code BAD_USER_INPUT} naming the
 * {@code Allow} header already set; 406 and 415 {@code BAD_USER_INPUT} naming {@code Accept} or
 * {@code Content-Type}; 413 {@code LIMIT_EXCEEDED}; 400 on the GraphQL endpoint {@code BAD_USER_INPUT} naming
 * the body (JSON that does not parse); another 4xx {@code BAD_USER_INPUT}; a 5xx
 * {@code INTERNAL} with a reference to the log line it writes.
 */
public final class RefusalMessages {

  private static final Logger log = LoggerFactory.getLogger(RefusalMessages.class);

  private RefusalMessages() {}

  /**
   * @param method the request's method as the client sent it (an error dispatch reads as GET: the caller
   *     passes the original)
   */
  public static AlmanacGraphQLException refusal(int status, String method, String path, HttpServletRequest request,
      HttpServletResponse response) {
    if (status >= 500) {
      String reference = UUID.randomUUID().toString();
      log.error("Internal error {} at {} {}: HTTP {} without an exception", reference, method, path, status);
      return AlmanacGraphQLException.internal(reference);
    }
    String allowed = response.getHeader(HttpHeaders.ALLOW);
    return switch (status) {
      case 404 -> new AlmanacGraphQLException(ErrorCode.NOT_FOUND, "No endpoint at " + path);
      case 405 -> new AlmanacGraphQLException(ErrorCode.BAD_USER_INPUT, method + " is not allowed on " + path
          + (allowed == null ? "" : "; allowed: " + allowed));
      case 406 -> AlmanacGraphQLException.badInput(HttpHeaders.ACCEPT, "No representation of " + path
          + " matches the Accept header '" + request.getHeader(HttpHeaders.ACCEPT) + "'; accept application/json");
      case 415 -> AlmanacGraphQLException.badInput(HttpHeaders.CONTENT_TYPE, (request.getContentType() == null
          ? "No Content-Type" : "Content-Type '" + request.getContentType() + "'") + " is not read at " + path
          + (GraphQlEndpointFilter.PATH.equals(path) ? ": send application/json (UTF-8)" : ""));
      case 413 -> new AlmanacGraphQLException(ErrorCode.LIMIT_EXCEEDED, "The request is larger than " + path
          + " accepts");
      case 400 -> GraphQlEndpointFilter.PATH.equals(path)
          ? AlmanacGraphQLException.badInput("body", "The request body is not a GraphQL request in JSON: "
              + "{\"query\": \"...\", \"variables\": {...}, \"operationName\": \"...\"}")
          : new AlmanacGraphQLException(ErrorCode.BAD_USER_INPUT, "Refused with HTTP 400");
      default -> new AlmanacGraphQLException(ErrorCode.forHttpStatus(status), "Refused with HTTP " + status);
    };
  }
}
