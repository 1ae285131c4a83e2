package io.almanac.graphql;

import io.almanac.graphql.http.RefusalMessages;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
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
    return HttpErrorHandler.answer(status, RefusalMessages.refusal(status, method, path, request, response),
        HttpHeaders.EMPTY);
  }
}
