package io.almanac.store;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.TreeSet;

/**
 * Every stored vintage of one series, deduplicated and sorted by {@code (date, revisionDate)}, held as
 * columns. Rows are addressed by index; {@link #view} selects the rows of an as-of view.
 */
public final class SeriesHistory {

  private final long seriesId;
  private final int[] dates;
  private final int[] revisions;
  /**
   * Exact values as unscaled longs at one scale for the whole series (24 bytes a row with the
   * doubles, instead of a BigDecimal object each); {@code wide} holds them instead when some value
   * does not fit a long at that scale. Missing values are marked in {@code missing}.
   */
  private final long[] unscaled;
  private final int scale;
  private final BigDecimal[] wide;
  private final BitSet missing;
  /** The values as doubles (NaN where missing), for the columnar read path. */
  private final double[] doubles;
  private final long lastIngestMicros;

  private static final long[] LONG_TEN_POWERS = {
      1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L,
      10_000_000_000L};
  private static final double[] DOUBLE_TEN_POWERS = {
      1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
      1e20, 1e21, 1e22};

  private SeriesHistory(long seriesId, int[] dates, int[] revisions, long[] unscaled, int scale, BigDecimal[] wide,
      BitSet missing, double[] doubles, long lastIngestMicros) {
    this.seriesId = seriesId;
    this.dates = dates;
    this.revisions = revisions;
    this.unscaled = unscaled;
    this.scale = scale;
    this.wide = wide;
    this.missing = missing;
    this.doubles = doubles;
    this.lastIngestMicros = lastIngestMicros;
  }

  /**
   * A history of values given as unscaled longs at {@link TimeseriesTables#VALUE_SCALE} (what a read
   * of the table yields for all but huge values): held at the smallest scale that keeps them exact.
   */
  static SeriesHistory ofUnscaled(long seriesId, int[] dates, int[] revisions, long[] atValueScale, BitSet missing,
      long lastIngestMicros) {
    // The smallest scale at which every value is a whole number (one remainder per value, mostly).
    int scale = 0;
    for (int i = 0; i < atValueScale.length && scale < TimeseriesTables.VALUE_SCALE; i++) {
      while (scale < TimeseriesTables.VALUE_SCALE
          && atValueScale[i] % LONG_TEN_POWERS[TimeseriesTables.VALUE_SCALE - scale] != 0) {
        scale++;
      }
    }
    long divisor = LONG_TEN_POWERS[TimeseriesTables.VALUE_SCALE - scale];
    long[] unscaled = new long[atValueScale.length];
    double[] doubles = new double[atValueScale.length];
    for (int i = 0; i < unscaled.length; i++) {
      if (missing.get(i)) {
        doubles[i] = Double.NaN;
      } else {
        unscaled[i] = atValueScale[i] / divisor;
        doubles[i] = toDouble(unscaled[i], scale);
      }
    }
    return new SeriesHistory(seriesId, dates, revisions, unscaled, scale, null, missing, doubles, lastIngestMicros);
  }

