package io.almanac.store;

import java.io.Closeable;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;

/**
 * The write side of the store: appends observations, series versions and raw batches. Each table has
 * one committer in this process; every method's future completes once the rows are committed.
 */
public final class TimeseriesWriter implements Closeable {

  /** Placeholder until the committer stamps the rows. */
  private static final OffsetDateTime UNSTAMPED = OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

  private final CoalescingAppender observations;
  private final CoalescingAppender series;
  private final CoalescingAppender rawBatches;
  private final TimeseriesStore store;

  public TimeseriesWriter(TimeseriesStore store) {
    long linger = store.settings().commitLinger().toNanos();
    this.store = store;
    this.observations = new CoalescingAppender(ObservationLayout.TABLE_NAME, store::loadObservations,
        ObservationLayout.ORDER, ObservationLayout.INGESTED_AT, linger);
    this.series = new CoalescingAppender(SeriesLayout.TABLE_NAME, store::loadSeries, SeriesLayout.ORDER, linger);
    this.rawBatches = new CoalescingAppender(RawBatchLayout.TABLE_NAME, store::loadRawBatches, RawBatchLayout.ORDER,
        linger);
  }

  /**
   * Appends observations of one batch. Rows of this call win over any write of the same key committed
   * before it, by this process or another: their {@code ingested_at} is chosen at commit, in commit
   * order (see {@link CoalescingAppender}). The commit's snapshot names {@code batchId} (see
   * {@link #tablesHolding}).
   */
  public CompletableFuture<Long> appendObservations(String batchId, List<ObservationRow> rows) {
    List<Record> records = new ArrayList<>(rows.size());
    for (ObservationRow row : rows) {
      records.add(ObservationLayout.newRecord(row, UNSTAMPED, batchId));
    }
    return observations.append(batchId, records);
  }

  /**
   * The commit of one batch's observations.
   *
   * @param ingestedAt the one stamp every row of the batch carries (see {@link #appendObservations});
   *     null when the batch had no rows
   */
  public record Appended(Long snapshotId, OffsetDateTime ingestedAt) {}

  /** {@link #appendObservations}, answering also the stamp the batch's rows were committed with. */
  public CompletableFuture<Appended> appendBatch(String batchId, List<ObservationRow> rows) {
    List<Record> records = new ArrayList<>(rows.size());
    for (ObservationRow row : rows) {
      records.add(ObservationLayout.newRecord(row, UNSTAMPED, batchId));
    }
    // The committer stamps every row of one call with the same time before completing the future.
    return observations.append(batchId, records).thenApply(snapshot -> new Appended(snapshot,
        records.isEmpty() ? null : ObservationLayout.INGESTED_AT.get(records.get(0))));
  }

  /** Appends new versions of series metadata; the latest {@code updatedAt} of an id wins on read. */
  public CompletableFuture<Long> upsertSeries(List<SeriesRecord> versions) {
    List<Record> records = new ArrayList<>(versions.size());
    for (SeriesRecord version : versions) {
      records.add(SeriesLayout.newRecord(version));
    }
    return series.append(null, records);
  }

  /**
   * Keeps a batch as received, as one row (a batch without points too, so it is never lost); the
   * commit's snapshot names the batch (see {@link #tablesHolding}).
   */
  public CompletableFuture<Long> archive(RawBatch batch) {
    return rawBatches.append(batch.batchId(), List.of(RawBatchLayout.newRecord(batch)));
  }

  /**
   * {@link #archive}, with the batch made (and its points encoded) on the archive's committer thread:
   * for a large upload that is tens of milliseconds the request thread spends on its observation rows
   * meanwhile. {@code batchId} is the id {@code batch} will have.
   */
  public CompletableFuture<Long> archive(String batchId, java.util.function.Supplier<RawBatch> batch) {
    return rawBatches.appendLater(batchId, () -> List.of(RawBatchLayout.newRecord(batch.get())));
  }

  /**
   * Which of the raw archive ({@link TableKind#RAW_BATCHES}) and the observations
   * ({@link TableKind#OBSERVATIONS}) hold a commit of {@code batchId}, according to their current
   * metadata (read from the catalog now): the commits of this and any other process, as long as the
   * snapshots that made them are retained (see {@link TableMaintenance}'s {@code retainSince}).
   */
  public Set<TableKind> tablesHolding(String batchId) {
    Set<TableKind> holding = EnumSet.noneOf(TableKind.class);
    if (carries(store.loadRawBatches(), batchId)) {
      holding.add(TableKind.RAW_BATCHES);
    }
    if (carries(store.loadObservations(), batchId)) {
      holding.add(TableKind.OBSERVATIONS);
    }
    return holding;
  }

  private static boolean carries(Table table, String batchId) {
    for (Snapshot snapshot : table.snapshots()) {
      if (CoalescingAppender.batchIds(snapshot).contains(batchId)) {
        return true;
      }
    }
    return false;
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

  /**
   * Takes back batch {@code batchId}: removes every observation row it wrote, copy-on-write (the files
   * holding them are rewritten, in one overwrite commit; no delete file), and for each key whose
   * winning row was the batch's, restores the earlier write {@code earlier} finds when compaction
   * dropped it from the table (see {@link BatchRetraction}). {@code earlier} is first asked on the
   * caller's thread, from a plan of the current snapshot; the removal then runs alone on the
   * observations committer, asking only about keys a commit changed in between; a commit race with
   * another process is planned again from the new snapshot.
   */
  public CompletableFuture<BatchRetraction.Result> retractBatch(String batchId, BatchRetraction.EarlierWrites earlier) {
    CompletableFuture<BatchRetraction.Result> done = new CompletableFuture<>();
    BatchRetraction.EarlierWrites prefetched;
    try {
      // Earlier writes are looked up here, on the caller's thread, not on the committer (see prefetch).
      prefetched = BatchRetraction.prefetch(store.loadObservations(), batchId, earlier);
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
      return done;
    }
    BatchRetraction.Result[] result = new BatchRetraction.Result[1];
    observations.exclusive(table -> {
      result[0] = BatchRetraction.run(table, batchId, prefetched, observations);
      return result[0].snapshotId();
    }).whenComplete((snapshot, failure) -> {
      if (failure != null) {
        done.completeExceptionally(failure);
      } else {
        done.complete(result[0]);
      }
    });
    return done;
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

  @Override
  public void close() {
    observations.close();
    series.close();
    rawBatches.close();
  }
}
