package io.almanac.bench.baseline;

import java.util.List;

/** {@code BulkUpsertResult}, with the same fields as Almanac's. */
public record BulkResult(String batchId, String status, boolean replayed, Summary summary, List<PointError> errors) {

  public record Summary(int totalProcessed, int successful, int failed) {}

  public record PointError(Integer index, String code, String message) {}
}
