package io.almanac.financial.observations;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * One observation of a {@link SeriesView}, its fields read from the view only when a query selects
 * them (a page holds up to 10,000 of these). Hand-written rather than the generated type, which
 * would copy every field into each of them up front.
 */
public final class Observation {

  private final SeriesView view;
  private final int position;

  Observation(SeriesView view, int position) {
    this.view = view;
    this.position = position;
  }

  /** The observations of every position of {@code view}, made as a query reads them. */
  public static List<Observation> listOf(SeriesView view) {
    return LazyList.of(view.size(), i -> new Observation(view, i));
  }

  public LocalDate getDate() {
    return view.date(position);
  }

  public BigDecimal getValue() {
    return view.value(position);
  }

  public LocalDate getRevisionDate() {
    return view.revisionDate(position);
  }

  public LocalDate getSupersededOn() {
    return view.supersededOn(position);
  }

  public boolean isOriginalRelease() {
    return view.originalRelease(position);
  }

  /** The series of this stored row, or -1 for a derived row (see {@link SeriesView#storedSeriesId()}). */
  long storedSeriesId() {
    return view.storedSeriesId();
  }

  public BigDecimal getPreviousValue() {
    return view.previousValue(position);
  }
}
