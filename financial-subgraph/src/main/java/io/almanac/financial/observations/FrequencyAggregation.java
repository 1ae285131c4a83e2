package io.almanac.financial.observations;

import io.almanac.financial.generated.types.Aggregation;
import io.almanac.financial.generated.types.DayOfWeek;
import io.almanac.financial.generated.types.Frequency;
import java.util.Arrays;

/**
 * FRED's frequency aggregation (https://fredhelp.stlouisfed.org, "Understanding the Data"): the
 * observations of a view grouped into the periods of a lower frequency, one derived row per period.
 * <ul>
 *   <li>Periods: calendar months, quarters, halves and years, dated at their first day; weeks and
 *       two-week periods dated at their ending day ({@code weekEnding}); two-week periods end every
 *       second {@code weekEnding} day counted from the first such day on or after 1970-01-01.
 *   <li>An observation belongs to the period containing its own date (a week ending Friday 2010-09-03
 *       counts for September).
 *   <li>Missing values inside a period are ignored: AVERAGE and SUM over the values present,
 *       END_OF_PERIOD the last value present. A period between the first and the last value whose
 *       observations are all missing gives a missing value; a period without observations gives no row.
 *   <li>The first and the last period (those holding the view's first and last value; periods before
 *       and after them hold only missing values and give no row) are kept only with at least
 *       {@link Frequencies#minimumObservations FRED's minimum} number of values.
 *   <li>Values are doubles, not rounded (FRED rounds to the source's decimal places).
 * </ul>
 * A derived row's revision date is the latest among the rows its value reads (every value of the
 * period for AVERAGE and SUM, the last one for END_OF_PERIOD, every row of an all-missing period), and
 * it is a first release when all of those are.
 */
final class FrequencyAggregation {

  private FrequencyAggregation() {}

  /**
   * One row per period of {@code target} over {@code in}, a view of a series of frequency {@code own}.
   *
   * @param in the vintage view, whole: its first and last periods are the series' own
   * @param weekEnding the day WEEKLY and BIWEEKLY periods end on (required for them, ignored for the others)
   * @throws IllegalArgumentException unless {@code target} is a lower frequency than {@code own}, or if
   *     {@code in} has no revision columns
   */
  static SeriesView aggregate(SeriesView in, Frequency own, Frequency target, Aggregation method,
      DayOfWeek weekEnding) {
    int minimum = Frequencies.minimumObservations(own, target);
    if (!in.hasRevisions()) {
      throw new IllegalArgumentException("Aggregation reads the revision columns of its input");
    }
    int size = in.size();
    int firstValue = 0;
    while (firstValue < size && in.isMissing(firstValue)) {
      firstValue++;
    }
    if (firstValue == size) {
      return SeriesView.ofColumns(new int[0], new double[0], new int[0], new boolean[0]);
    }
    int lastValue = size - 1;
    while (in.isMissing(lastValue)) {
      lastValue--;
    }
    int capacity = (int) Math.min(size, ((long) in.epochDay(size - 1) - in.epochDay(0)) / shortestDays(target) + 2);
    int[] dates = new int[capacity];
    double[] values = new double[capacity];
    int[] revisionDays = new int[capacity];
    boolean[] originals = new boolean[capacity];
    Periods periods = new Periods(target, weekEnding);
    int n = 0;
    int i = 0;
    while (i < size) {
      periods.locate(in.epochDay(i));
      int start = i;
      int count = 0;
      double sum = 0;
      int last = -1;
      int valuesRevision = Integer.MIN_VALUE;
      boolean valuesOriginal = true;
      int rowsRevision = Integer.MIN_VALUE;
      boolean rowsOriginal = true;
      for (; i < size && in.epochDay(i) < periods.nextStart; i++) {
        int revision = in.revisionEpochDay(i);
        boolean original = in.originalRelease(i);
        rowsRevision = Math.max(rowsRevision, revision);
        rowsOriginal &= original;
        double value = in.doubleValue(i);
        if (!Double.isNaN(value)) {
          count++;
          sum += value;
          last = i;
          valuesRevision = Math.max(valuesRevision, revision);
          valuesOriginal &= original;
        }
      }
      boolean edge = start <= firstValue && firstValue < i || start <= lastValue && lastValue < i;
      if (count == 0 ? i <= firstValue || start > lastValue : edge && count < minimum) {
        continue;
      }
      dates[n] = periods.date;
      if (count == 0) {
        values[n] = Double.NaN;
        revisionDays[n] = rowsRevision;
        originals[n] = rowsOriginal;
      } else if (method == Aggregation.END_OF_PERIOD) {
        values[n] = in.doubleValue(last);
        revisionDays[n] = in.revisionEpochDay(last);
        originals[n] = in.originalRelease(last);
      } else {
        values[n] = method == Aggregation.SUM ? sum : sum / count;
        revisionDays[n] = valuesRevision;
        originals[n] = valuesOriginal;
      }
      n++;
    }
    return SeriesView.ofColumns(Arrays.copyOf(dates, n), Arrays.copyOf(values, n), Arrays.copyOf(revisionDays, n),
        Arrays.copyOf(originals, n));
  }

  /** The fewest days a period of {@code target} can have: bounds the number of periods a span holds. */
  private static int shortestDays(Frequency target) {
    return switch (target) {
      case DAILY -> 1;
      case WEEKLY -> 7;
      case BIWEEKLY -> 14;
      case MONTHLY -> 28;
      case QUARTERLY -> 89;
      case SEMIANNUAL -> 181;
      case ANNUAL -> 365;
    };
  }

  /** The period holding a day: its date and the first day of the next period, found once per period. */
  private static final class Periods {

    private final Frequency target;
    /** Months per period for the calendar frequencies. */
    private final int months;
    /** WEEKLY: the ending day of the week, 0 = Monday. */
    private final int weekEnd;
    /** BIWEEKLY: the first ending day on or after 1970-01-01, in days since then. */
    private final int biweeklyAnchor;
    int date;
    int nextStart;

    Periods(Frequency target, DayOfWeek weekEnding) {
      this.target = target;
      this.months = switch (target) {
        case MONTHLY -> 1;
        case QUARTERLY -> 3;
        case SEMIANNUAL -> 6;
        case ANNUAL -> 12;
        default -> 0;
      };
      if (weekEnding == null && months == 0) {
        throw new IllegalArgumentException(target + " periods need the day they end on");
      }
      this.weekEnd = months > 0 ? 0 : java.time.DayOfWeek.valueOf(weekEnding.name()).getValue() - 1;
      this.biweeklyAnchor = Math.floorMod(weekEnd - CivilDays.dayOfWeek(0), 7);
    }

    void locate(int day) {
      switch (target) {
        case WEEKLY -> {
          date = day + Math.floorMod(weekEnd - CivilDays.dayOfWeek(day), 7);
          nextStart = date + 1;
        }
        case BIWEEKLY -> {
          date = day + Math.floorMod(biweeklyAnchor - day, 14);
          nextStart = date + 1;
        }
        case MONTHLY, QUARTERLY, SEMIANNUAL, ANNUAL -> {
          int month = CivilDays.monthIndex(day);
          int first = month - Math.floorMod(month, months);
          date = CivilDays.firstDayOfMonth(first);
          nextStart = CivilDays.firstDayOfMonth(first + months);
        }
        case DAILY -> throw new IllegalArgumentException("DAILY is no lower frequency to aggregate to");
      }
    }
  }
}
