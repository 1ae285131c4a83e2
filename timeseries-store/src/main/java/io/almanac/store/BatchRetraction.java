package io.almanac.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.io.CloseableIterable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copy-on-write removal of the observation rows one batch wrote (rows whose {@code batch_id} is the
 * batch's), restoring for each key the batch had won the earlier write that compaction dropped. One
 * Iceberg overwrite: the data files holding the batch's rows are replaced by copies without them, plus
 * one file of restored rows; no delete file is written.
 *
 * <p>Runs alone on the observations committer (between appends of this process). The commit is
 * validated against the snapshot it was planned from: if another process's compaction replaced a file
 * it rewrites (which could otherwise put the batch's rows back) Iceberg refuses it and the whole
 * retraction is planned again from the new snapshot, as it is after a catalog commit conflict. Appends
 * of other processes committed meanwhile do not conflict: their rows are kept, and their stamps are
 * above any restored row's, so they still win.
 */
public final class BatchRetraction {

  private static final Logger log = LoggerFactory.getLogger(BatchRetraction.class);
  private static final int ATTEMPTS = 8;
  /** Snapshot summary property naming the batch a retraction removed. */
  static final String RETRACTED_BATCH = "almanac.retracted-batch";

  /** An observation key: series, observed date, revision date (a vintage). */
  public record Key(long seriesId, LocalDate date, LocalDate revisionDate) {}

  /**
   * A key whose winning row was the batch's: its earlier write must be found.
   *
   * @param after the latest stamp among the key's rows still in the table once the batch's are gone
   *     (that row then wins unless a later one is restored); null when none is left
   * @param before the stamp of the batch's row: the earlier write was committed before it
   */
  public record Need(Key key, OffsetDateTime after, OffsetDateTime before) {}

  /** An earlier accepted write of a key, as it was committed: its batch and stamp, so it ranks as it did. */
  public record EarlierWrite(ObservationRow row, String batchId, OffsetDateTime ingestedAt) {}

  /** Finds, for each need, the latest accepted write of its key committed strictly between {@code after} and {@code before}. */
  @FunctionalInterface
  public interface EarlierWrites {
    /** @return by key, only for keys that have such a write */
    Map<Key, EarlierWrite> find(Collection<Need> needs);
  }

  /**
   * @param observationsRemoved rows of the batch that were in the table and are now gone
   * @param keysRestored keys whose winning row was the batch's and that now read as an earlier write
   *     (one still in the table, or one restored)
   * @param keysRestoredFromArchive of those, keys whose earlier write was restored (compaction had dropped it)
   * @param filesRewritten data files replaced by copies without the batch's rows
   * @param snapshotId the snapshot after the retraction (the current one when nothing changed; -1 for an empty table)
   */
  public record Result(long observationsRemoved, int keysRestored, int keysRestoredFromArchive, int filesRewritten,
      long snapshotId) {}

  private BatchRetraction() {}

  /** Runs on the observations committer (see {@link CoalescingAppender#exclusive}); retries a lost race. */
  static Result run(Table table, String batchId, EarlierWrites earlier, CoalescingAppender writer) {
    RuntimeException failure = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      table.refresh();
      List<DataFile> written = new ArrayList<>();
      try {
        return attempt(table, batchId, earlier, writer, written);
      } catch (ValidationException | CommitFailedException e) {
        // Another process compacted or committed under this plan: plan again from the new snapshot.
        failure = e;
        written.forEach(f -> table.io().deleteFile(f.location()));
        log.info("Retraction of batch {} lost a commit race (attempt {}): {}", batchId, attempt, e.getMessage());
        backOff(attempt);
      } catch (RuntimeException | Error e) {
        written.forEach(f -> table.io().deleteFile(f.location()));
        throw e;
      }
    }
    throw failure;
  }

  /**
   * What removing the batch's rows from a snapshot takes: the files to rewrite (with the rows they
   * keep, when {@code keepRows}), and the needs of the keys it had won.
   */
  private record Plan(Snapshot base, Map<DataFile, List<Record>> rewrites, long removed, Set<Long> series,
      List<Need> needs) {}

  private static Plan plan(Table table, String batchId, boolean keepRows) {
    Snapshot base = table.currentSnapshot();
    // 1. Files that may hold the batch's rows (batch-id statistics), each read once: the batch's rows
    //    out, the others kept in file order (sorted).
    Map<DataFile, List<Record>> rewrites = new HashMap<>();
    Map<Key, OffsetDateTime> removedStamp = new HashMap<>();
    Map<Key, OffsetDateTime> remaining = new HashMap<>();
    long removed = 0;
    Set<String> readFiles = new HashSet<>();
    for (DataFile file : base == null ? List.<DataFile>of() : files(table, ObservationLayout.batchIdEquals(batchId))) {
      readFiles.add(file.location());
      List<Record> kept = new ArrayList<>();
      long dropped = 0;
      for (Record row : readAll(table, file)) {
        if (batchId.equals(ObservationLayout.BATCH_ID.get(row))) {
          dropped++;
          removedStamp.merge(key(row), ObservationLayout.INGESTED_AT.get(row), BatchRetraction::later);
        } else {
          kept.add(row);
        }
      }
      if (dropped > 0) {
        removed += dropped;
        kept.forEach(row -> noteRemaining(row, removedStamp, remaining));
        rewrites.put(file, keepRows ? kept : List.of());
      }
    }
    // 2. What is left of each removed key, in every other file of those series.
    Set<Long> series = new HashSet<>();
    removedStamp.keySet().forEach(k -> series.add(k.seriesId()));
    if (!series.isEmpty()) {
      for (DataFile file : files(table, ObservationLayout.seriesIdIn(series))) {
        if (!readFiles.contains(file.location())) {
          forEachRow(table, file, row -> noteRemaining(row, removedStamp, remaining));
        }
      }
    }
    // 3. Keys the batch had won (no later row left) need their earlier write.
    List<Need> needs = new ArrayList<>();
    removedStamp.forEach((key, stamp) -> {
      OffsetDateTime left = remaining.get(key);
      if (left == null || left.isBefore(stamp)) {
        needs.add(new Need(key, left, stamp));
      }
    });
    return new Plan(base, rewrites, removed, series, needs);
  }

  /**
   * Plans on {@code table} (a snapshot read outside the committer) and asks {@code earlier} for those
   * needs now, so that the slow part, reading the archive, does not hold up the appends queued behind
   * the committer. The answer serves the needs the committer's own plan finds unchanged; it asks
   * {@code earlier} only for the others (a commit in between changed them).
   */
  static EarlierWrites prefetch(Table table, String batchId, EarlierWrites earlier) {
    List<Need> asked = plan(table, batchId, false).needs();
    Map<Key, EarlierWrite> answered = asked.isEmpty() ? Map.of() : earlier.find(asked);
    Set<Need> known = new HashSet<>(asked);
    return needs -> {
      Map<Key, EarlierWrite> found = new HashMap<>();
      List<Need> unknown = new ArrayList<>();
      for (Need need : needs) {
        if (known.contains(need)) {
          EarlierWrite write = answered.get(need.key());
          if (write != null) {
            found.put(need.key(), write);
          }
        } else {
          unknown.add(need);
        }
      }
      if (!unknown.isEmpty()) {
        found.putAll(earlier.find(unknown));
      }
      return found;
    };
  }

  private static Result attempt(Table table, String batchId, EarlierWrites earlier, CoalescingAppender writer,
      List<DataFile> written) {
    Plan plan = plan(table, batchId, true);
    if (plan.rewrites().isEmpty()) {
      return new Result(0, 0, 0, 0, plan.base() == null ? -1 : plan.base().snapshotId());
    }
    // 4. Earlier writes no longer in the table are restored.
    List<Need> needs = plan.needs();
    Map<Key, EarlierWrite> found = needs.isEmpty() ? Map.of() : earlier.find(needs);
    List<Record> restored = new ArrayList<>();
    int keysRestored = 0;
    for (Need need : needs) {
      EarlierWrite write = found.get(need.key());
      if (write != null) {
        checkRestorable(need, write);
        restored.add(ObservationLayout.newRecord(write.row(), write.ingestedAt(), write.batchId()));
        keysRestored++;
      } else if (need.after() != null) {
        keysRestored++;
      }
    }
    // 5. One overwrite, validated against the snapshot planned from.
    Set<Long> series = plan.series();
    OverwriteFiles overwrite = table.newOverwrite().scanManifestsWith(IcebergExecutors.CALLER_THREAD)
        .validateFromSnapshot(plan.base().snapshotId())
        .conflictDetectionFilter(ObservationLayout.seriesIdIn(series))
        .validateNoConflictingDeletes();
    for (Map.Entry<DataFile, List<Record>> rewrite : plan.rewrites().entrySet()) {
      overwrite.deleteFile(rewrite.getKey());
      if (!rewrite.getValue().isEmpty()) {
        DataFile copy = writer.write(rewrite.getValue());
        written.add(copy);
        overwrite.addFile(copy);
      }
    }
    if (!restored.isEmpty()) {
      restored.sort(ObservationLayout.ORDER);
      DataFile file = writer.write(restored);
      written.add(file);
      overwrite.addFile(file);
    }
    overwrite.set(RETRACTED_BATCH, batchId);
    overwrite.set(CoalescingAppender.CHANGED_SERIES, Collections.min(series) + "," + Collections.max(series));
    long through = CoalescingAppender.highWater(table);
    if (through > 0) {
      // Carried forward, as compactions do, so expiring older snapshots keeps the high-water mark.
      overwrite.set(CoalescingAppender.INGESTED_THROUGH, Long.toString(through));
    }
    overwrite.commit();
    log.info("Retracted batch {}: {} rows removed from {} files, {} keys read as an earlier write ({} restored)",
        batchId, plan.removed(), plan.rewrites().size(), keysRestored, restored.size());
    return new Result(plan.removed(), keysRestored, restored.size(), plan.rewrites().size(),
        table.currentSnapshot().snapshotId());
  }

  /** A restored row must be the key's and rank between what is left and the batch's row. */
  private static void checkRestorable(Need need, EarlierWrite write) {
    ObservationRow row = write.row();
    Key key = new Key(row.seriesId(), row.date(), row.revisionDate());
    if (!key.equals(need.key()) || !write.ingestedAt().isBefore(need.before())
        || (need.after() != null && !write.ingestedAt().isAfter(need.after()))) {
      throw new IllegalArgumentException("Earlier write " + write + " does not fit " + need);
    }
  }

  private static void noteRemaining(Record row, Map<Key, OffsetDateTime> removed, Map<Key, OffsetDateTime> remaining) {
    Key key = key(row);
    if (removed.containsKey(key)) {
      remaining.merge(key, ObservationLayout.INGESTED_AT.get(row), BatchRetraction::later);
    }
  }

  private static Key key(Record row) {
    return new Key(ObservationLayout.SERIES_ID.get(row), ObservationLayout.DATE.get(row),
        ObservationLayout.REVISION_DATE.get(row));
  }

  private static OffsetDateTime later(OffsetDateTime a, OffsetDateTime b) {
    return a.isAfter(b) ? a : b;
  }

  private static List<DataFile> files(Table table, Expression filter) {
    List<DataFile> files = new ArrayList<>();
    // With column statistics: the overwrite records the removed files as given, and the reader's change
    // feed needs their series-id bounds to evict just those series from caches.
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planWith(IcebergExecutors.CALLER_THREAD)
        .filter(filter).includeColumnStats().planFiles()) {
      tasks.forEach(task -> files.add(task.file()));
    } catch (IOException e) {
      throw new UncheckedIOException("Planning the observations' files failed", e);
    }
    return files;
  }

  private static List<Record> readAll(Table table, DataFile file) {
    List<Record> rows = new ArrayList<>((int) Math.min(file.recordCount(), Integer.MAX_VALUE - 8));
    forEachRow(table, file, rows::add);
    return rows;
  }

  private static void forEachRow(Table table, DataFile file, Consumer<Record> action) {
    try (CloseableIterable<Record> records = TableMaintenance.read(table, file, ObservationLayout.SCHEMA)) {
      records.forEach(action);
    } catch (IOException e) {
      throw new UncheckedIOException("Reading " + file.location() + " failed", e);
    }
  }

  private static void backOff(int attempt) {
    try {
      Thread.sleep(50L << Math.min(attempt, 6));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while retrying a retraction", e);
    }
  }
}
