package io.almanac.graphql.observability;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * First filter of every request: takes the {@link CorrelationIds#HEADER} the gateway sent (or creates one),
 * returns it in the response header of the same name, and keeps it in the MDC as
 * {@link CorrelationIds#MDC_KEY} while the request runs, so every log line it causes carries it (work handed
 * to {@code applicationTaskExecutor} too: see {@link MdcTaskDecorator}). Also runs on async dispatches (a
 * streamed export's second half). Each request ends with one line on logger {@value #REQUEST_LOGGER}
 * (method, path without the query string, status, milliseconds); {@code /actuator/*} (probes, scrapes) is
 * not logged. {@code logging.level.io.almanac.requests=warn} turns those lines off.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class CorrelationIdFilter extends OncePerRequestFilter {

  static final String REQUEST_LOGGER = "io.almanac.requests";
  private static final String ATTRIBUTE = CorrelationIdFilter.class.getName() + ".id";
  private static final String STARTED = CorrelationIdFilter.class.getName() + ".started";
  private static final Logger requests = LoggerFactory.getLogger(REQUEST_LOGGER);

  @Override
  protected boolean shouldNotFilterAsyncDispatch() {
    return false;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String id = (String) request.getAttribute(ATTRIBUTE);
    if (id == null) {
      id = CorrelationIds.acceptOrCreate(request.getHeader(CorrelationIds.HEADER));
      request.setAttribute(ATTRIBUTE, id);
      request.setAttribute(STARTED, System.nanoTime());
      response.setHeader(CorrelationIds.HEADER, id);
    }
    MDC.put(CorrelationIds.MDC_KEY, id);
    try {
      chain.doFilter(request, response);
    } finally {
      if (!isAsyncStarted(request) && !request.getRequestURI().startsWith("/actuator/")) {
        long millis = (System.nanoTime() - (Long) request.getAttribute(STARTED)) / 1_000_000;
        requests.info("{} {} {} in {} ms", request.getMethod(), request.getRequestURI(), response.getStatus(), millis);
      }
      MDC.remove(CorrelationIds.MDC_KEY);
    }
  }
}
