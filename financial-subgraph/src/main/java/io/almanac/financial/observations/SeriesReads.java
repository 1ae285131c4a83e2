package io.almanac.financial.observations;

import io.almanac.financial.generated.DgsConstants.SERIES;
import io.almanac.financial.generated.types.Frequency;
import io.almanac.financial.generated.types.Transform;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.store.SeriesHistory;
import java.time.LocalDate;

/**
 * The one read pipeline of a series: a {@link ViewRequest} over its history gives a {@link SeriesView}.
 * Every observation field, the vintage panel and the exports read through here, so a step exists once.
 *
 * <p>The steps, in FRED's order: the vintage view (as of a date, or first releases), then
 * {@link FrequencyAggregation}, then {@link Transforms}, then the cut to {@code [from, to]}. A plain
 * view (no aggregation, LEVEL) is the history's own rows, selected for the range only. A transform
 * alone reads a view starting a little before {@code from} (its predecessors), and the whole view
 * before {@code to} when that was not enough; an aggregation reads the whole vintage view, whose first
 * and last periods are the series' own.
 */
public final class SeriesReads {

  private SeriesReads() {}

  /**
   * The view {@code request} asks of {@code history}.
   *
   * @param own the series' own frequency (what aggregation starts from and what a transform's n is of)
   * @return a history view for a plain request, else a computed view of derived rows (with revision columns)
   * @throws AlmanacGraphQLException {@code BAD_USER_INPUT} (argument {@code frequency}) for a frequency
   *     higher than {@code own}
   */
  public static SeriesView read(SeriesHistory history, Frequency own, ViewRequest request) {
    Frequency target = request.frequency();
    if (target != null && Frequencies.rank(target) < Frequencies.rank(own)) {
      throw AlmanacGraphQLException.badInput(SERIES.DATA_INPUT_ARGUMENT.Frequency, "frequency " + target
          + " is higher than the series' own (" + own + "): aggregation goes to a lower frequency only");
    }
    Transform transform = request.transformOrLevel();
    if (target == null || target == own) {
      return transform == Transform.LEVEL
          ? vintage(history, request, request.from(), request.to())
          : transformed(history, own, request, transform);
    }
    SeriesView steps = FrequencyAggregation.aggregate(vintage(history, request, null, null), own, target,
        request.aggregationOrAverage(), request.weekEndingOrDefault());
    if (transform != Transform.LEVEL) {
      steps = Transforms.apply(steps, transform, target);
    }
    return steps.between(request.from(), request.to());
  }

  /**
   * The observation with the latest date that has a value in the {@code asOf} view after
   * {@code transform} (null = LEVEL), as a view of one position, or an empty view.
   */
  public static SeriesView latest(SeriesHistory history, Frequency own, LocalDate asOf, Transform transform) {
    if (transform == null || transform == Transform.LEVEL) {
      return SeriesView.latest(history, asOf);
    }
    SeriesView level = SeriesView.latest(history, asOf);
    if (level.isEmpty()) {
      return level;
    }
    // A transformed value needs x(t), so it is dated on or before the last level: usually that very date.
    LocalDate lastLevel = level.date(0);
    SeriesView near = read(history, own, new ViewRequest(lastLevel, null, asOf, false, transform, null, null, null));
    int found = lastWithValue(near);
    if (found >= 0) {
      return near.slice(found, found + 1);
    }
    SeriesView all = read(history, own, new ViewRequest(null, lastLevel, asOf, false, transform, null, null, null));
    found = lastWithValue(all);
    return found >= 0 ? all.slice(found, found + 1) : all.slice(0, 0);
  }

  private static int lastWithValue(SeriesView view) {
    int i = view.size() - 1;
    while (i >= 0 && view.isMissing(i)) {
      i--;
    }
    return i;
  }

  /** A transform of the series' own rows, read with enough before {@code from} for its predecessors. */
  private static SeriesView transformed(SeriesHistory history, Frequency own, ViewRequest request,
      Transform transform) {
    LocalDate from = request.from();
    if (from == null || Transforms.lookback(transform) == Transforms.Lookback.NONE) {
      return Transforms.apply(vintage(history, request, from, request.to()), transform, own);
    }
    LocalDate start = from.minusDays(Transforms.lookbackDays(transform, own));
    SeriesView wide = vintage(history, request, start, request.to());
    boolean historyStartsLater = history.isEmpty() || history.epochDay(0) >= start.toEpochDay();
    if (!historyStartsLater && !Transforms.hasPredecessors(wide, (int) from.toEpochDay(), transform, own)) {
      wide = vintage(history, request, null, request.to());
    }
    return Transforms.apply(wide, transform, own).between(from, request.to());
  }

  /** The vintage view of {@code [from, to]}: as of {@code request.asOf()}, or its first releases. */
  private static SeriesView vintage(SeriesHistory history, ViewRequest request, LocalDate from, LocalDate to) {
    return request.firstRelease()
        ? SeriesView.firstReleases(history, request.asOf(), from, to)
        : SeriesView.of(history, request.asOf(), from, to);
  }
}
