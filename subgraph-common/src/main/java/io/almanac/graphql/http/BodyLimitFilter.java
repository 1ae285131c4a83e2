package io.almanac.graphql.http;

import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds every request body of a subgraph before anything reads it whole ({@link BodyLimitSettings}):
 * <ul>
 *   <li>a declared {@code Content-Length} over the limit is answered 413 at once, the body unread;
 *   <li>on streamed paths (bulk uploads) the body is passed on counted: past the limit its stream throws
 *       {@link BodyTooLargeException}, which the endpoint's error handler answers 413;
 *   <li>elsewhere (GraphQL, whose handler reads the body whole anyway) a chunked body is read here up to
 *       the limit and answered 413 past it, and bodies being read take their size from a budget of bytes
 *       in flight, so that many large requests at once queue for a bounded time, then get 429 with
 *       {@code Retry-After}, instead of filling the heap.
 * </ul>
 * Refusals use the GraphQL error shape with code {@code LIMIT_EXCEEDED} and extensions {@code limit} (bytes)
 * and, when known, {@code requested}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
@EnableConfigurationProperties(BodyLimitSettings.class)
public class BodyLimitFilter extends OncePerRequestFilter {

  private final BodyLimitSettings settings;
  /** Bytes in flight, in KiB so that the budget fits a semaphore's int permits. */
  private final Semaphore inFlight;

  public BodyLimitFilter(BodyLimitSettings settings) {
    this.settings = settings;
    this.inFlight = new Semaphore((int) kib(settings.maxBytesInFlight().toBytes()), true);
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    boolean streamed = isStreamed(request);
    long limit = streamed ? settings.maxStreamedBodySize().toBytes() : settings.maxBodySize().toBytes();
    long declared = request.getContentLengthLong();
    if (declared > limit) {
      tooLarge(response, limit, declared);
      return;
    }
    boolean chunked = declared < 0 && request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    if (streamed) {
      chain.doFilter(chunked ? new LimitedRequest(request, request.getInputStream(), limit) : request, response);
      return;
    }
    if (declared <= 0 && !chunked) {
      chain.doFilter(request, response);
      return;
    }
    int held = (int) kib(chunked ? limit : declared);
    if (!acquire(held)) {
      ErrorResponses.write(response, 429, new AlmanacGraphQLException(ErrorCode.LIMIT_EXCEEDED, "Too many large requests at once"
          + " (at most " + settings.maxBytesInFlight().toBytes() + " bytes of bodies in flight); send it again later",
          java.util.Map.of(AlmanacGraphQLException.RETRY_AFTER, retryAfterSeconds())));
      return;
    }
    try {
      if (!chunked) {
        chain.doFilter(request, response); // the container stops the body at its declared length
        return;
      }
      byte[] body = request.getInputStream().readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
      if (body.length > limit) {
        tooLarge(response, limit, -1);
        return;
      }
      int unused = held - (int) kib(body.length);
      inFlight.release(unused);
      held -= unused;
      chain.doFilter(new LimitedRequest(request, new ByteArrayInputStream(body), limit), response);
    } finally {
      inFlight.release(held);
    }
  }

  private boolean isStreamed(HttpServletRequest request) {
    String path = request.getRequestURI();
    return settings.streamedPaths().stream().anyMatch(path::startsWith);
  }

  private boolean acquire(int kib) {
    try {
      return inFlight.tryAcquire(kib, settings.inFlightWait().toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private long retryAfterSeconds() {
    return Math.max(1, (settings.inFlightWait().toMillis() + 999) / 1000);
  }

  private static long kib(long bytes) {
    return Math.max(1, (bytes + 1023) / 1024);
  }

  private static void tooLarge(HttpServletResponse response, long limit, long requested) throws IOException {
    java.util.Map<String, Object> extensions = new java.util.LinkedHashMap<>();
    extensions.put("limit", limit);
    if (requested >= 0) {
      extensions.put("requested", requested);
    }
    // The body is left unread: the container closes the connection after the answer.
    response.setHeader(HttpHeaders.CONNECTION, "close");
    ErrorResponses.write(response, 413, new AlmanacGraphQLException(ErrorCode.LIMIT_EXCEEDED, "The request body is larger than "
        + limit + " bytes, the most this endpoint accepts", extensions));
  }

  /** A request whose body is {@code body}, failing with {@link BodyTooLargeException} past {@code limit} bytes. */
  private static final class LimitedRequest extends ReplacedBodyRequest {
    LimitedRequest(HttpServletRequest request, InputStream body, long limit) {
      super(request, new LimitedStream(body, limit));
    }
  }

  private static final class LimitedStream extends ServletInputStream {
    private final InputStream in;
    private final long limit;
    private long read;
    private boolean finished;

    LimitedStream(InputStream in, long limit) {
      this.in = in;
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      // One byte past the limit is asked for, so a body of exactly the limit still ends cleanly.
      int n = in.read(buffer, offset, (int) Math.min(length, limit + 1 - read));
      if (n < 0) {
        finished = true;
        return -1;
      }
      read += n;
      if (read > limit) {
        throw new BodyTooLargeException(limit);
      }
      return n;
    }

    @Override
    public boolean isFinished() {
      return finished;
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setReadListener(ReadListener listener) {
      throw new UnsupportedOperationException("bodies are read blocking");
    }
  }

  @Override
  protected boolean shouldNotFilterAsyncDispatch() {
    return true;
  }
}
