package io.almanac.graphql;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.webmvc.error.ErrorAttributes;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.context.request.ServletWebRequest;

/**
 * The answer to every request that reaches the servlet container's error dispatch, in place of Spring
 * Boot's {@code {timestamp,status,error,path}} body: requests no endpoint was chosen for (an unknown path
 * is 404 {@code NOT_FOUND}; another method than the path's is 405 {@code BAD_USER_INPUT} with the
 * {@code Allow} header Spring set; a media type the endpoint does not read or write is 415 or 406
 * {@code BAD_USER_INPUT}) and exceptions thrown by servlet filters (mapped as {@link HttpErrorHandler}
 * maps a controller's). The body is the GraphQL error shape every other refusal has,
 * {@code {"errors":[{"message":...,"extensions":{"code":...}}]}}, always JSON.
 */
@Controller
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class AlmanacErrorController implements ErrorController {

  private static final Logger log = LoggerFactory.getLogger(AlmanacErrorController.class);

  private final ErrorAttributes errors;

  public AlmanacErrorController(ErrorAttributes errors) {
    this.errors = errors;
  }

  @RequestMapping("${server.error.path:${error.path:/error}}")
  ResponseEntity<Map<String, Object>> error(HttpServletRequest request, HttpServletResponse response) {
    // The error dispatch does not keep every request's method (a PUT's reads as GET): the refusal has it.
    String method = errors.getError(new ServletWebRequest(request))
        instanceof HttpRequestMethodNotSupportedException refused ? refused.getMethod() : request.getMethod();
    Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    String path = uri == null ? request.getRequestURI() : uri.toString();
    if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable failure) {
      return HttpErrorHandler.answer(AlmanacExceptionHandler.unwrap(failure), method, path);
    }
    // Asked for directly (no error dispatch): there is no endpoint at the error path.
    int status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code ? code : 404;
    return HttpErrorHandler.answer(status, refusal(status, method, request, path, response), HttpHeaders.EMPTY);
  }

  private static AlmanacGraphQLException refusal(int status, String method, HttpServletRequest request,
      String path, HttpServletResponse response) {
    if (status >= 500) {
      String reference = UUID.randomUUID().toString();
      log.error("Internal error {} at {} {}: HTTP {} without an exception", reference, method, path,
          status);
      return AlmanacGraphQLException.internal(reference);
    }
    String allowed = response.getHeader(HttpHeaders.ALLOW);
    return switch (status) {
      case 404 -> new AlmanacGraphQLException(ErrorCode.NOT_FOUND, "No endpoint at " + path);
      case 405 -> new AlmanacGraphQLException(ErrorCode.BAD_USER_INPUT, method + " is not allowed on "
          + path + (allowed == null ? "" : "; allowed: " + allowed));
      case 406 -> AlmanacGraphQLException.badInput(HttpHeaders.ACCEPT, "No representation of " + path
          + " matches the Accept header '" + request.getHeader(HttpHeaders.ACCEPT) + "'; accept application/json");
      case 415 -> AlmanacGraphQLException.badInput(HttpHeaders.CONTENT_TYPE, (request.getContentType() == null
          ? "No Content-Type" : "Content-Type '" + request.getContentType() + "'") + " is not read by "
          + method + " " + path);
      case 413 -> new AlmanacGraphQLException(ErrorCode.LIMIT_EXCEEDED, "The request is larger than " + path
          + " accepts");
      default -> new AlmanacGraphQLException(ErrorCode.forHttpStatus(status), "Refused with HTTP " + status);
    };
  }
}
