package io.almanac.graphql;

import io.almanac.graphql.http.BodyTooLargeException;
import io.almanac.graphql.observability.AuthRefusals;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The one mapper from exceptions to HTTP answers of Almanac's {@code @RestController} endpoints (bulk
 * uploads, exports), twin of {@link AlmanacExceptionHandler}: the body is GraphQL's error shape,
 * {@code {"errors": [{"message": ..., "extensions": {"code": ..., ...}}]}}, and the status is the code's
 * ({@link ErrorCode#httpStatus()}), with {@code Retry-After} when the refusal names one. Requests Spring
 * refuses for the chosen endpoint (a parameter of the wrong type, a missing one, an unreadable body) keep
 * Spring's 4xx status (with the {@code argument} a refusal's problem detail names); a body that grew past its
 * limit while read ({@link BodyTooLargeException}) is 413 LIMIT_EXCEEDED with {@code limit}; a database that
 * is down or too slow is a 503 {@code UNAVAILABLE} with {@code Retry-After} ({@link DependencyFailures});
 * anything unexpected is a 500 carrying only a reference to the log line. Requests no
 * endpoint was chosen for (unknown path, method or media type) are answered in the same shape by
 * {@link AlmanacErrorController}; the GraphQL endpoint is no {@code @RestController} and answers its own
 * errors. A failure after the response
 * was committed (a streamed export half sent) gets no answer here: an error body would be appended to the
 * data, so the exception goes on to the servlet container, which closes the connection and the client sees
 * a truncated transfer instead of a complete-looking file.
 */
@RestControllerAdvice(annotations = RestController.class)
public class HttpErrorHandler {

  private static final Logger log = LoggerFactory.getLogger(HttpErrorHandler.class);

  @ExceptionHandler(Exception.class)
  ResponseEntity<Map<String, Object>> handle(Exception exception, HttpServletRequest request,
      HttpServletResponse response) throws Exception {
    if (response.isCommitted()) {
      log.error("Failed after the response to {} {} was committed; aborting it", request.getMethod(),
          request.getRequestURI(), exception);
      throw exception;
    }
    return answer(AlmanacExceptionHandler.unwrap(exception), request.getMethod(), request.getRequestURI());
  }

  /**
   * The answer to {@code failure} (already unwrapped) on {@code method} {@code path}: the one mapping this class's
   * documentation describes, shared with {@link AlmanacErrorController} for failures that reach the
   * container's error dispatch (a filter's exception).
   */
  static ResponseEntity<Map<String, Object>> answer(Throwable failure, String method, String path) {
    if (failure instanceof AlmanacGraphQLException refusal) {
      AuthRefusals.count(refusal.code(), "http");
      return answer(refusal.code().httpStatus(), refusal, HttpHeaders.EMPTY);
    }
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof BodyTooLargeException tooLarge) {
        return answer(413, new AlmanacGraphQLException(ErrorCode.LIMIT_EXCEEDED, tooLarge.getMessage(),
            Map.of("limit", tooLarge.limit())), HttpHeaders.EMPTY);
      }
    }
    if (DependencyFailures.isDependencyDown(failure)) {
      log.warn("Database unavailable at {} {}: {}", method, path,
          DependencyFailures.rootCause(failure));
      return answer(503, DependencyFailures.refusal(), HttpHeaders.EMPTY);
    }
    if (failure instanceof TypeMismatchException mismatch) {
      String name = mismatch.getPropertyName();
      String expected = mismatch.getRequiredType() == null ? "value" : mismatch.getRequiredType().getSimpleName();
      return answer(400, AlmanacGraphQLException.badInput(name,
          name + " must be a " + expected + ", got '" + mismatch.getValue() + "'"), HttpHeaders.EMPTY);
    }
    if (failure instanceof InvalidParameterException) {
      // Tomcat parses the query string when a parameter is first read: a bad %-escape or non-UTF-8 bytes.
      return answer(400, AlmanacGraphQLException.badInput("query",
          "The query string could not be decoded: percent-escapes must be UTF-8 (%XX with hex digits)"),
          HttpHeaders.EMPTY);
    }
    if (failure instanceof HttpMessageNotReadableException) {
      return answer(400, AlmanacGraphQLException.badInput("body", "The request body could not be read"),
          HttpHeaders.EMPTY);
    }
    if (failure instanceof ErrorResponse refused && refused.getStatusCode().is4xxClientError()) {
      int status = refused.getStatusCode().value();
      String detail = refused.getBody().getDetail();
      Map<String, Object> properties = refused.getBody().getProperties();
      Object argument = properties == null ? null : properties.get("argument");
      return answer(status, new AlmanacGraphQLException(ErrorCode.forHttpStatus(status),
          detail == null ? "Refused with HTTP " + status : detail,
          argument == null ? Map.of() : Map.of("argument", argument)), refused.getHeaders());
    }
    String reference = UUID.randomUUID().toString();
    log.error("Internal error {} at {} {}", reference, method, path, failure);
    return answer(500, AlmanacGraphQLException.internal(reference), HttpHeaders.EMPTY);
  }

  static ResponseEntity<Map<String, Object>> answer(int status, AlmanacGraphQLException refusal,
      HttpHeaders headers) {
    ResponseEntity.BodyBuilder answer = ResponseEntity.status(status).headers(headers)
        .contentType(MediaType.APPLICATION_JSON);
    refusal.retryAfterSeconds().ifPresent(seconds -> answer.header(HttpHeaders.RETRY_AFTER, seconds.toString()));
    return answer.body(Map.of("errors", List.of(Map.of("message", refusal.getMessage(),
        "extensions", refusal.extensions()))));
  }
}
