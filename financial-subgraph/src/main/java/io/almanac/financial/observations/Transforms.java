package io.almanac.financial.observations;

import io.almanac.financial.generated.types.Frequency;
import io.almanac.financial.generated.types.Transform;

/**
 * FRED's {@code units} transforms (https://fred.stlouisfed.org/docs/api/fred/series_observations.html#units
 * and FRED help, "What Formulas are Used to Calculate Growth Rates?") over a view, into a computed view
 * of derived rows. With x(t) the value at t, x(t-1) the previous observation (row) and n the periods
 * per year of the view's frequency ({@link Frequencies#periodsPerYear}):
 * <pre>
 *   CHANGE                          x(t) - x(t-1)                         chg
 *   CHANGE_FROM_YEAR_AGO            x(t) - x(t - year)                    ch1
 *   PERCENT_CHANGE                  100 * (x(t) / x(t-1) - 1)             pch
 *   PERCENT_CHANGE_FROM_YEAR_AGO    100 * (x(t) / x(t - year) - 1)        pc1
 *   COMPOUNDED_ANNUAL_RATE          100 * ((x(t) / x(t-1))^n - 1)         pca
 *   CONTINUOUSLY_COMPOUNDED         100 * (ln x(t) - ln x(t-1))           cch
 *   CONTINUOUSLY_COMPOUNDED_ANNUAL  100 * n * (ln x(t) - ln x(t-1))       cca
 *   NATURAL_LOG                     ln x(t)                               log
 * </pre>
 * x(t - year) is n rows back for MONTHLY and lower frequencies; for DAILY, WEEKLY and BIWEEKLY it is
 * the row dated one year earlier (same month and day; February 29 goes to February 28), or the last
 * row before that date when that day has none (FRED counts rows; dates are what a year means for
 * series with holidays and gaps). A row without its predecessor is left out; a missing input, a
 * division by zero, the log of a non-positive value or an overflow gives a missing value (never NaN or
 * an infinity as a value). A derived row's revision date is the later of its inputs', and it is a first
 * release when both inputs are.
 */
final class Transforms {

  private Transforms() {}

  /** What a transform reads before its own row. */
  enum Lookback {
    /** Only x(t). */
    NONE,
    /** The previous row. */
    PREVIOUS,
    /** The row a year earlier. */
    YEAR
  }

  static Lookback lookback(Transform transform) {
    return switch (transform) {
      case LEVEL, NATURAL_LOG -> Lookback.NONE;
      case CHANGE_FROM_YEAR_AGO, PERCENT_CHANGE_FROM_YEAR_AGO -> Lookback.YEAR;
      case CHANGE, PERCENT_CHANGE, COMPOUNDED_ANNUAL_RATE, CONTINUOUSLY_COMPOUNDED,
          CONTINUOUSLY_COMPOUNDED_ANNUAL -> Lookback.PREVIOUS;
    };
  }

  /**
   * How many days before {@code from} a view should start so that a transform of rows from
   * {@code from} on usually finds their predecessors in it (two periods for the previous row, a year
   * and two periods for a year ago); {@link #hasPredecessors} says whether it did.
   */
  static int lookbackDays(Transform transform, Frequency frequency) {
    int period = Frequencies.longestPeriodDays(frequency);
    return switch (lookback(transform)) {
      case NONE -> 0;
      case PREVIOUS -> 2 * period + 7;
      case YEAR -> Frequencies.yearAgoByDate(frequency)
          ? 366 + 2 * period + 7
          : (Frequencies.periodsPerYear(frequency) + 1) * period + 7;
    };
  }

  /**
   * True when every row of {@code view} dated on or after {@code fromDay} has its predecessor in
   * {@code view} if the series has one at all: there is a row before {@code fromDay} (n rows for a
   * year ago by rows; a row on or before a year before {@code fromDay} for a year ago by date).
   */
  static boolean hasPredecessors(SeriesView view, int fromDay, Transform transform, Frequency frequency) {
    int before = view.firstAfter(fromDay - 1L);
    return switch (lookback(transform)) {
      case NONE -> true;
      case PREVIOUS -> before >= 1;
      case YEAR -> Frequencies.yearAgoByDate(frequency)
          ? before >= 1 && view.epochDay(0) <= CivilDays.minusOneYear(fromDay)
          : before >= Frequencies.periodsPerYear(frequency);
    };
  }

