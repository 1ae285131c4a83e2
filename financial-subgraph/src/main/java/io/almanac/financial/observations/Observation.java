package io.almanac.financial.observations;

import io.almanac.store.SeriesHistory;
import java.math.BigDecimal;
import java.time.LocalDate;

/** One stored vintage of one date. */
public record Observation(
    LocalDate date, BigDecimal value, LocalDate revisionDate, LocalDate supersededOn, boolean originalRelease) {

  static Observation of(SeriesHistory history, int row) {
    return new Observation(history.date(row), history.value(row), history.revisionDate(row),
        history.supersededOn(row), history.originalRelease(row));
  }
}
