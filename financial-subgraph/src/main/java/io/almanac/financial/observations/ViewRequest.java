package io.almanac.financial.observations;

import io.almanac.financial.generated.types.Aggregation;
import io.almanac.financial.generated.types.DayOfWeek;
import io.almanac.financial.generated.types.Frequency;
import io.almanac.financial.generated.types.Transform;
import java.time.LocalDate;

/**
 * What one read of a series asks for, in the order the steps run (FRED's): the vintage view
 * ({@code asOf}, or each date's first release), then aggregation to a lower {@code frequency}, then the
 * {@code transform}; {@code from}/{@code to} bound the result. Shared by {@code observations}, {@code data},
 * {@code vintagePanel} (one request per vintage, {@code asOf} = the vintage date) and the exports.
 *
 * @param from first date of the result, null = open (a transform still looks back before it)
 * @param to last date of the result, null = open
 * @param asOf the ALFRED view: each date's latest revision published on or before it; null = latest of all
 * @param firstRelease each date's first published value instead (with {@code asOf}: of the dates first
 *     published by then)
 * @param transform null = {@link Transform#LEVEL}
 * @param frequency null = the series' own (no aggregation)
 * @param aggregation null = {@link Aggregation#AVERAGE} when {@code frequency} is given
 * @param weekEnding null = FRIDAY for WEEKLY, WEDNESDAY for BIWEEKLY
 */
public record ViewRequest(LocalDate from, LocalDate to, LocalDate asOf, boolean firstRelease, Transform transform,
    Frequency frequency, Aggregation aggregation, DayOfWeek weekEnding) {

  /** The as-of view of {@code [from, to]}, no steps. */
  public static ViewRequest asOf(LocalDate from, LocalDate to, LocalDate asOf) {
    return new ViewRequest(from, to, asOf, false, null, null, null, null);
  }

  /** The same steps over another vintage: how a vintage panel reads each of its rows. */
  public ViewRequest withAsOf(LocalDate vintage) {
    return new ViewRequest(from, to, vintage, false, transform, frequency, aggregation, weekEnding);
  }

  /** True when no step after the vintage view applies (the view is the history's own rows). */
  public boolean isLevel() {
    return (transform == null || transform == Transform.LEVEL) && frequency == null;
  }
}