  /**
   * {@code transform} of every row of {@code in} that has its predecessor in {@code in}.
   *
   * @param frequency the frequency of {@code in}'s rows (the series' own, or what they were aggregated to)
   * @throws IllegalArgumentException for LEVEL (no step), or if {@code in} has no revision columns
   */
  static SeriesView apply(SeriesView in, Transform transform, Frequency frequency) {
    if (transform == Transform.LEVEL) {
      throw new IllegalArgumentException("LEVEL is the view itself, not a step");
    }
    if (!in.hasRevisions()) {
      throw new IllegalArgumentException("A transform reads the revision columns of its input");
    }
    int size = in.size();
    int n = Frequencies.periodsPerYear(frequency);
    Lookback lookback = lookback(transform);
    boolean byDate = lookback == Lookback.YEAR && Frequencies.yearAgoByDate(frequency);
    // The first row with a predecessor: every later row has one too (a year earlier only moves forward).
    int first = switch (lookback) {
      case NONE -> 0;
      case PREVIOUS -> Math.min(1, size);
      case YEAR -> byDate ? firstDatedAYearAfterTheStart(in) : Math.min(n, size);
    };
    int count = size - first;
    int[] dates = new int[count];
    double[] values = new double[count];
    int[] revisionDays = new int[count];
    boolean[] originals = new boolean[count];
    // byDate: the last row dated on or before a year before row t, found by a cursor moving forward.
    CivilDays.YearEarlier yearEarlier = new CivilDays.YearEarlier();
    int next = 0;
    for (int t = first, k = 0; t < size; t++, k++) {
      int day = in.epochDay(t);
      dates[k] = day;
      double x = in.doubleValue(t);
      int revision = in.revisionEpochDay(t);
      boolean original = in.originalRelease(t);
      if (lookback == Lookback.NONE) {
        values[k] = finite(Math.log(x));
      } else {
        int p;
        if (lookback == Lookback.PREVIOUS) {
          p = t - 1;
        } else if (byDate) {
          int yearAgo = yearEarlier.of(day);
          while (next < t && in.epochDay(next) <= yearAgo) {
            next++;
          }
          p = next - 1;
        } else {
          p = t - n;
        }
        values[k] = finite(apply(transform, x, in.doubleValue(p), n));
        revision = Math.max(revision, in.revisionEpochDay(p));
        original &= in.originalRelease(p);
      }
      revisionDays[k] = revision;
      originals[k] = original;
    }
    return SeriesView.ofColumns(dates, values, revisionDays, originals);
  }

  /** The value of a transform with a predecessor, from FRED's formula (NaN in, NaN out). */
  private static double apply(Transform transform, double x, double previous, int n) {
    return switch (transform) {
      case CHANGE, CHANGE_FROM_YEAR_AGO -> x - previous;
      case PERCENT_CHANGE, PERCENT_CHANGE_FROM_YEAR_AGO -> 100 * (x / previous - 1);
      case COMPOUNDED_ANNUAL_RATE -> 100 * (Math.pow(x / previous, n) - 1);
      case CONTINUOUSLY_COMPOUNDED -> 100 * (Math.log(x) - Math.log(previous));
      // 100 * n is exact: one rounding fewer than FRED's written order.
      case CONTINUOUSLY_COMPOUNDED_ANNUAL -> 100.0 * n * (Math.log(x) - Math.log(previous));
      case LEVEL, NATURAL_LOG -> throw new IllegalArgumentException(transform + " has no predecessor");
    };
  }

  /** A value a client may see: NaN (missing) for division by zero, logs of non-positive values and overflows. */
  private static double finite(double value) {
    return Double.isFinite(value) ? value : Double.NaN;
  }

  /** The first row with a row dated on or before one year earlier (size when none has). */
  private static int firstDatedAYearAfterTheStart(SeriesView in) {
    int size = in.size();
    if (size == 0) {
      return 0;
    }
    int start = in.epochDay(0);
    CivilDays.YearEarlier yearEarlier = new CivilDays.YearEarlier();
    int t = 0;
    while (t < size && yearEarlier.of(in.epochDay(t)) < start) {
      t++;
    }
    return t;
  }
}
