package io.almanac.crawler.ingest;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsData;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import com.netflix.graphql.dgs.DgsEntityFetcher;
import com.netflix.graphql.dgs.InputArgument;
import io.almanac.crawler.generated.DgsConstants.OBSERVATIONSOURCE;
import io.almanac.crawler.providers.Provider;
import io.almanac.crawler.runs.IngestionRun;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.BatchLoads;
import io.almanac.graphql.Ids;
import io.almanac.store.RawPoint;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.dataloader.DataLoader;
import org.springframework.beans.factory.annotation.Qualifier;

/**
 * The {@code ObservationSource} entity ("where did this number come from?"): the batch a stored row
 * names, with when it was received, its run and provider (from the ledger, batched per request by
 * {@link BatchSourceLoader}) and the point exactly as sent (from the raw archive, one read per batch by
 * {@link ArchivedPoints}).
 */
@DgsComponent
public class ObservationSourceDataFetcher {

  private final ArchivedPoints archivedPoints;
  private final Executor executor;

  ObservationSourceDataFetcher(ArchivedPoints archivedPoints, @Qualifier(BatchLoads.EXECUTOR) Executor executor) {
    this.archivedPoints = archivedPoints;
    this.executor = executor;
  }

  /** Every representation is a batch id; its fields are loaded only when asked, for all of them at once. */
  @DgsEntityFetcher(name = OBSERVATIONSOURCE.TYPE_NAME)
  public ObservationSource observationSource(Map<String, Object> values) {
    Object batchId = values.get(OBSERVATIONSOURCE.BatchId);
    return batchId == null ? null : new ObservationSource(batchId.toString());
  }

  @DgsData(parentType = OBSERVATIONSOURCE.TYPE_NAME, field = OBSERVATIONSOURCE.ReceivedAt)
  public CompletableFuture<OffsetDateTime> receivedAt(DgsDataFetchingEnvironment env) {
    return resolved(env).thenApply(r -> r == null ? null : r.source().receivedAt());
  }

  @DgsData(parentType = OBSERVATIONSOURCE.TYPE_NAME, field = OBSERVATIONSOURCE.Run)
  public CompletableFuture<IngestionRun> run(DgsDataFetchingEnvironment env) {
    return resolved(env).thenApply(r -> r == null ? null : r.run());
  }

  @DgsData(parentType = OBSERVATIONSOURCE.TYPE_NAME, field = OBSERVATIONSOURCE.Provider)
  public CompletableFuture<Provider> provider(DgsDataFetchingEnvironment env) {
    return resolved(env).thenApply(r -> r == null ? null : r.provider());
  }

  /**
   * @throws AlmanacGraphQLException {@code BAD_USER_INPUT} for a date or revision date that is not an
   *     ISO {@code yyyy-MM-dd} date (this subgraph's {@code Date} keeps the text as sent)
   */
  @DgsData(parentType = OBSERVATIONSOURCE.TYPE_NAME, field = OBSERVATIONSOURCE.Point)
  public CompletableFuture<RawPoint> point(DgsDataFetchingEnvironment env,
      @InputArgument(name = OBSERVATIONSOURCE.POINT_INPUT_ARGUMENT.SeriesId) String seriesId,
      @InputArgument(name = OBSERVATIONSOURCE.POINT_INPUT_ARGUMENT.Date) String date,
      @InputArgument(name = OBSERVATIONSOURCE.POINT_INPUT_ARGUMENT.RevisionDate) String revisionDate) {
    Long series = Ids.parse(seriesId);
    LocalDate day = date(OBSERVATIONSOURCE.POINT_INPUT_ARGUMENT.Date, date);
    LocalDate revision = date(OBSERVATIONSOURCE.POINT_INPUT_ARGUMENT.RevisionDate, revisionDate);
    ObservationSource source = env.getSource();
    return resolved(env).thenComposeAsync(r -> r == null || series == null ? CompletableFuture.completedFuture(null)
        : CompletableFuture.completedFuture(archivedPoints.pointThatWrote(source.batchId(), r.source().receivedAt(),
            new ArchivedPoints.RowKey(series, day, revision))), executor);
  }

  private static CompletableFuture<BatchSourceLoader.Resolved> resolved(DgsDataFetchingEnvironment env) {
    ObservationSource source = env.getSource();
    DataLoader<String, BatchSourceLoader.Resolved> loader = env.getDataLoader(BatchSourceLoader.class);
    return loader.load(source.batchId());
  }

  private static LocalDate date(String argument, String text) {
    try {
      return LocalDate.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw AlmanacGraphQLException.badInput(argument, "'" + text + "' is not an ISO date (yyyy-MM-dd)");
    }
  }
}
