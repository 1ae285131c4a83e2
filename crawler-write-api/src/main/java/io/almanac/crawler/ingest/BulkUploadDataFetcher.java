package io.almanac.crawler.ingest;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsMutation;
import com.netflix.graphql.dgs.DgsQuery;
import com.netflix.graphql.dgs.InputArgument;
import graphql.schema.DataFetchingEnvironment;
import io.almanac.crawler.generated.DgsConstants.MUTATION;
import io.almanac.crawler.generated.DgsConstants.QUERY;
import io.almanac.crawler.generated.types.RetractResult;
import io.almanac.crawler.generated.types.Retraction;
import io.almanac.graphql.auth.Callers;
import io.almanac.store.RawBatch;
import io.almanac.store.RawPoint;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** {@code bulkUpsertDataPoints}, {@code archivedBatch} and {@code retractBatch}. */
@DgsComponent
public class BulkUploadDataFetcher {

  /**
   * The archive's view of a batch: points as sent, and batch-level errors apart. Hand-written: it serves
   * the store's {@link RawPoint}s as they are, where the generated type would need a copy of each.
   */
  public record ArchivedBatch(String batchId, OffsetDateTime receivedAt, String runId, boolean atomic, String status,
      List<RawPoint> points, List<PointError> batchErrors, Retraction retraction) {}

  private final BulkUpsertService service;
  private final BatchRetractionService retractions;
  private final UploadPermits permits;

  BulkUploadDataFetcher(BulkUpsertService service, BatchRetractionService retractions, UploadPermits permits) {
    this.service = service;
    this.retractions = retractions;
    this.permits = permits;
  }

  /** Reads the input as graphql-java coerced it ({@link UploadInputMapper}), not as the generated type. */
  @DgsMutation(field = MUTATION.BulkUpsertDataPoints)
  public BulkUpsertResult bulkUpsertDataPoints(DataFetchingEnvironment environment) {
    Map<String, ?> input = environment.getArgument(MUTATION.BULKUPSERTDATAPOINTS_INPUT_ARGUMENT.Input);
    BulkUpsertService.Upload upload = UploadInputMapper.upload(input);
    try (UploadPermits.Permit permit = permits.forPoints(upload.points().size())) {
      return service.upload(upload);
    }
  }

  @DgsQuery(field = QUERY.ArchivedBatch)
  public ArchivedBatch archivedBatch(@InputArgument(name = QUERY.ARCHIVEDBATCH_INPUT_ARGUMENT.BatchId) String batchId) {
    return service.archivedWithMark(batchId).map(BulkUploadDataFetcher::view).orElse(null);
  }

  @DgsMutation(field = MUTATION.RetractBatch)
  public RetractResult retractBatch(DataFetchingEnvironment environment,
      @InputArgument(name = MUTATION.RETRACTBATCH_INPUT_ARGUMENT.BatchId) String batchId,
      @InputArgument(name = MUTATION.RETRACTBATCH_INPUT_ARGUMENT.Reason) String reason) {
    return retractions.retract(Callers.current(environment), batchId, reason);
  }

  private static ArchivedBatch view(BulkUpsertService.Archived archived) {
    RawBatch batch = archived.batch();
    List<RawPoint> points = batch.points().stream().filter(p -> p.index() != null).toList();
    List<PointError> batchErrors = batch.points().stream().filter(p -> p.index() == null)
        .map(p -> PointError.batch(PointErrorCode.valueOf(p.errorCode()), p.errorMessage())).toList();
    return new ArchivedBatch(batch.batchId(), batch.receivedAt(), batch.runId(), batch.atomic(), batch.status(),
        points, batchErrors, BatchRetractionService.view(archived.retraction()));
  }
}
