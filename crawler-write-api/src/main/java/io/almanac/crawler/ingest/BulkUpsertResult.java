package io.almanac.crawler.ingest;

import java.util.List;

/** What a bulk upload did; stored per batch id so a re-sent batch gets the same answer. */
public record BulkUpsertResult(String batchId, BatchStatus status, boolean replayed, Summary summary,
    List<PointError> errors) {

  public enum BatchStatus { COMMITTED, PARTIAL, REJECTED }

  public record Summary(int totalProcessed, int successful, int failed) {}

  BulkUpsertResult asReplay() {
    return new BulkUpsertResult(batchId, status, true, summary, errors);
  }
}
