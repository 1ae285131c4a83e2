package io.almanac.graphql.http;

import io.almanac.graphql.AlmanacGraphQLException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PushbackInputStream;
import java.util.Locale;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refusals of a subgraph's GraphQL endpoint ({@value #PATH}) in the error shape of every other refusal, where
 * Spring for GraphQL would answer with an empty body or fail:
 * <ul>
 *   <li>another method than POST is 405 {@code BAD_USER_INPUT} with {@code Allow: POST} (Spring answered GET
 *       so with an empty body, and PUT or DELETE as an unknown path);
 *   <li>a JSON body that is not an object ({@code null}, an array, a string, nothing) is 400
 *       {@code BAD_USER_INPUT} with {@code argument: body}, decided by its first byte other than whitespace
 *       (the body is passed on unbuffered; a {@code null} body made the handler fail with a 500);
 *   <li>any other refusal the handler answered without a body (415 for a Content-Type it does not read, 406
 *       for an Accept it cannot serve) gets the body {@link RefusalMessages} writes for its status.
 * </ul>
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
public class GraphQlEndpointFilter extends OncePerRequestFilter {

  /** The GraphQL endpoint of every subgraph (Spring for GraphQL's default path). */
  public static final String PATH = "/graphql";

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !PATH.equals(request.getRequestURI());
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (!"POST".equals(request.getMethod())) {
      response.setHeader(HttpHeaders.ALLOW, "POST");
      ErrorResponses.write(response, 405, RefusalMessages.refusal(405, request.getMethod(), PATH, request, response));
      return;
    }
    HttpServletRequest passed = request;
    String type = request.getContentType();
    if (type != null && type.toLowerCase(Locale.ROOT).split(";", 2)[0].trim().endsWith("json")) {
      ServletInputStream original = request.getInputStream();
      PushbackInputStream body = new PushbackInputStream(original, 1);
      int first = body.read();
      while (first == ' ' || first == '\t' || first == '\r' || first == '\n') {
        first = body.read();
      }
      if (first != '{') {
        ErrorResponses.write(response, 400, AlmanacGraphQLException.badInput("body", "A GraphQL request body is a JSON"
            + " object, {\"query\": \"...\", \"variables\": {...}}; this one " + (first < 0 ? "is empty" : "is not an object")));
        return;
      }
      body.unread(first);
      passed = new ReplacedBodyRequest(request, pushedBack(original, body));
    }
    chain.doFilter(passed, response);
    if (response.getStatus() >= 400 && response.getContentType() == null && !response.isCommitted()) {
      ErrorResponses.write(response, response.getStatus(),
          RefusalMessages.refusal(response.getStatus(), "POST", PATH, request, response));
    }
  }

  /** {@code original} read through {@code body}, which holds the one byte read ahead. */
  private static ServletInputStream pushedBack(ServletInputStream original, PushbackInputStream body) {
    return new ServletInputStream() {
      @Override
      public int read() throws IOException {
        return body.read();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return body.read(b, off, len);
      }

      @Override
      public int available() throws IOException {
        return body.available();
      }

      @Override
      public boolean isFinished() {
        try {
          return body.available() == 0 && original.isFinished();
        } catch (IOException e) {
          return true;
        }
      }

      @Override
      public boolean isReady() {
        return original.isReady();
      }

      @Override
      public void setReadListener(ReadListener listener) {
        original.setReadListener(listener);
      }
    };
  }
}