  /**
   * A history of values given as decimals (null where missing, trailing zeros removed), held as
   * unscaled longs when they all fit one at a common scale.
   */
  static SeriesHistory ofValues(long seriesId, int[] dates, int[] revisions, BigDecimal[] values,
      long lastIngestMicros) {
    double[] doubles = new double[values.length];
    BitSet missing = new BitSet(values.length);
    int maxScale = 0;
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) {
        missing.set(i);
        doubles[i] = Double.NaN;
      } else {
        doubles[i] = values[i].doubleValue();
        maxScale = Math.max(maxScale, Math.max(values[i].scale(), 0));
      }
    }
    long[] longs = new long[values.length];
    boolean fits = true;
    for (int i = 0; i < values.length && fits; i++) {
      if (values[i] != null) {
        try {
          longs[i] = values[i].setScale(maxScale).unscaledValue().longValueExact();
        } catch (ArithmeticException tooWide) {
          fits = false;
        }
      }
    }
    return new SeriesHistory(seriesId, dates, revisions, fits ? longs : null, maxScale, fits ? null : values, missing,
        doubles, lastIngestMicros);
  }

  /** The double nearest to {@code unscaled / 10^scale}, as {@link BigDecimal#doubleValue()} gives it. */
  private static double toDouble(long unscaled, int scale) {
    // Both operands exact doubles, so the one IEEE division is correctly rounded (BigDecimal's own fast path).
    if (Math.abs(unscaled) < 1L << 52 && scale < DOUBLE_TEN_POWERS.length) {
      return scale == 0 ? (double) unscaled : unscaled / DOUBLE_TEN_POWERS[scale];
    }
    return BigDecimal.valueOf(unscaled, scale).doubleValue();
  }

  public static SeriesHistory empty(long seriesId) {
    return ofUnscaled(seriesId, new int[0], new int[0], new long[0], new BitSet(), 0L);
  }

  /**
   * A history built from rows already in key order, for code that has no table to read (tests of the
   * layers above the store); never written to (its last write time is 0).
   *
   * @param dates epoch days of the observed dates, ascending
   * @param revisions epoch days of the rows' revision dates, ascending within a date
   * @param values exact values, null where missing
   * @throws IllegalArgumentException if the three arrays differ in length or a row's
   *     {@code (date, revision)} is not greater than the previous row's
   */
  public static SeriesHistory of(long seriesId, int[] dates, int[] revisions, BigDecimal[] values) {
    if (dates.length != revisions.length || dates.length != values.length) {
      throw new IllegalArgumentException("dates, revisions and values must be as long as each other, got "
          + dates.length + ", " + revisions.length + " and " + values.length);
    }
    BigDecimal[] stripped = new BigDecimal[values.length];
    for (int i = 0; i < values.length; i++) {
      if (i > 0 && (dates[i] < dates[i - 1] || dates[i] == dates[i - 1] && revisions[i] <= revisions[i - 1])) {
        throw new IllegalArgumentException("rows must be in ascending (date, revision) order without repeats, row "
            + i + " (" + dates[i] + ", " + revisions[i] + ") follows (" + dates[i - 1] + ", " + revisions[i - 1] + ")");
      }
      stripped[i] = values[i] == null ? null : values[i].stripTrailingZeros();
    }
    return ofValues(seriesId, dates.clone(), revisions.clone(), stripped, 0L);
  }

  public long seriesId() {
    return seriesId;
  }

  /** Number of stored rows (all vintages). */
  public int size() {
    return dates.length;
  }

  public boolean isEmpty() {
    return dates.length == 0;
  }

  public LocalDate date(int row) {
    return LocalDate.ofEpochDay(dates[row]);
  }

  public int epochDay(int row) {
    return dates[row];
  }

  public LocalDate revisionDate(int row) {
    return LocalDate.ofEpochDay(revisions[row]);
  }

  /** The revision date in days since 1970-01-01: for steps that compare revision dates without a LocalDate a row. */
  public int revisionEpochDay(int row) {
    return revisions[row];
  }

  /** The exact value, or null when missing. Trailing zeros are removed. */
  public BigDecimal value(int row) {
    if (missing.get(row)) {
      return null;
    }
    return wide != null ? wide[row] : BigDecimal.valueOf(unscaled[row], scale).stripTrailingZeros();
  }

  /**
   * The exact value as plain decimal text without trailing zeros (what {@code value(row).toPlainString()}
   * gives), or null when missing: written from the unscaled long, without a BigDecimal, for responses that
   * hold many exact values (a vintage panel's decimals).
   */
  public String plainValue(int row) {
    if (missing.get(row)) {
      return null;
    }
    if (wide != null) {
      return wide[row].toPlainString();
    }
    long value = unscaled[row];
    int digitsAfterPoint = scale;
    while (digitsAfterPoint > 0 && value % 10 == 0) {
      value /= 10;
      digitsAfterPoint--;
    }
    if (digitsAfterPoint == 0) {
      return Long.toString(value);
    }
    // The magnitude's digits, zero-padded so that at least one digit precedes the point.
    String digits = value == Long.MIN_VALUE ? "9223372036854775808" : Long.toString(Math.abs(value));
    StringBuilder text = new StringBuilder(digits.length() + digitsAfterPoint + 3);
    if (value < 0) {
      text.append('-');
    }
    int before = digits.length() - digitsAfterPoint;
    if (before <= 0) {
      text.append("0.");
      for (int zeros = -before; zeros > 0; zeros--) {
        text.append('0');
      }
      text.append(digits);
    } else {
      text.append(digits, 0, before).append('.').append(digits, before, digits.length());
    }
    return text.toString();
  }

  /** The value as a double, NaN when missing. */
  public double doubleValue(int row) {
    return doubles[row];
  }

  /** Microseconds since the epoch of the latest write to this series, 0 when never written. */
  public long lastIngestMicros() {
    return lastIngestMicros;
  }

  /** The revision date of the next vintage of this row's date, or null when this row is current. */
  public LocalDate supersededOn(int row) {
    return row + 1 < dates.length && dates[row + 1] == dates[row] ? revisionDate(row + 1) : null;
  }

  /**
   * The value this row replaced: that of the previous vintage of its date, or null for a first release
   * (and when that vintage's value was missing).
   */
  public BigDecimal previousValue(int row) {
    return originalRelease(row) ? null : value(row - 1);
  }

  /**
   * True when rows {@code a} and {@code b} hold the same exact value, both missing included: unscaled
   * longs compared at the series' one scale (no object made), or {@link BigDecimal#compareTo} when the
   * series holds values too wide for a long.
   */
  public boolean sameValue(int a, int b) {
    boolean missingA = missing.get(a);
    if (missingA || missing.get(b)) {
      return missingA && missing.get(b);
    }
    return wide == null ? unscaled[a] == unscaled[b] : wide[a].compareTo(wide[b]) == 0;
  }

  /**
   * True when this row re-publishes the previous vintage of its date unchanged (the same exact value, or
   * missing again), as crawlers that re-send a whole history produce: a vintage of the date, but not a
   * revision of its value.
   */
  public boolean republication(int row) {
    return !originalRelease(row) && sameValue(row, row - 1);
  }

  /** True when this row is the first published value of its date. */
  public boolean originalRelease(int row) {
    return row == 0 || dates[row - 1] != dates[row];
  }

  /**
   * Rows of the ALFRED view: for each date in {@code [from, to]}, the latest revision with
   * {@code revisionDate <= asOf}; dates with no such revision are absent. Null bounds are open.
   *
   * @return row indices in date order
   */
  public int[] view(LocalDate asOf, LocalDate from, LocalDate to) {
    int asOfDay = asOf == null ? Integer.MAX_VALUE : (int) asOf.toEpochDay();
    int start = from == null ? 0 : lowerBound((int) from.toEpochDay());
    int end = to == null ? dates.length : lowerBound((int) to.toEpochDay() + 1);
    int[] rows = new int[Math.max(end - start, 0)];
    int n = 0;
    int i = start;
    while (i < end) {
      int day = dates[i];
      int chosen = -1;
      for (; i < end && dates[i] == day; i++) {
        if (revisions[i] <= asOfDay) {
          chosen = i;
        }
      }
      if (chosen >= 0) {
        rows[n++] = chosen;
      }
    }
    return Arrays.copyOf(rows, n);
  }

  /**
   * Rows of the first-release view (ALFRED output type 4): for each date in {@code [from, to]}, its first
   * published row, when that was published on or before {@code asOf}; dates first published later are
   * absent. Null bounds and a null {@code asOf} are open.
   *
   * @return row indices in date order
   */
  public int[] firstReleaseView(LocalDate asOf, LocalDate from, LocalDate to) {
    int asOfDay = asOf == null ? Integer.MAX_VALUE : (int) asOf.toEpochDay();
    int start = from == null ? 0 : lowerBound((int) from.toEpochDay());
    int end = to == null ? dates.length : lowerBound((int) to.toEpochDay() + 1);
    int[] rows = new int[Math.max(end - start, 0)];
    int n = 0;
    for (int i = start; i < end; i++) {
      // A date's rows are ordered by revision date, so its first row is its first release.
      if ((i == start || dates[i - 1] != dates[i]) && revisions[i] <= asOfDay) {
        rows[n++] = i;
      }
    }
    return Arrays.copyOf(rows, n);
  }

  /**
   * The row with the latest date that has a value in the as-of view (see {@link #view}), or -1: found
   * from the end, without building the view.
   */
  public int latest(LocalDate asOf) {
    int asOfDay = asOf == null ? Integer.MAX_VALUE : (int) asOf.toEpochDay();
    int i = dates.length - 1;
    while (i >= 0) {
      int day = dates[i];
      int chosen = -1;
      for (; i >= 0 && dates[i] == day; i--) {
        if (chosen < 0 && revisions[i] <= asOfDay) {
          chosen = i;
        }
      }
      if (chosen >= 0 && !missing.get(chosen)) {
        return chosen;
      }
    }
    return -1;
  }

  /** Rows of every vintage of {@code date}, oldest first. */
  public int[] revisionsOf(LocalDate date) {
    int day = (int) date.toEpochDay();
    int start = lowerBound(day);
    int end = lowerBound(day + 1);
    int[] rows = new int[end - start];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = start + i;
    }
    return rows;
  }

  /** Distinct revision dates within {@code [from, to]} (null bounds open), ascending. */
  public List<LocalDate> vintages(LocalDate from, LocalDate to) {
    long lo = from == null ? Long.MIN_VALUE : from.toEpochDay();
    long hi = to == null ? Long.MAX_VALUE : to.toEpochDay();
    TreeSet<Integer> days = new TreeSet<>();
    for (int revision : revisions) {
      if (revision >= lo && revision <= hi) {
        days.add(revision);
      }
    }
    List<LocalDate> result = new ArrayList<>(days.size());
    days.forEach(d -> result.add(LocalDate.ofEpochDay(d)));
    return result;
  }

  /**
   * The first row dated on or after {@code day} (days since 1970-01-01), {@link #size()} when none: where
   * the rows of a date start (they are contiguous, revisions ascending).
   */
  public int firstRowOnOrAfter(int day) {
    return lowerBound(day);
  }

  /** First row whose date is {@code >= day}. */
  private int lowerBound(int day) {
    int lo = 0;
    int hi = dates.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (dates[mid] < day) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
