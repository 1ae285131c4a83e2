package io.almanac.financial.observations;

import io.almanac.store.SeriesHistory;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.Objects;
import tools.jackson.core.io.NumberOutput;

/**
 * Observations of one series in date order, as columns addressed by position {@code 0..size()-1}:
 * the date (epoch day), the value as a double (NaN where missing, which is the missing mask), the
 * exact decimal on demand and, for a view read from a history, each row's revision columns.
 *
 * <p>Two kinds, one interface:
 * <ul>
 *   <li>a <em>history view</em> ({@link #of}, {@link #latest}, {@link #revisionsOf}) holds the
 *       history row of each position and reads the history's own columns through it: making one
 *       costs the as-of selection (one {@code int} per row of the range), and no object per
 *       observation; exact values and revision columns come from the history;
 *   <li>a <em>computed view</em> ({@link #ofColumns}) holds plain arrays, such as the result of a
 *       transform or an aggregation step: one value per date, exact values that are its doubles
 *       written as their shortest decimal, and optionally the revision columns of derived rows (the
 *       latest revision day among a row's inputs, whether they were all first releases; never
 *       superseded).
 * </ul>
 * {@link #slice} (pages) and {@link #between} (date ranges) share the columns of the view they cut.
 *
 * <p>A step that looks back before the requested range (a change from the previous observation, a
 * moving window) works on a view built over a wider range and cuts its result to the range asked:
 * {@code step(SeriesView.of(history, asOf, null, to)).between(from, to)}.
 */
public final class SeriesView {

  private static final int[] NO_ROWS = new int[0];

  /** The history a history view reads; null for a computed view. */
  private final SeriesHistory history;
  /** History view: the history row of each position. */
  private final int[] rows;
  /** Computed view: epoch days, ascending. */
  private final int[] dates;
  /** Computed view: values, NaN where missing. */
  private final double[] values;
  /** Computed view with revision columns: the revision day of each position; null without them. */
  private final int[] revisionDays;
  /** Computed view with revision columns: whether each position is a first release. */
  private final boolean[] originals;
  /** Index in {@code rows} (or {@code dates}, {@code values}) of position 0. */
  private final int offset;
  private final int size;

  private SeriesView(SeriesHistory history, int[] rows, int[] dates, double[] values, int offset, int size) {
    this(history, rows, dates, values, null, null, offset, size);
  }

  private SeriesView(SeriesHistory history, int[] rows, int[] dates, double[] values, int[] revisionDays,
      boolean[] originals, int offset, int size) {
    this.history = history;
    this.rows = rows;
    this.dates = dates;
    this.values = values;
    this.revisionDays = revisionDays;
    this.originals = originals;
    this.offset = offset;
    this.size = size;
  }

  /**
   * The as-of view of a history within {@code [from, to]}: for each date, the latest revision
   * published on or before {@code asOf} (dates with none are absent); null bounds and a null
   * {@code asOf} are open. Empty when {@code from} is after {@code to}.
   */
  public static SeriesView of(SeriesHistory history, LocalDate asOf, LocalDate from, LocalDate to) {
    int[] rows = history.view(asOf, from, to);
    return new SeriesView(history, rows, null, null, 0, rows.length);
  }

  /**
   * The first-release view of a history within {@code [from, to]} (ALFRED output type 4): each date's
   * first published row, for the dates first published on or before {@code asOf}; null bounds and a
   * null {@code asOf} are open.
   */
  public static SeriesView firstReleases(SeriesHistory history, LocalDate asOf, LocalDate from, LocalDate to) {
    int[] rows = history.firstReleaseView(asOf, from, to);
    return new SeriesView(history, rows, null, null, 0, rows.length);
  }

  /**
   * The one observation with the latest date that has a value in the as-of view, or an empty view:
   * found from the end of the history without selecting the whole view (a watchlist asks this of a
   * thousand series at once).
   */
  public static SeriesView latest(SeriesHistory history, LocalDate asOf) {
    int row = history.latest(asOf);
    return new SeriesView(history, row < 0 ? NO_ROWS : new int[] {row}, null, null, 0, row < 0 ? 0 : 1);
  }

