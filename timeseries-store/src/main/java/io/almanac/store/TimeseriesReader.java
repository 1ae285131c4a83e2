package io.almanac.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotChanges;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.CloseableIterable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side of the store. Observations of a few series are read row group by row group
 * ({@link ObservationReader}); the small series table and the raw archive through Iceberg's generic
 * reader.
 */
public final class TimeseriesReader {

  /** While the catalog is unreachable, how often it is asked again. */
  static final Duration CATALOG_RETRY = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(TimeseriesReader.class);

  private final TimeseriesStore store;
  private final ObservationReader observations = new ObservationReader();
  /** A refresh failed because the catalog's database could not be reached, and none succeeded since. */
  private volatile boolean catalogDown;
  /** Per shared table instance (identity), see {@link Refreshes}. */
  private final Map<Table, Refreshes> refreshes = new ConcurrentHashMap<>();

  public TimeseriesReader(TimeseriesStore store) {
    this.store = store;
  }

  /** The current snapshot id of the observations table after a refresh, or -1 when it is empty. */
  public long observationsSnapshot() {
    return snapshotIdOf(freshObservations());
  }

  /**
   * The sequence number of an observations snapshot (Iceberg's, increasing along the table's history): 0 for
   * the empty table ({@code snapshotId} -1), -1 when the snapshot is not in the metadata last loaded (expired,
   * or not loaded yet). Reads no metadata.
   */
  public long observationsSequenceNumber(long snapshotId) {
    if (snapshotId < 0) {
      return 0;
    }
    Snapshot snapshot = store.observations().snapshot(snapshotId);
    return snapshot == null ? -1 : snapshot.sequenceNumber();
  }

  /**
   * Reads every vintage of the given series at the given observations snapshot (see
   * {@link #observationsSnapshot()}). Series without rows map to an empty history.
   */
  public Map<Long, SeriesHistory> readHistories(Collection<Long> seriesIds, long snapshotId) {
    Map<Long, SeriesHistoryBuilder> builders = new HashMap<>();
    for (Long id : seriesIds) {
      builders.put(id, new SeriesHistoryBuilder(id));
    }
    if (snapshotId >= 0 && !builders.isEmpty()) {
      observations.read(store.observations(), snapshotId, builders);
    }
    Map<Long, SeriesHistory> result = new HashMap<>(builders.size() * 2);
    builders.forEach((id, builder) -> result.put(id, builder.build()));
    return result;
  }

  /**
   * Ranges {@code [low, high]} of series ids whose observations may differ between two snapshots of
   * the observations table ({@code from} an ancestor of {@code to}): the id bounds of files added or
   * removed by appends, overwrites and deletes, or the range a retraction declares in its summary
   * (Iceberg gives removed files without statistics). Compactions ({@code replace}) change no data and
   * contribute nothing. Empty when it cannot be told (history expired, or a file without bounds):
   * then everything may have changed.
   */
  public Optional<List<long[]>> changedSeriesRanges(long from, long to) {
    Table table = store.observations();
    List<long[]> ranges = new ArrayList<>();
    boolean told = walkBack(table, from, to, snapshot -> {
      String declared = snapshot.summary() == null ? null : snapshot.summary().get(CoalescingAppender.CHANGED_SERIES);
      if (declared != null) {
        // A retraction says which series it changed: the files it removed come without statistics.
        String[] bounds = declared.split(",");
        ranges.add(new long[] {Long.parseLong(bounds[0]), Long.parseLong(bounds[1])});
      } else if (!DataOperations.REPLACE.equals(snapshot.operation())) {
        // SnapshotChanges reads the manifests with the table's specs (Snapshot.addedDataFiles logs a
        // deprecation warning per manifest instead).
        SnapshotChanges changes = SnapshotChanges.builderFor(table).snapshot(snapshot)
            .executeWith(IcebergExecutors.CALLER_THREAD).build();
        try {
          for (Iterable<DataFile> files : List.of(changes.addedDataFiles(), changes.removedDataFiles())) {
            for (DataFile file : files) {
              DataFileSpan span = DataFileSpan.of(file);
              if (!span.bounded()) {
                return false;
              }
              ranges.add(new long[] {span.low(), span.high()});
            }
          }
        } catch (NotFoundException expired) {
          // The crawler's snapshot expiry deleted this snapshot's manifest list after the refresh that
          // listed it (seen with a reader idle past snapshot-retention): history expired, cannot tell.
          return false;
        }
      }
      return true;
    });
    return told ? Optional.of(ranges) : Optional.empty();
  }

