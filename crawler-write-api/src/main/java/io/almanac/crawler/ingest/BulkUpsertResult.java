package io.almanac.crawler.ingest;

import io.almanac.crawler.generated.types.BatchStatus;
import io.almanac.crawler.generated.types.BulkUpsertSummary;
import java.util.List;

/**
 * What a bulk upload did; stored per batch id (as JSON) so a re-sent batch gets the same answer.
 * Hand-written: its errors are {@link PointError}s, whose code is an enum.
 */
public record BulkUpsertResult(String batchId, BatchStatus status, boolean replayed, BulkUpsertSummary summary,
    List<PointError> errors) {

  static BulkUpsertSummary summary(int totalProcessed, int successful) {
    return BulkUpsertSummary.newBuilder().totalProcessed(totalProcessed).successful(successful)
        .failed(totalProcessed - successful).build();
  }

  BulkUpsertResult asReplay() {
    return new BulkUpsertResult(batchId, status, true, summary, errors);
  }
}
