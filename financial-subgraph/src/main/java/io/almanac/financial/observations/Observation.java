package io.almanac.financial.observations;

import io.almanac.store.SeriesHistory;
import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * One stored vintage of one date: a row of a series history, its fields computed only when a query
 * selects them (a page holds up to 10,000 of these).
 */
public final class Observation {

  private final SeriesHistory history;
  private final int row;

  Observation(SeriesHistory history, int row) {
    this.history = history;
    this.row = row;
  }

  public LocalDate getDate() {
    return history.date(row);
  }

  public BigDecimal getValue() {
    return history.value(row);
  }

  public LocalDate getRevisionDate() {
    return history.revisionDate(row);
  }

  public LocalDate getSupersededOn() {
    return history.supersededOn(row);
  }

  public boolean isOriginalRelease() {
    return history.originalRelease(row);
  }
}
