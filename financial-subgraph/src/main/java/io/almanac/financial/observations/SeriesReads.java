package io.almanac.financial.observations;

import io.almanac.financial.generated.types.Frequency;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import io.almanac.store.SeriesHistory;

/**
 * The one read pipeline of a series: a {@link ViewRequest} over its history gives a {@link SeriesView}.
 * Every observation field, the vintage panel and the exports read through here, so a step exists once.
 */
public final class SeriesReads {

  private SeriesReads() {}

  /**
   * The view {@code request} asks of {@code history}.
   *
   * @param own the series' own frequency (what aggregation starts from and what a transform's n is of)
   * @throws AlmanacGraphQLException {@code BAD_USER_INPUT} for steps that do not apply to this series
   */
  public static SeriesView read(SeriesHistory history, Frequency own, ViewRequest request) {
    // Skeleton: the vintage view only; aggregation, transforms and first releases come with issue 13.
    if (!request.isLevel() || request.firstRelease()) {
      throw new AlmanacGraphQLException(ErrorCode.BAD_USER_INPUT, "Not implemented yet");
    }
    return SeriesView.of(history, request.asOf(), request.from(), request.to());
  }
}
