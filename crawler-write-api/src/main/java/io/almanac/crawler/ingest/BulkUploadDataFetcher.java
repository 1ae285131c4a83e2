package io.almanac.crawler.ingest;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import com.netflix.graphql.dgs.DgsMutation;
import com.netflix.graphql.dgs.DgsQuery;
import com.netflix.graphql.dgs.InputArgument;
import io.almanac.store.RawBatch;
import io.almanac.store.RawPoint;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** {@code bulkUpsertDataPoints} and {@code archivedBatch}. */
@DgsComponent
public class BulkUploadDataFetcher {

  /** The archive's view of a batch: points as sent, and batch-level errors apart. */
  public record ArchivedBatch(String batchId, OffsetDateTime receivedAt, String runId, boolean atomic, String status,
      List<RawPoint> points, List<PointError> batchErrors) {}

  private final BulkUpsertService service;

  public BulkUploadDataFetcher(BulkUpsertService service) {
    this.service = service;
  }

  @DgsMutation
  public BulkUpsertResult bulkUpsertDataPoints(DgsDataFetchingEnvironment env) {
    Map<String, Object> input = env.getArgument("input");
    Object atomic = input.get("atomic");
    List<Map<String, Object>> points = (List<Map<String, Object>>) input.get("points");
    return service.upload(new BulkUpsertService.Upload((String) input.get("batchId"), (String) input.get("runId"),
        Boolean.TRUE.equals(atomic), points));
  }

  @DgsQuery
  public ArchivedBatch archivedBatch(@InputArgument String batchId) {
    return service.archived(batchId).map(BulkUploadDataFetcher::view).orElse(null);
  }

  private static ArchivedBatch view(RawBatch batch) {
    List<RawPoint> points = batch.points().stream().filter(p -> p.index() != null).toList();
    List<PointError> batchErrors = batch.points().stream().filter(p -> p.index() == null)
        .map(p -> PointError.batch(p.errorCode(), p.errorMessage())).toList();
    return new ArchivedBatch(batch.batchId(), batch.receivedAt(), batch.runId(), batch.atomic(), batch.status(),
        points, batchErrors);
  }
}