  /**
   * Every published revision of one date, oldest first: the one view whose positions share a date
   * (and the one whose values are not an as-of view), for listing a date's vintages.
   */
  public static SeriesView revisionsOf(SeriesHistory history, LocalDate date) {
    int[] rows = history.revisionsOf(date);
    return new SeriesView(history, rows, null, null, 0, rows.length);
  }

  /**
   * A history view of the given history rows, in the order given (kept, no copy): for lists that are not
   * an as-of view, such as the changes of a series ordered by revision date. {@link #between} and
   * {@link #firstAfter} need a view in date order.
   */
  public static SeriesView ofRows(SeriesHistory history, int[] rows) {
    return new SeriesView(history, rows, null, null, 0, rows.length);
  }

  /**
   * A computed view over the given columns, without revision columns, which it keeps (no copy):
   * callers hand them over and do not change them afterwards.
   *
   * @param epochDays dates as days since 1970-01-01, strictly ascending (one value per date)
   * @param values values, NaN where missing; {@code values[i]} belongs to {@code epochDays[i]}
   * @throws IllegalArgumentException if the lengths differ or the dates are not strictly ascending
   */
  public static SeriesView ofColumns(int[] epochDays, double[] values) {
    checkColumns(epochDays, values);
    return new SeriesView(null, null, epochDays, values, 0, epochDays.length);
  }

  /**
   * A computed view of derived rows, with their revision columns: what a step (aggregation, transform)
   * makes of the rows it read. Kept without a copy, like {@link #ofColumns(int[], double[])}.
   *
   * @param revisionDays the latest revision date among each row's inputs, in days since 1970-01-01
   * @param originalRelease whether every input of each row was a first release
   * @throws IllegalArgumentException if the lengths differ or the dates are not strictly ascending
   */
  public static SeriesView ofColumns(int[] epochDays, double[] values, int[] revisionDays,
      boolean[] originalRelease) {
    checkColumns(epochDays, values);
    if (revisionDays.length != epochDays.length || originalRelease.length != epochDays.length) {
      throw new IllegalArgumentException("revisionDays and originalRelease must be as long as epochDays ("
          + epochDays.length + "), got " + revisionDays.length + " and " + originalRelease.length);
    }
    return new SeriesView(null, null, epochDays, values, revisionDays, originalRelease, 0, epochDays.length);
  }

  private static void checkColumns(int[] epochDays, double[] values) {
    if (epochDays.length != values.length) {
      throw new IllegalArgumentException("epochDays and values must be as long as each other, got "
          + epochDays.length + " and " + values.length);
    }
    for (int i = 1; i < epochDays.length; i++) {
      if (epochDays[i] <= epochDays[i - 1]) {
        throw new IllegalArgumentException("epochDays must be strictly ascending, got " + epochDays[i]
            + " at " + i + " after " + epochDays[i - 1]);
      }
    }
  }

