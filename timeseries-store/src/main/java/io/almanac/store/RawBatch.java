package io.almanac.store;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;

/** An upload as received, for the raw archive. */
public record RawBatch(
    String batchId, OffsetDateTime receivedAt, String runId, boolean atomic, String status, List<RawPoint> points) {
  public RawBatch {
    Objects.requireNonNull(batchId, "batchId");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(status, "status");
    points = List.copyOf(points);
  }
}
