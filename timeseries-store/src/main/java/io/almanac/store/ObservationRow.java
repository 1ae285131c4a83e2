package io.almanac.store;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One validated observation to append.
 *
 * @param value exact value with at most {@link TimeseriesTables#VALUE_SCALE} fractional digits, or
 *     null for a missing value
 */
public record ObservationRow(long seriesId, LocalDate date, LocalDate revisionDate, BigDecimal value) {
  public ObservationRow {
    Objects.requireNonNull(date, "date");
    Objects.requireNonNull(revisionDate, "revisionDate");
  }
}
