package io.almanac.financial.vintages;

import io.almanac.financial.generated.DgsConstants.SERIES;
import io.almanac.financial.generated.types.RevisionStats;
import io.almanac.financial.observations.ResponseLimit;
import io.almanac.financial.observations.SeriesView;
import io.almanac.store.SeriesHistory;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * What the vintages of a series changed: the ALFRED changes view (output type 3) and revision statistics,
 * each one pass over the history's rows (sorted by date, then revision date) with primitive arithmetic.
 *
 * <p>A <em>re-publication</em> (a row whose exact value equals the previous vintage's of its date, both
 * missing included; {@link SeriesHistory#republication}) is a vintage of the date but not a change of
 * its value: {@link #changes} leaves it out and {@link #stats} does not count it.
 */
final class Revisions {

  private Revisions() {}

  /**
   * The rows published by a vintage with {@code since < revisionDate <= until} that are not
   * re-publications (a first release, or a value different from the previous vintage's, missing values
   * included), ordered by revision date, then date.
   *
   * @param until null = no upper bound
   * @return a view in that order; each row's {@code previousValue} is the previous vintage's value
   * @throws io.almanac.graphql.AlmanacGraphQLException LIMIT_EXCEEDED past the response limit, counted
   *     before the list is made
   */
  static SeriesView changes(SeriesHistory history, LocalDate since, LocalDate until, ResponseLimit limit) {
    long after = since.toEpochDay();
    long last = until == null ? Long.MAX_VALUE : until.toEpochDay();
    int count = 0;
    for (int row = 0; row < history.size(); row++) {
      if (isChange(history, row, after, last)) {
        count++;
      }
    }
    limit.check(count, SERIES.Changes);
    // Sort keys: revision date in the high half, the row in the low half. Rows of one revision date are
    // already in date order (the history is sorted by date), so the row breaks ties as the date would.
    long[] keys = new long[count];
    int n = 0;
    for (int row = 0; row < history.size(); row++) {
      if (isChange(history, row, after, last)) {
        keys[n++] = (long) history.revisionEpochDay(row) << 32 | row;
      }
    }
    Arrays.sort(keys);
    int[] rows = new int[count];
    for (int i = 0; i < count; i++) {
      rows[i] = (int) keys[i];
    }
    return SeriesView.ofRows(history, rows);
  }

  private static boolean isChange(SeriesHistory history, int row, long after, long last) {
    int revision = history.revisionEpochDay(row);
    return revision > after && revision <= last && !history.republication(row);
  }

  /**
   * Revision statistics over the dates in {@code [from, to]} whose value as of {@code asOf} (latest
   * revision on or before it; null = all vintages) is not missing, from the rows published by
   * {@code asOf}. Per date, the sequence is its non-missing published values in vintage order (a vintage
   * that published it as missing is skipped): its first element is the first release, and a revision is
   * an element whose exact value differs from the one before it (re-publications are not). With
   * {@code L} the as-of value, {@code F} the first release, {@code r} the revisions of a date and
   * {@code t} the days from the first release's revision date to the last revision's:
   * <ul>
   *   <li>{@code observations} N: the dates; {@code revisedObservations} R: those with {@code r > 0};
   *   <li>{@code meanRevision} = sum(L - F) / N, {@code meanAbsoluteRevision} = sum|L - F| / N,
   *       {@code maxAbsoluteRevision} = max|L - F| (unrevised dates count zero), null when N = 0;
   *   <li>{@code meanRevisionsPerObservation} = sum(r) / N, null when N = 0;
   *   <li>{@code meanDaysToFinal} = sum(t over revised dates) / R, null when R = 0.
   * </ul>
   * L - F is the difference of the two values as doubles.
   */
  static RevisionStats stats(SeriesHistory history, LocalDate from, LocalDate to, LocalDate asOf) {
    long asOfDay = asOf == null ? Long.MAX_VALUE : asOf.toEpochDay();
    int start = from == null ? 0 : history.firstRowOnOrAfter((int) from.toEpochDay());
    int end = to == null ? history.size() : history.firstRowOnOrAfter((int) to.toEpochDay() + 1);
    int observations = 0;
    int revisedObservations = 0;
    long revisions = 0;
    long daysToFinal = 0;
    double sumRevision = 0;
    double sumAbsoluteRevision = 0;
    double maxAbsoluteRevision = 0;
    for (int i = start; i < end; ) {
      int day = history.epochDay(i);
      int asOfRow = -1;
      int first = -1;
      int previous = -1;
      int lastRevision = -1;
      int dateRevisions = 0;
      for (; i < end && history.epochDay(i) == day; i++) {
        if (history.revisionEpochDay(i) > asOfDay) {
          continue; // later vintages of the date (they come last): not yet published as of asOf
        }
        asOfRow = i;
        if (Double.isNaN(history.doubleValue(i))) {
          continue;
        }
        if (first < 0) {
          first = i;
        } else if (!history.sameValue(i, previous)) {
          dateRevisions++;
          lastRevision = i;
        }
        previous = i;
      }
      if (asOfRow < 0 || Double.isNaN(history.doubleValue(asOfRow))) {
        continue;
      }
      observations++;
      double revision = history.doubleValue(asOfRow) - history.doubleValue(first);
      sumRevision += revision;
      sumAbsoluteRevision += Math.abs(revision);
      maxAbsoluteRevision = Math.max(maxAbsoluteRevision, Math.abs(revision));
      revisions += dateRevisions;
      if (dateRevisions > 0) {
        revisedObservations++;
        daysToFinal += history.revisionEpochDay(lastRevision) - history.revisionEpochDay(first);
      }
    }
    boolean none = observations == 0;
    return RevisionStats.newBuilder()
        .observations(observations)
        .revisedObservations(revisedObservations)
        .meanRevision(none ? null : sumRevision / observations)
        .meanAbsoluteRevision(none ? null : sumAbsoluteRevision / observations)
        .maxAbsoluteRevision(none ? null : maxAbsoluteRevision)
        .meanRevisionsPerObservation(none ? null : (double) revisions / observations)
        .meanDaysToFinal(revisedObservations == 0 ? null : (double) daysToFinal / revisedObservations)
        .build();
  }
}