  /** Number of observations (positions) in this view. */
  /**
   * The series whose stored rows this view shows, for their provenance ({@code Observation.source});
   * -1 for a computed view, whose rows no upload wrote.
   */
  public long storedSeriesId() {
    return history == null ? -1 : history.seriesId();
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** The date of position {@code i}, in days since 1970-01-01. */
  public int epochDay(int i) {
    return rows != null ? history.epochDay(row(i)) : dates[offset + Objects.checkIndex(i, size)];
  }

  public LocalDate date(int i) {
    return LocalDate.ofEpochDay(epochDay(i));
  }

  /** The value of position {@code i} as a double, NaN when missing. */
  public double doubleValue(int i) {
    return rows != null ? history.doubleValue(row(i)) : values[offset + Objects.checkIndex(i, size)];
  }

  /** True when position {@code i} has no value (a null in the data; a NaN of a computed step). */
  public boolean isMissing(int i) {
    return Double.isNaN(doubleValue(i));
  }

  /**
   * The exact value of position {@code i} without trailing zeros, or null when missing: the stored
   * decimal in a history view, the shortest decimal that reads back as the double in a computed one
   * (see {@link #shortestDecimal}).
   */
  public BigDecimal value(int i) {
    if (rows != null) {
      return history.value(row(i));
    }
    double value = doubleValue(i);
    return Double.isNaN(value) ? null : shortestDecimal(value);
  }

  /**
   * The decimal with the fewest significant digits that reads back as {@code value} (the nearest of
   * them when several have that many), trailing zeros removed: Schubfach (R. Giulietti), as Jackson's
   * {@code NumberOutput} writes it. {@code Double.toString} of JDK 17 is not always shortest (it
   * writes 1.0E23 as 9.999999999999999E22); JDK 19 adopted Schubfach too.
   *
   * @throws NumberFormatException for NaN and the infinities, which no step lets through
   */
  public static BigDecimal shortestDecimal(double value) {
    BigDecimal decimal = new BigDecimal(NumberOutput.toString(value, true)).stripTrailingZeros();
    if (decimal.precision() == 2 && Math.abs(value) < Double.MIN_NORMAL) {
      // Schubfach prefers a closer two-digit decimal to a one-digit one, which only tiny subnormals
      // have both of (4.9E-324 for Double.MIN_VALUE, which 5E-324 also reads back as).
      BigDecimal oneDigit = decimal.round(new MathContext(1, RoundingMode.HALF_EVEN));
      if (oneDigit.doubleValue() == value) {
        return oneDigit.stripTrailingZeros();
      }
    }
    return decimal;
  }

  /**
   * True when positions have {@link #revisionDate}, {@link #supersededOn} and {@link #originalRelease}:
   * a history view, or a computed view of derived rows.
   */
  public boolean hasRevisions() {
    return rows != null || revisionDays != null;
  }

  /**
   * When the value of position {@code i} was published; for a derived row, the latest revision date
   * among its inputs.
   *
   * @throws IllegalStateException for a computed view without revision columns
   */
  public LocalDate revisionDate(int i) {
    return LocalDate.ofEpochDay(revisionEpochDay(i));
  }

  /** {@link #revisionDate} in days since 1970-01-01, for steps that read it for every row. */
  public int revisionEpochDay(int i) {
    if (rows != null) {
      return history.revisionEpochDay(row(i));
    }
    return revisionColumns().revisionDays[offset + Objects.checkIndex(i, size)];
  }

  /**
   * The revision date of the next vintage of position {@code i}'s date, null while its value is
   * current; always null for a derived row.
   *
   * @throws IllegalStateException for a computed view without revision columns
   */
  public LocalDate supersededOn(int i) {
    if (rows != null) {
      return history.supersededOn(row(i));
    }
    Objects.checkIndex(i, revisionColumns().size);
    return null;
  }

  /**
   * True when the value of position {@code i} is the first published for its date; for a derived row,
   * when every input was.
   *
   * @throws IllegalStateException for a computed view without revision columns
   */
  public boolean originalRelease(int i) {
    if (rows != null) {
      return history.originalRelease(row(i));
    }
    return revisionColumns().originals[offset + Objects.checkIndex(i, size)];
  }

  /**
   * The value position {@code i}'s row replaced (the previous vintage of its date), null for a first
   * release and in a computed view.
   */
  public BigDecimal previousValue(int i) {
    return rows != null ? history.previousValue(row(i)) : null;
  }

  /**
   * Positions {@code [start, end)} of this view as a view of their own (position 0 is {@code start}),
   * sharing its columns.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= start <= end <= size()}
   */
  public SeriesView slice(int start, int end) {
    Objects.checkFromToIndex(start, end, size);
    return new SeriesView(history, rows, dates, values, revisionDays, originals, offset + start, end - start);
  }

  /** The positions dated within {@code [from, to]} (null bounds open), sharing this view's columns. */
  public SeriesView between(LocalDate from, LocalDate to) {
    int start = from == null ? 0 : firstAfter(from.toEpochDay() - 1);
    int end = to == null ? size : firstAfter(to.toEpochDay());
    return slice(start, Math.max(start, end));
  }

  /** The first position dated after {@code epochDay} ({@link #size()} when there is none): where a page after it starts. */
  public int firstAfter(long epochDay) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (epochDay(mid) <= epochDay) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private int row(int i) {
    return rows[offset + Objects.checkIndex(i, size)];
  }

  private SeriesView revisionColumns() {
    if (revisionDays == null) {
      throw new IllegalStateException("This computed view has no revision columns");
    }
    return this;
  }
}
