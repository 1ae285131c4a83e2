package io.almanac.financial.observations;

import io.almanac.financial.generated.DgsConstants.SERIES;
import io.almanac.financial.generated.types.Aggregation;
import io.almanac.financial.generated.types.DayOfWeek;
import io.almanac.financial.generated.types.Frequency;
import io.almanac.financial.generated.types.Transform;
import io.almanac.graphql.AlmanacGraphQLException;
import java.time.LocalDate;

/**
 * What one read of a series asks for, in the order the steps run (FRED's): the vintage view
 * ({@code asOf}, or each date's first release), then aggregation to a lower {@code frequency}, then the
 * {@code transform}; {@code from}/{@code to} bound the result. Shared by {@code observations}, {@code data},
 * {@code vintagePanel} (one request per vintage, {@code asOf} = the vintage date) and the exports.
 *
 * <p>The arguments are checked when the request is made, whatever field or endpoint made it; the
 * errors name the argument as every read field calls it ({@code from}, {@code aggregation},
 * {@code weekEnding}). What depends on the series (a frequency higher than its own) is checked by
 * {@link SeriesReads#read}.
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
 * @throws AlmanacGraphQLException {@code BAD_USER_INPUT} naming the argument: {@code from} after
 *     {@code to}; {@code aggregation} or {@code weekEnding} without {@code frequency}; {@code weekEnding}
 *     with a frequency other than WEEKLY or BIWEEKLY
 */
public record ViewRequest(LocalDate from, LocalDate to, LocalDate asOf, boolean firstRelease, Transform transform,
    Frequency frequency, Aggregation aggregation, DayOfWeek weekEnding) {

  public ViewRequest {
    // The names are the same on every read field (observations, data, vintagePanel and the exports).
    FieldArguments.checkRange(SERIES.DATA_INPUT_ARGUMENT.From, from, SERIES.DATA_INPUT_ARGUMENT.To, to);
    if (frequency == null && aggregation != null) {
      throw AlmanacGraphQLException.badInput(SERIES.DATA_INPUT_ARGUMENT.Aggregation,
          "aggregation needs frequency: the lower frequency to aggregate to");
    }
    if (weekEnding != null && frequency != Frequency.WEEKLY && frequency != Frequency.BIWEEKLY) {
      throw AlmanacGraphQLException.badInput(SERIES.DATA_INPUT_ARGUMENT.WeekEnding,
          "weekEnding applies to frequency WEEKLY or BIWEEKLY, got " + (frequency == null ? "none" : frequency));
    }
  }

  /** The as-of view of {@code [from, to]}, no steps. */
  public static ViewRequest asOf(LocalDate from, LocalDate to, LocalDate asOf) {
    return new ViewRequest(from, to, asOf, false, null, null, null, null);
  }

  /** The same steps over another vintage: how a vintage panel reads each of its rows. */
  public ViewRequest withAsOf(LocalDate vintage) {
    return new ViewRequest(from, to, vintage, false, transform, frequency, aggregation, weekEnding);
  }

  /** The transform, {@link Transform#LEVEL} when none was asked. */
  public Transform transformOrLevel() {
    return transform == null ? Transform.LEVEL : transform;
  }

  /** The aggregation method, {@link Aggregation#AVERAGE} (FRED's default) when none was asked. */
  public Aggregation aggregationOrAverage() {
    return aggregation == null ? Aggregation.AVERAGE : aggregation;
  }

  /**
   * The day WEEKLY and BIWEEKLY periods end on: as asked, else FRED's defaults, FRIDAY for WEEKLY and
   * WEDNESDAY for BIWEEKLY; null for other frequencies.
   */
  public DayOfWeek weekEndingOrDefault() {
    if (weekEnding != null) {
      return weekEnding;
    }
    if (frequency == Frequency.WEEKLY) {
      return DayOfWeek.FRIDAY;
    }
    return frequency == Frequency.BIWEEKLY ? DayOfWeek.WEDNESDAY : null;
  }
}