  /**
   * What appends alone added between two snapshots of the observations table ({@code from} an ancestor of
   * {@code to}): per series, the latest observation date (epoch day) and the latest ingestion (microseconds
   * since the epoch) among the rows of the files appended; compactions ({@code replace}) change no data and
   * add nothing. Reads only the appended files' {@code series_id}, {@code date} and {@code ingested_at} columns,
   * decoded straight into numbers ({@link ObservationReader#extents}), so following a stream of uploads costs
   * what they wrote, not what the series held. Empty when a snapshot in
   * between removed rows (an overwrite or delete: a retraction, a deleted series) or history cannot be told:
   * then the caller re-reads what {@link #changedSeriesRanges} names.
   *
   * @return per series id {@code {latestEpochDay, latestIngestMicros}}
   */
  public Optional<Map<Long, long[]>> appendedExtremes(long from, long to) {
    Table table = store.observations();
    Map<Long, long[]> extremes = new HashMap<>();
    boolean told = walkBack(table, from, to, snapshot -> {
      if (DataOperations.APPEND.equals(snapshot.operation())) {
        SnapshotChanges changes = SnapshotChanges.builderFor(table).snapshot(snapshot)
            .executeWith(IcebergExecutors.CALLER_THREAD).build();
        try {
          for (DataFile file : changes.addedDataFiles()) {
            observations.extents(table.io(), file, extremes);
          }
        } catch (NotFoundException expired) {
          return false; // a manifest list or file removed by expiry meanwhile: cannot tell
        }
        return true;
      }
      return DataOperations.REPLACE.equals(snapshot.operation());
    });
    return told ? Optional.of(extremes) : Optional.empty();
  }

