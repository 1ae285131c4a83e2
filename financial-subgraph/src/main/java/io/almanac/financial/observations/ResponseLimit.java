package io.almanac.financial.observations;

import graphql.schema.DataFetchingEnvironment;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.Connection;
import io.almanac.graphql.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The one bound on what a read may return, {@code almanac.financial.max-response-points} (default
 * 1,000,000): rows for lists and {@code data}, the rows of the page for {@code observations}, dates x
 * vintages for panels, points for exports. A check is one comparison; the message is made only for a
 * refusal, so the checks cost nothing on the read paths.
 *
 * <p>A GraphQL request has one budget for all its fields ({@link #forRequest}): aliases and many series
 * add up, so a query of twenty panels just under the limit each is refused instead of filling the heap.
 * An export is one response, checked by the shared instance.
 */
@Component
public class ResponseLimit {

  /** Extension of a refusal: the limit in points. */
  public static final String LIMIT = "limit";
  /** Extension of a refusal: the points the request would have returned. */
  public static final String REQUESTED = "requested";

  private static final String CONTEXT_KEY = ResponseLimit.class.getName();
  /**
   * {@code almanac_points_read_total}: points of the reads this check let through (every read's points pass
   * here once). On Micrometer's global registry, which Spring Boot binds its registry to.
   */
  private static final Counter POINTS_READ = Counter.builder("almanac.points.read")
      .description("Points returned by reads (GraphQL fields and exports)").register(Metrics.globalRegistry);

  private final long maxPoints;
  /** Points this request's fields have returned so far; null for the shared instance (one check, one response). */
  private final AtomicLong used;

  @Autowired
  public ResponseLimit(@Value("${almanac.financial.max-response-points:1000000}") long maxPoints) {
    this(maxPoints, null);
  }

  private ResponseLimit(long maxPoints, AtomicLong used) {
    if (maxPoints < 1) {
      throw new IllegalArgumentException("almanac.financial.max-response-points must be >= 1, was " + maxPoints);
    }
    this.maxPoints = maxPoints;
    this.used = used;
  }

  /** The budget of the GraphQL request {@code env} belongs to, shared by all its fields. */
  public ResponseLimit forRequest(DataFetchingEnvironment env) {
    return env.getGraphQlContext().computeIfAbsent(CONTEXT_KEY, key -> new ResponseLimit(maxPoints, new AtomicLong()));
  }

  public long maxPoints() {
    return maxPoints;
  }

  /**
   * Refuses a response of {@code points} points.
   *
   * @param what what was asked, for the message (a constant such as a field name, so that a check makes
   *     no string)
   * @throws AlmanacGraphQLException {@code LIMIT_EXCEEDED} stating the size asked and the limit (also as
   *     the extensions {@value #REQUESTED} and {@value #LIMIT})
   */
  public void check(long points, String what) {
    if (charge(points) > maxPoints) {
      throw refusal(what, points);
    }
    POINTS_READ.increment(points);
  }

  /** {@link #check} of the rows of {@code view}, which it returns: a fetcher's one call. */
  public SeriesView rows(SeriesView view, String what) {
    check(view.size(), what);
    return view;
  }

  /** {@link #check} of the rows of a page of a connection, which it returns. */
  public <T> Connection<T> page(Connection<T> page, String what) {
    check(page.nodes().size(), what);
    return page;
  }

  /**
   * Refuses a matrix of {@code rows x columns} points (a vintage panel: vintages x dates).
   *
   * @throws AlmanacGraphQLException {@code LIMIT_EXCEEDED} as {@link #check}, the message naming both sides
   */
  public void checkMatrix(int rows, String rowName, int columns, String columnName, String what) {
    long points = (long) rows * columns;
    if (charge(points) > maxPoints) {
      throw refusal(String.format("%s of %,d %s x %,d %s", what, rows, rowName, columns, columnName), points);
    }
    POINTS_READ.increment(points);
  }

  /** The points of the response once {@code points} more are in it. */
  private long charge(long points) {
    return used == null ? points : used.addAndGet(points);
  }

  private AlmanacGraphQLException refusal(String what, long points) {
    long total = used == null ? points : used.get();
    String size = total == points ? String.format("would return %,d points", points)
        : String.format("would bring the response to %,d points (%,d of them here)", total, points);
    return new AlmanacGraphQLException(ErrorCode.LIMIT_EXCEEDED, String.format(
        "%s %s; the limit is %,d (almanac.financial.max-response-points): ask for a narrower range or fewer "
            + "series, vintages or fields", what, size, maxPoints),
        Map.of(LIMIT, maxPoints, REQUESTED, total));
  }
}
