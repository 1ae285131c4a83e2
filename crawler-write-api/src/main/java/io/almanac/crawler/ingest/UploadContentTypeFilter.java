package io.almanac.crawler.ingest;

import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import io.almanac.graphql.http.ErrorResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers an upload whose Content-Type names a charset Java does not know with a 415 that says so. Spring
 * MVC parses the Content-Type while choosing a handler and answers such a request with its own bare 415
 * before {@link BulkPointsController} (and the error handler) would see it.
 */
@Component
class UploadContentTypeFilter extends OncePerRequestFilter {

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    // Only uploads: another method on the path is Spring's 405, answered by AlmanacErrorController.
    return !request.getRequestURI().equals("/bulk/points") || !"POST".equals(request.getMethod());
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    try {
      BulkPointsParser.dialect(request.getContentType(), null);
    } catch (BulkPointsParser.UnsupportedBody e) {
      ErrorResponses.write(response, 415, new AlmanacGraphQLException(ErrorCode.BAD_USER_INPUT, e.getMessage(),
          Map.of("argument", HttpHeaders.CONTENT_TYPE)));
      return;
    }
    chain.doFilter(request, response);
  }
}