  /**
   * Visits the snapshots from {@code to} back to {@code from} (exclusive; -1 for the empty table), newest first.
   *
   * @param visit false when the snapshot makes the answer unknowable (the walk stops)
   * @return false when a visit said so, or when the walk did not reach {@code from}: from the empty table only a
   *     walk that ended at the first snapshot saw everything, not one that ended at a parent expiry removed
   */
  private static boolean walkBack(Table table, long from, long to, java.util.function.Predicate<Snapshot> visit) {
    Snapshot snapshot = to < 0 ? null : table.snapshot(to);
    boolean rootReached = to < 0;
    while (snapshot != null && snapshot.snapshotId() != from) {
      if (!visit.test(snapshot)) {
        return false;
      }
      if (snapshot.parentId() == null) {
        rootReached = true;
      }
      snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId());
    }
    return from < 0 ? rootReached : snapshot != null;
  }

  /** A stored observation's key within its series: its date and the revision date of its vintage. */
  public record VintageKey(LocalDate date, LocalDate revisionDate) {}

  /**
   * The batch that wrote each visible observation row of the given series at an observations snapshot:
   * for each key, the batch id of the row that wins on read (the latest stamp). For provenance
   * ({@code Observation.source}); the history read ({@link #readHistories}) leaves the batch-id column
   * undecoded, as no other read needs it. Reads the files and row groups that may hold the series with
   * Iceberg's generic reader; series without rows map to an empty map.
   */
  public Map<Long, Map<VintageKey, String>> batchIdsOf(Collection<Long> seriesIds, long snapshotId) {
    Map<Long, Map<VintageKey, String>> batches = new HashMap<>();
    Map<Long, Map<VintageKey, OffsetDateTime>> stamps = new HashMap<>();
    for (Long id : seriesIds) {
      batches.put(id, new HashMap<>());
      stamps.put(id, new HashMap<>());
    }
    if (snapshotId < 0 || seriesIds.isEmpty()) {
      return batches;
    }
    try (CloseableIterable<Record> rows = IcebergGenerics.read(store.observations()).useSnapshot(snapshotId)
        .where(ObservationLayout.seriesIdIn(seriesIds)).project(ObservationLayout.SCHEMA).build()) {
      for (Record row : rows) {
        Map<VintageKey, OffsetDateTime> ofSeries = stamps.get(ObservationLayout.SERIES_ID.get(row));
        if (ofSeries == null) {
          continue; // the reader returns whole row groups: other series come along
        }
        VintageKey key = new VintageKey(ObservationLayout.DATE.get(row), ObservationLayout.REVISION_DATE.get(row));
        OffsetDateTime stamp = ObservationLayout.INGESTED_AT.get(row);
        OffsetDateTime known = ofSeries.get(key);
        if (known == null || stamp.isAfter(known)) {
          ofSeries.put(key, stamp);
          batches.get(ObservationLayout.SERIES_ID.get(row)).put(key, ObservationLayout.BATCH_ID.get(row));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Reading the batch ids of " + seriesIds.size() + " series failed", e);
    }
    return batches;
  }

  /** The latest version of every live (not deleted) series at a snapshot of the series table (see {@link #seriesSnapshot()}), by id. */
  public Map<Long, SeriesRecord> readSeries(long snapshotId) {
    Map<Long, SeriesRecord> latest = new HashMap<>();
    readSeriesHistories(snapshotId).forEach((id, versions) -> latest.put(id, versions.get(versions.size() - 1)));
    return latest;
  }

  /**
   * The metadata history of every live series at a snapshot of the series table, by id: its versions
   * oldest first, each differing from the one before it (a version that repeats the metadata before it
   * is left out, so {@code updatedAt} is when that metadata took effect); the last is the current one.
   */
  public Map<Long, List<SeriesRecord>> readSeriesHistories(long snapshotId) {
    Table table = store.series();
    Map<Long, List<Record>> versions = new HashMap<>();
    if (snapshotId < 0) {
      return Map.of();
    }
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).useSnapshot(snapshotId)
        .project(SeriesLayout.SCHEMA).build()) {
      for (Record r : rows) {
        versions.computeIfAbsent(SeriesLayout.ID.get(r), id -> new ArrayList<>(1)).add(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Reading the series table failed", e);
    }
    Map<Long, List<SeriesRecord>> histories = new HashMap<>();
    versions.forEach((id, ofId) -> {
      ofId.sort(SeriesLayout.ORDER);
      List<Record> history = SeriesLayout.history(ofId);
      if (!history.isEmpty()) {
        histories.put(id, history.size() == 1 ? List.of(SeriesLayout.toSeriesRecord(history.get(0)))
            : history.stream().map(SeriesLayout::toSeriesRecord).toList());
      }
    });
    return histories;
  }

  /** The current snapshot id of the series table after a refresh, or -1 when it is empty. */
  public long seriesSnapshot() {
    Table table = store.series();
    refresh(table);
    return snapshotIdOf(table);
  }

  /**
   * The stamp ({@code ingested_at}) of the observation rows {@code batchId} wrote, all of which carry
   * the same one; empty when none of its rows is in the table. Reads only the files whose batch-id
   * statistics may hold it; for a retry that finds the batch's rows committed by an earlier attempt.
   */
  public Optional<OffsetDateTime> ingestedAtOf(String batchId) {
    Table table = freshObservations();
    if (table.currentSnapshot() == null) {
      return Optional.empty();
    }
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).where(ObservationLayout.batchIdEquals(batchId))
        .project(ObservationLayout.SCHEMA).build()) {
      for (Record row : rows) {
        // The reader returns whole row groups: other batches' rows come along.
        if (batchId.equals(ObservationLayout.BATCH_ID.get(row))) {
          return Optional.of(ObservationLayout.INGESTED_AT.get(row));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Reading the observations of batch " + batchId + " failed", e);
    }
    return Optional.empty();
  }

  /** A batch as archived, points in the order received, or empty when no batch with that id was archived. */
  public Optional<RawBatch> readRawBatch(String batchId, OffsetDateTime receivedAt) {
    Table table = store.rawBatches();
    refresh(table);
    if (table.currentSnapshot() == null) {
      return Optional.empty();
    }
    try (CloseableIterable<Record> found = IcebergGenerics.read(table)
        .where(RawBatchLayout.batch(batchId, receivedAt))
        .project(RawBatchLayout.SCHEMA)
        .build()) {
      for (Record r : found) {
        // The reader returns whole row groups; a batch archived twice (a retried request) is one batch.
        if (batchId.equals(RawBatchLayout.BATCH_ID.get(r))) {
          return Optional.of(RawBatchLayout.toRawBatch(r));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Reading raw batch " + batchId + " failed", e);
    }
    return Optional.empty();
  }

  private Table freshObservations() {
    Table table = store.observations();
    refresh(table);
    return table;
  }

  /**
   * Refreshes {@code table} from the catalog (read-your-writes). When the catalog's database cannot be
   * reached, reads go on at the state last loaded: no commit can land while the catalog is down, so that is
   * also the newest state, unless a commit landed between the last refresh and the outage. Only the
   * first read of an outage waits for the database's timeout; then a background thread asks the catalog
   * every {@link #CATALOG_RETRY} until it answers, and reads refresh inline again from then on (so a
   * commit made just after the database returned may be missed by reads for up to that long). Every
   * table was loaded when the store opened, so there always is a last state (an empty table's is empty).
   * A failure not caused by the database fails the read.
   */
  private void refresh(Table table) {
    if (catalogDown) {
      return;
    }
    long arrived = System.nanoTime();
    Refreshes refreshes = this.refreshes.computeIfAbsent(table, t -> new Refreshes());
    synchronized (refreshes) {
      if (catalogDown || refreshes.lastStartedAt - arrived > 0) {
        // Down since this read arrived (its refresh waited out the database), or a refresh that began after
        // this read arrived has completed: it saw every commit this read must see.
        return;
      }
      long started = System.nanoTime();
      try {
        table.refresh();
        refreshes.lastStartedAt = started;
      } catch (RuntimeException e) {
        if (!causedByDatabase(e)) {
          throw e;
        }
        catalogUnreachable(e);
      }
    }
  }

  /**
   * When the last refresh of a table that succeeded had begun ({@link System#nanoTime}), guarded by itself.
   * Concurrent reads share refreshes: each waits for the one running and skips its own when that one began
   * after it arrived. So under load a table is refreshed about once per catalog round trip, not once per read,
   * and a new metadata file is parsed once, not by every request that notices it.
   */
  private static final class Refreshes {
    long lastStartedAt = System.nanoTime() - Long.MAX_VALUE / 2;
  }

  private synchronized void catalogUnreachable(RuntimeException failure) {
    if (catalogDown) {
      return;
    }
    catalogDown = true;
    log.warn("The catalog cannot be reached ({}); reads use the table state last loaded until it is back",
        failure.toString());
    Thread probe = new Thread(this::probeUntilBack, "catalog-probe");
    probe.setDaemon(true);
    probe.start();
  }

  private void probeUntilBack() {
    long since = System.nanoTime();
    while (true) {
      try {
        Thread.sleep(CATALOG_RETRY.toMillis());
        for (Table table : List.of(store.observations(), store.series(), store.rawBatches())) {
          table.refresh();
        }
        catalogDown = false;
        log.info("The catalog is back after {} s; reads see new commits again",
            Duration.ofNanos(System.nanoTime() - since).toSeconds());
        return;
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException stillDown) {
        // asked again after CATALOG_RETRY
      }
    }
  }

  private static boolean causedByDatabase(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException) {
        return true;
      }
    }
    return false;
  }

  private static long snapshotIdOf(Table table) {
    Snapshot snapshot = table.currentSnapshot();
    return snapshot == null ? -1 : snapshot.snapshotId();
  }
}
