package io.almanac.store;

import java.io.Closeable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.iceberg.data.GenericRecord;
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
    this.observations = new CoalescingAppender("observations", store::loadObservations, RowOrders.OBSERVATIONS, linger);
    this.series = new CoalescingAppender("series", store::loadSeries, RowOrders.SERIES, linger);
    this.rawBatches = new CoalescingAppender("raw_batches", store::loadRawBatches, RowOrders.RAW_BATCHES, linger);
  }

  /**
   * Appends observations of one batch. Rows of this call win over any earlier write of the same key.
   *
   * @throws IllegalArgumentException if a value has more fractional digits than the table keeps
   */
  public CompletableFuture<Long> appendObservations(String batchId, List<ObservationRow> rows) {
    OffsetDateTime ingestedAt = nextIngestTime();
    List<Record> records = new ArrayList<>(rows.size());
    for (ObservationRow row : rows) {
      GenericRecord record = GenericRecord.create(TimeseriesTables.OBSERVATIONS);
      record.set(0, row.seriesId());
      record.set(1, row.date());
      record.set(2, row.revisionDate());
      record.set(3, toStoredScale(row.value()));
      record.set(4, ingestedAt);
      record.set(5, batchId);
      records.add(record);
    }
    return observations.append(records);
  }

  /** Appends new versions of series metadata; the latest {@code updatedAt} of an id wins on read. */
  public CompletableFuture<Long> upsertSeries(List<SeriesRecord> versions) {
    List<Record> records = new ArrayList<>(versions.size());
    for (SeriesRecord s : versions) {
      GenericRecord record = GenericRecord.create(TimeseriesTables.SERIES);
      record.set(0, s.id());
      record.set(1, s.providerId());
      record.set(2, s.externalId());
      record.set(3, s.title());
      record.set(4, s.description());
      record.set(5, s.units());
      record.set(6, s.frequency());
      record.set(7, s.seasonalAdjustment());
      record.set(8, s.active());
      record.set(9, s.updatedAt());
      record.set(10, s.deleted());
      records.add(record);
    }
    return series.append(records);
  }

  /** Keeps a batch as received, as one row (a batch without points too, so it is never lost). */
  public CompletableFuture<Long> archive(RawBatch batch) {
    GenericRecord record = GenericRecord.create(TimeseriesTables.RAW_BATCHES);
    record.set(0, batch.receivedAt());
    record.set(1, batch.batchId());
    record.set(2, batch.runId());
    record.set(3, batch.atomic());
    record.set(4, batch.status());
    record.set(5, batch.points().size());
    record.set(6, RawPointCodec.encode(batch.points()));
    return rawBatches.append(List.of(record));
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

  /** True when {@code value} fits the stored decimal type exactly. */
  public static boolean fitsStoredScale(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return Math.max(stripped.scale(), 0) <= TimeseriesTables.VALUE_SCALE
        && stripped.precision() - stripped.scale() <= TimeseriesTables.VALUE_PRECISION - TimeseriesTables.VALUE_SCALE;
  }

  private static BigDecimal toStoredScale(BigDecimal value) {
    if (value == null) {
      return null;
    }
    if (!fitsStoredScale(value)) {
      throw new IllegalArgumentException("Value " + value.toPlainString() + " does not fit decimal("
          + TimeseriesTables.VALUE_PRECISION + "," + TimeseriesTables.VALUE_SCALE + ")");
    }
    return value.setScale(TimeseriesTables.VALUE_SCALE, RoundingMode.UNNECESSARY);
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
