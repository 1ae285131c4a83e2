package io.almanac.financial.vintages;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsData;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import io.almanac.financial.generated.DgsConstants.SERIES;
import io.almanac.financial.generated.DgsConstants.SERIES.VINTAGEPANEL_INPUT_ARGUMENT;
import io.almanac.financial.generated.types.Aggregation;
import io.almanac.financial.generated.types.DayOfWeek;
import io.almanac.financial.generated.types.Frequency;
import io.almanac.financial.generated.types.RevisionStats;
import io.almanac.financial.generated.types.Transform;
import io.almanac.financial.observations.FieldArguments;
import io.almanac.financial.observations.Observation;
import io.almanac.financial.observations.ObservationHistories;
import io.almanac.financial.observations.ResponseLimit;
import io.almanac.financial.observations.ViewRequest;
import io.almanac.graphql.AlmanacGraphQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The ALFRED vintage fields of {@code Series}: {@code vintagePanel}, {@code changes} and
 * {@code revisionStats}, each over the series history at the request's snapshot
 * ({@link ObservationHistories#withHistory}). Arguments are checked before the history is read.
 */
@DgsComponent
public class VintageDataFetcher {

  private final ObservationHistories histories;
  private final ResponseLimit limit;

  public VintageDataFetcher(ObservationHistories histories, ResponseLimit limit) {
    this.histories = histories;
    this.limit = limit;
  }

  /**
   * The vintage matrix; {@code vintageDates} in request order, a date asked twice giving two equal rows.
   * BAD_USER_INPUT for no vintage dates or {@code from} after {@code to}; LIMIT_EXCEEDED past
   * vintages x dates points.
   */
  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.VintagePanel)
  public CompletableFuture<VintagePanelData> vintagePanel(DgsDataFetchingEnvironment env) {
    List<LocalDate> vintageDates = env.getArgument(VINTAGEPANEL_INPUT_ARGUMENT.VintageDates);
    if (vintageDates == null || vintageDates.isEmpty()) {
      throw AlmanacGraphQLException.badInput(VINTAGEPANEL_INPUT_ARGUMENT.VintageDates,
          "vintageDates is empty: give at least one vintage date");
    }
    LocalDate from = env.getArgument(VINTAGEPANEL_INPUT_ARGUMENT.From);
    LocalDate to = env.getArgument(VINTAGEPANEL_INPUT_ARGUMENT.To);
    // ViewRequest refuses from after to, naming from, as for every read field.
    ViewRequest steps = new ViewRequest(from, to, null, false,
        FieldArguments.enumArgument(env, VINTAGEPANEL_INPUT_ARGUMENT.Transform, Transform.class),
        FieldArguments.enumArgument(env, VINTAGEPANEL_INPUT_ARGUMENT.Frequency, Frequency.class),
        FieldArguments.enumArgument(env, VINTAGEPANEL_INPUT_ARGUMENT.Aggregation, Aggregation.class),
        FieldArguments.enumArgument(env, VINTAGEPANEL_INPUT_ARGUMENT.WeekEnding, DayOfWeek.class));
    Frequency own = FieldArguments.ownFrequency(env);
    ResponseLimit budget = limit.forRequest(env);
    return histories.withHistory(env,
        history -> VintagePanelData.of(VintagePanel.build(history, own, vintageDates, steps, budget)));
  }

  /** What the vintages in {@code (since, until]} changed; BAD_USER_INPUT when {@code since} is after {@code until}. */
  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.Changes)
  public CompletableFuture<List<Observation>> changes(DgsDataFetchingEnvironment env) {
    LocalDate since = env.getArgument(SERIES.CHANGES_INPUT_ARGUMENT.Since);
    LocalDate until = env.getArgument(SERIES.CHANGES_INPUT_ARGUMENT.Until);
    FieldArguments.checkRange(SERIES.CHANGES_INPUT_ARGUMENT.Since, since, SERIES.CHANGES_INPUT_ARGUMENT.Until, until);
    ResponseLimit budget = limit.forRequest(env);
    return histories.withHistory(env,
        history -> Observation.listOf(Revisions.changes(history, since, until, budget)));
  }

  /** Revision statistics of the dates in {@code [from, to]}; BAD_USER_INPUT when {@code from} is after {@code to}. */
  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.RevisionStats)
  public CompletableFuture<RevisionStats> revisionStats(DgsDataFetchingEnvironment env) {
    LocalDate from = env.getArgument(SERIES.REVISIONSTATS_INPUT_ARGUMENT.From);
    LocalDate to = env.getArgument(SERIES.REVISIONSTATS_INPUT_ARGUMENT.To);
    LocalDate asOf = env.getArgument(SERIES.REVISIONSTATS_INPUT_ARGUMENT.AsOf);
    FieldArguments.checkRange(SERIES.REVISIONSTATS_INPUT_ARGUMENT.From, from, SERIES.REVISIONSTATS_INPUT_ARGUMENT.To, to);
    return histories.withHistory(env, history -> Revisions.stats(history, from, to, asOf));
  }
}
