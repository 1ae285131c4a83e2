package io.almanac.store;

import java.io.Closeable;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.iceberg.data.Record;

/**
 * The write side of the store: appends observations, series versions and raw batches. Each table has
 * one committer in this process; every method's future completes once the rows are committed.
 */
public final class TimeseriesWriter implements Closeable {

  private final CoalescingAppender observations;
  private final CoalescingAppender series;
  private final CoalescingAppender rawBatches;
  /** Last issued ingestion timestamp in microseconds: strictly increasing, so later writes win. */
  private final AtomicLong lastIngestMicros = new AtomicLong();

  public TimeseriesWriter(TimeseriesStore store) {
    long linger = store.settings().commitLinger().toNanos();
    this.observations = new CoalescingAppender(ObservationLayout.TABLE_NAME, store::loadObservations,
        ObservationLayout.ORDER, linger);
    this.series = new CoalescingAppender(SeriesLayout.TABLE_NAME, store::loadSeries, SeriesLayout.ORDER, linger);
    this.rawBatches = new CoalescingAppender(RawBatchLayout.TABLE_NAME, store::loadRawBatches, RawBatchLayout.ORDER,
        linger);
  }

  /** Appends observations of one batch. Rows of this call win over any earlier write of the same key. */
  public CompletableFuture<Long> appendObservations(String batchId, List<ObservationRow> rows) {
    OffsetDateTime ingestedAt = nextIngestTime();
    List<Record> records = new ArrayList<>(rows.size());
    for (ObservationRow row : rows) {
      records.add(ObservationLayout.newRecord(row, ingestedAt, batchId));
    }
    return observations.append(records);
  }

  /** Appends new versions of series metadata; the latest {@code updatedAt} of an id wins on read. */
  public CompletableFuture<Long> upsertSeries(List<SeriesRecord> versions) {
    List<Record> records = new ArrayList<>(versions.size());
    for (SeriesRecord version : versions) {
      records.add(SeriesLayout.newRecord(version));
    }
    return series.append(records);
  }

  /** Keeps a batch as received, as one row (a batch without points too, so it is never lost). */
  public CompletableFuture<Long> archive(RawBatch batch) {
    return rawBatches.append(List.of(RawBatchLayout.newRecord(batch)));
  }

  /**
   * Removes every observation of the given series by rewriting the data files that hold any
   * (copy-on-write: served snapshots never carry delete files). Rare and proportional to the files
   * touched, not to the table.
   *
   * @return the future's value is the number of rows removed
   */
  public CompletableFuture<Long> deleteObservations(Set<Long> seriesIds) {
    return observations.exclusive(table -> ObservationRewriter.removeSeries(table, seriesIds, observations));
  }

  /** The committer of a table, for maintenance that must commit alongside appends. */
  CoalescingAppender committerOf(TableKind kind) {
    return switch (kind) {
      case OBSERVATIONS -> observations;
      case SERIES -> series;
      case RAW_BATCHES -> rawBatches;
    };
  }

  /**
   * True when {@code value} fits the stored decimal type exactly; the same check as
   * {@link ObservationRow#fitsStoredScale}, which is the one to call.
   */
  public static boolean fitsStoredScale(BigDecimal value) {
    return ObservationRow.fitsStoredScale(value);
  }

  private OffsetDateTime nextIngestTime() {
    Instant now = Instant.now();
    long nowMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    long micros = lastIngestMicros.updateAndGet(last -> Math.max(last + 1, nowMicros));
    return Instant.ofEpochSecond(micros / 1_000_000L, (micros % 1_000_000L) * 1_000L).atOffset(ZoneOffset.UTC);
  }

  @Override
  public void close() {
    observations.close();
    series.close();
    rawBatches.close();
  }
}
