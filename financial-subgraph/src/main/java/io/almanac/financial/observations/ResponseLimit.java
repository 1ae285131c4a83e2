package io.almanac.financial.observations;

import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The one bound on what a read may return, {@code almanac.financial.max-response-points} (default
 * 1,000,000): rows for lists and {@code data}, dates x vintages for panels, points for exports.
 */
@Component
public class ResponseLimit {

  private final long maxPoints;

  public ResponseLimit(@Value("${almanac.financial.max-response-points:1000000}") long maxPoints) {
    if (maxPoints < 1) {
      throw new IllegalArgumentException("almanac.financial.max-response-points must be >= 1, was " + maxPoints);
    }
    this.maxPoints = maxPoints;
  }

  public long maxPoints() {
    return maxPoints;
  }

  /**
   * Refuses a response of {@code points} points.
   *
   * @param what what was asked, for the message (e.g. "vintagePanel of 120 vintages x 9,000 dates")
   * @throws AlmanacGraphQLException {@code LIMIT_EXCEEDED} stating the size asked and the limit
   */
  public void check(long points, String what) {
    if (points > maxPoints) {
      throw new AlmanacGraphQLException(ErrorCode.LIMIT_EXCEEDED, String.format(
          "%s would return %,d points; the limit is %,d (almanac.financial.max-response-points): ask for a "
              + "narrower range or fewer series or vintages", what, points, maxPoints));
    }
  }
}
