package io.almanac.crawler.ingest;

import io.almanac.graphql.AlmanacGraphQLException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Bounds the points that concurrent uploads hold in memory ({@link IngestSettings#maxPointsInFlight()}):
 * an upload takes its points' worth before it reads or validates them and gives them back once answered,
 * so a burst of large uploads queues (for at most {@link IngestSettings#inFlightWait()}) instead of
 * filling the heap. Taking all of an upload's permits at once means two uploads never hold part each
 * while waiting for the rest.
 */
@Component
class UploadPermits {

  /** Fewest bytes a point takes in any upload format ({@code 1,2024-01-01,1\n} is 15). */
  private static final long MIN_BYTES_PER_POINT = 15;

  private final Semaphore points;
  private final IngestSettings settings;

  UploadPermits(IngestSettings settings) {
    this.settings = settings;
    this.points = new Semaphore(settings.maxPointsInFlight(), true);
  }

  /** A hold on room for points, given back by {@link #close()}. */
  final class Permit implements AutoCloseable {
    private final int count;

    private Permit(int count) {
      this.count = count;
    }

    @Override
    public void close() {
      points.release(count);
    }
  }

  /**
   * Room for the points of a body of {@code contentLength} bytes: as many as it can hold, at most an
   * upload's {@code maxPoints} (the one point the parser reads past them is not counted). A chunked body
   * ({@code contentLength} -1) declares nothing, so it takes a full upload's room: with the defaults four
   * chunked uploads proceed at once, any number of small ones with a Content-Length.
   *
   * @throws AlmanacGraphQLException LIMIT_EXCEEDED with a retry delay when no room frees within the wait
   */
  Permit forBody(long contentLength) {
    long limit = settings.maxPoints();
    long count = contentLength < 0 ? limit : Math.min(limit, Math.max(1, contentLength / MIN_BYTES_PER_POINT));
    return acquire((int) count);
  }

  /** Room for {@code count} points already received (GraphQL), at most an upload's {@code maxPoints}. */
  Permit forPoints(int count) {
    return acquire(Math.max(1, Math.min(count, settings.maxPoints())));
  }

  private Permit acquire(int count) {
    Duration wait = settings.inFlightWait();
    boolean acquired;
    try {
      acquired = points.tryAcquire(count, wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      acquired = false;
    }
    if (!acquired) {
      throw AlmanacGraphQLException.limitExceeded("Too many points are being uploaded at once (at most "
          + settings.maxPointsInFlight() + " in flight); send this batch again later", wait.isZero()
          ? Duration.ofSeconds(1) : wait);
    }
    return new Permit(count);
  }
}
