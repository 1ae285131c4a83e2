package io.almanac.store;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One validated observation to append. The value is scaled and range-checked here, once, on the way
 * in: the writer, the Parquet encoder and compaction take it as it is.
 *
 * @param date the observed period
 * @param revisionDate when this value was published
 * @param value exact value at the stored scale {@link TimeseriesTables#VALUE_SCALE} (any value given is
 *     rescaled without rounding), or null for a missing value
 * @throws IllegalArgumentException if the value does not fit the stored decimal (see
 *     {@link #fitsStoredScale})
 */
public record ObservationRow(long seriesId, LocalDate date, LocalDate revisionDate, BigDecimal value) {

  private static final int INTEGER_DIGITS = TimeseriesTables.VALUE_PRECISION - TimeseriesTables.VALUE_SCALE;

  public ObservationRow {
    Objects.requireNonNull(date, "date");
    Objects.requireNonNull(revisionDate, "revisionDate");
    value = storedValue(value);
  }

  /**
   * True when {@code value} fits the stored {@code decimal(38, 10)} exactly: at most 10 fractional
   * digits once trailing zeros are removed, and at most 28 integer digits. This is the store's only
   * range check of values; validators call it to refuse a value before building a row.
   */
  public static boolean fitsStoredScale(BigDecimal value) {
    if (value.signum() == 0) {
      return true;
    }
    // precision - scale (the integer digits) is the same with or without trailing zeros.
    if ((long) value.precision() - value.scale() > INTEGER_DIGITS) { // long: 1E+2147483647 overflows int
      return false;
    }
    // Only a value with more fractional digits than kept needs its trailing zeros removed (a new object).
    return value.scale() <= TimeseriesTables.VALUE_SCALE
        || value.stripTrailingZeros().scale() <= TimeseriesTables.VALUE_SCALE;
  }

  /**
   * {@code value} at the stored scale, the same number; null stays null. A value already at that scale
   * is returned as it is.
   *
   * @throws IllegalArgumentException if it does not fit (see {@link #fitsStoredScale})
   */
  public static BigDecimal storedValue(BigDecimal value) {
    if (value == null) {
      return null;
    }
    if (!fitsStoredScale(value)) {
      throw new IllegalArgumentException("Value " + value.toPlainString() + " does not fit decimal("
          + TimeseriesTables.VALUE_PRECISION + "," + TimeseriesTables.VALUE_SCALE + "): at most "
          + TimeseriesTables.VALUE_SCALE + " fractional and " + INTEGER_DIGITS + " integer digits");
    }
    return value.scale() == TimeseriesTables.VALUE_SCALE ? value
        : value.setScale(TimeseriesTables.VALUE_SCALE, RoundingMode.UNNECESSARY);
  }
}
