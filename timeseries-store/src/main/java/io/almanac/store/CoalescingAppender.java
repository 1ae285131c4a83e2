package io.almanac.store;

import java.io.Closeable;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expressions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single committer of one table in this process. Callers hand over rows and get a future that
 * completes with the snapshot id once those rows are committed; batches arriving within the linger
 * window share one sorted data file and one commit, so many small uploads don't become many small
 * files and many catalog round trips.
 *
 * <p>Every commit names the batches it carries in its snapshot summary ({@value #BATCH_IDS}), so a
 * retry after a crash can tell from the table which of its commits already happened.
 *
 * <p>With a stamp column (the observations' {@code ingested_at}), rows are stamped here, at commit,
 * with times above every stamp already committed by any process ({@value #INGESTED_THROUGH} in the
 * snapshot summaries), and the commit is refused by Iceberg's validation when another process added
 * data meanwhile; it is then stamped again if the other commit's stamps caught up. So the order of
 * stamps (which decides which write of a key wins) is the order of commits, across processes and
 * whatever their clocks say.
 */
final class CoalescingAppender implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(CoalescingAppender.class);
  private static final int COMMIT_ATTEMPTS = 5;
  /** Commits refused because another process added data first, before giving up (each re-stamps at most once). */
  private static final int VALIDATION_ATTEMPTS = 20;
  /** Snapshot summary property: the ids of the batches a commit carries, URL-encoded, comma-separated. */
  static final String BATCH_IDS = "almanac.batch-ids";
  /** Snapshot summary property: the highest stamp (epoch microseconds) committed so far. */
  static final String INGESTED_THROUGH = "almanac.ingested-through";
  /**
   * Snapshot summary property of a commit that removes rows (a retraction): {@code low,high}, the
   * series ids whose rows it changed, as Iceberg does not keep the statistics of removed files in the
   * change set the reader walks (see {@link TimeseriesReader#changedSeriesRanges}).
   */
  static final String CHANGED_SERIES = "almanac.changed-series";
  /** Upper bound of rows per commit, so one commit's sort buffer stays bounded in memory. */
  private static final int MAX_ROWS_PER_COMMIT = 2_000_000;

  /**
   * Rows to append, or rows to make on the committer first ({@code deferred}), or (with {@code operation}
   * set) a change that must run alone on the committer.
   */
  private record Pending(String batchId, List<Record> rows, Function<Table, Long> operation,
      Supplier<List<Record>> deferred, CompletableFuture<Long> done) {}

  /** The table's name, for metrics. */
  private final String name;
  private final Supplier<Table> tableLoader;
  private final Comparator<Record> order;
  /** Column stamped at commit with a strictly increasing time, or null. */
  private final Column<OffsetDateTime> stampColumn;
  private final long lingerNanos;
  /** Last stamp issued by this committer, epoch microseconds. */
  private long lastStampMicros;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread committer;
  private volatile boolean closed;
  private Table table;

  CoalescingAppender(String name, Supplier<Table> tableLoader, Comparator<Record> order, long lingerNanos) {
    this(name, tableLoader, order, null, lingerNanos);
  }

  /** With {@code stampColumn}, rows are stamped at commit (see the class comment); their value there is ignored. */
  CoalescingAppender(String name, Supplier<Table> tableLoader, Comparator<Record> order,
      Column<OffsetDateTime> stampColumn, long lingerNanos) {
    this.name = name;
    StoreMetrics.declareConflicts(name);
    this.tableLoader = tableLoader;
    this.order = order;
    this.stampColumn = stampColumn;
    this.lingerNanos = lingerNanos;
    this.table = tableLoader.get();
    this.committer = new Thread(this::run, "iceberg-committer-" + name);
    this.committer.setDaemon(true);
    this.committer.start();
  }

  /**
   * Queues rows for the next commit; the future completes with the id of the snapshot holding them.
   * {@code batchId} (nullable) is recorded in that snapshot's summary (see {@link #batchIds}).
   */
  CompletableFuture<Long> append(String batchId, List<Record> rows) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(new IllegalStateException("The committer is closed"));
      return done;
    }
    if (rows.isEmpty()) {
      done.complete(null);
      return done;
    }
    queue.add(new Pending(batchId, rows, null, null, done));
    return done;
  }

  /**
   * {@link #append}, with the rows made by {@code rows} on the committer thread, so the caller goes on
   * with other work (the raw archive's text of a large batch is encoded while the request thread makes
   * the observation rows); a failure of {@code rows} fails only this future.
   */
  CompletableFuture<Long> appendLater(String batchId, Supplier<List<Record>> rows) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(new IllegalStateException("The committer is closed"));
      return done;
    }
    queue.add(new Pending(batchId, null, null, rows, done));
    return done;
  }

  /**
   * Runs {@code operation} on the committer thread, between appends, so this process never commits
   * to the table from two threads. The future completes with what the operation returns.
   */
  CompletableFuture<Long> exclusive(Function<Table, Long> operation) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(new IllegalStateException("The committer is closed"));
      return done;
    }
    queue.add(new Pending(null, List.of(), operation, null, done));
    return done;
  }

  private void run() {
    Pending carried = null;
    while (!closed) {
      List<Pending> group = new ArrayList<>();
      try {
        Pending first = carried != null ? carried : queue.poll(200, TimeUnit.MILLISECONDS);
        carried = null;
        if (first != null && first.operation() == null) {
          first = materialize(first);
        }
        if (first == null) {
          continue;
        }
        group.add(first);
        if (first.operation() != null) {
          table.refresh();
          first.done().complete(first.operation().apply(table));
          continue;
        }
        int rows = first.rows().size();
        long deadline = System.nanoTime() + lingerNanos;
        while (rows < MAX_ROWS_PER_COMMIT) {
          long left = deadline - System.nanoTime();
          Pending next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
          if (next == null) {
            break;
          }
          if (next.operation() != null) {
            carried = next; // runs alone, after this group
            break;
          }
          next = materialize(next);
          if (next == null) {
            continue;
          }
          group.add(next);
          rows += next.rows().size();
        }
        long started = System.nanoTime();
        long snapshotId;
        try {
          snapshotId = writeAndCommit(group, rows);
        } catch (RuntimeException | Error e) {
          StoreMetrics.commit(name, System.nanoTime() - started, false);
          throw e;
        }
        StoreMetrics.commit(name, System.nanoTime() - started, true);
        StoreMetrics.rowsCommitted(name, rows);
        group.forEach(p -> p.done().complete(snapshotId));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail(group, e);
        return;
      } catch (RuntimeException | Error e) {
        log.error("Commit of {} batches to {} failed", group.size(), table.name(), e);
        fail(group, e);
      }
    }
  }

  private long writeAndCommit(List<Pending> group, int rowCount) {
    List<Record> rows = new ArrayList<>(rowCount);
    group.forEach(p -> rows.addAll(p.rows()));
    String ids = encodeBatchIds(group.stream().map(Pending::batchId).filter(Objects::nonNull).toList());
    table.refresh();
    Snapshot base = table.currentSnapshot();
    long through = stampColumn == null ? 0 : stamp(group, highWater(table));
    rows.sort(order);
    DataFile file = write(rows);
    RuntimeException failure = null;
    int conflicts = 0;
    for (int attempt = 1; attempt <= COMMIT_ATTEMPTS; attempt++) {
      try {
        if (stampColumn == null) {
          commit(table.newAppend().scanManifestsWith(IcebergExecutors.CALLER_THREAD).appendFile(file), ids, 0);
        } else {
          // An overwrite that deletes nothing is an append (so recorded), but it can validate that no
          // other data landed since the stamps were chosen.
          var overwrite = table.newOverwrite().scanManifestsWith(IcebergExecutors.CALLER_THREAD).addFile(file)
              .conflictDetectionFilter(Expressions.alwaysTrue()).validateNoConflictingData();
          if (base != null) {
            overwrite.validateFromSnapshot(base.snapshotId());
          }
          commit(overwrite, ids, through);
        }
        return table.currentSnapshot().snapshotId();
      } catch (ValidationException e) {
        // Another process committed data since the stamps were chosen: keep the file if its stamps
        // are still above everything committed, else stamp and write it again.
        failure = e;
        StoreMetrics.conflict(name, "validation");
        if (++conflicts > VALIDATION_ATTEMPTS) {
          break;
        }
        attempt--;
        table.refresh();
        base = table.currentSnapshot();
        long committed = highWater(table);
        if (committed >= lowestStamp(group)) {
          log.info("Another process committed to {} first with later stamps; re-stamped {} batches", table.name(),
              group.size());
          table.io().deleteFile(file.location());
          through = stamp(group, committed);
          rows.sort(order);
          file = write(rows);
        }
      } catch (CommitFailedException e) {
        // Iceberg already retried against fresh metadata; another process kept winning. Back off.
        failure = e;
        StoreMetrics.conflict(name, "catalog");
        table = tableLoader.get();
        backOff(attempt);
      }
    }
    table.io().deleteFile(file.location());
    throw failure;
  }

  /** A pending append with its rows made; null when it needs no commit (no rows) or making them failed. */
  private static Pending materialize(Pending pending) {
    if (pending.deferred() == null) {
      return pending;
    }
    List<Record> rows;
    try {
      rows = pending.deferred().get();
    } catch (RuntimeException | Error e) {
      pending.done().completeExceptionally(e);
      return null;
    }
    if (rows.isEmpty()) {
      pending.done().complete(null);
      return null;
    }
    return new Pending(pending.batchId(), rows, null, null, pending.done());
  }

  private static void commit(SnapshotUpdate<?> update, String batchIds, long ingestedThrough) {
    if (!batchIds.isEmpty()) {
      update.set(BATCH_IDS, batchIds);
    }
    if (ingestedThrough > 0) {
      update.set(INGESTED_THROUGH, Long.toString(ingestedThrough));
    }
    update.commit();
  }

  /**
   * Stamps each batch's rows with one time, strictly increasing in queue order, above {@code floor}
   * and this committer's last stamp, and at least the clock; returns the highest stamp (epoch µs).
   */
  private long stamp(List<Pending> group, long floor) {
    long micros = Math.max(floor, lastStampMicros);
    for (Pending p : group) {
      micros = Math.max(micros + 1, nowMicros());
      OffsetDateTime time = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
          Math.floorMod(micros, 1_000_000L) * 1_000L).atOffset(ZoneOffset.UTC);
      for (Record row : p.rows()) {
        stampColumn.set(row, time);
      }
    }
    lastStampMicros = micros;
    return micros;
  }

  private long lowestStamp(List<Pending> group) {
    OffsetDateTime first = stampColumn.get(group.get(0).rows().get(0));
    return first.toEpochSecond() * 1_000_000L + first.getNano() / 1_000;
  }

  private static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  /**
   * The highest stamp committed to {@code table} as far as its retained snapshots tell (compactions
   * carry it forward), 0 when none does.
   */
  static long highWater(Table table) {
    long through = 0;
    for (Snapshot snapshot : table.snapshots()) {
      String value = snapshot.summary() == null ? null : snapshot.summary().get(INGESTED_THROUGH);
      if (value != null) {
        through = Math.max(through, Long.parseLong(value));
      }
    }
    return through;
  }

  /** The batch ids a snapshot's summary names (see {@value #BATCH_IDS}); empty when none. */
  static Set<String> batchIds(Snapshot snapshot) {
    String value = snapshot.summary() == null ? null : snapshot.summary().get(BATCH_IDS);
    if (value == null || value.isEmpty()) {
      return Set.of();
    }
    return Arrays.stream(value.split(",")).map(id -> URLDecoder.decode(id, StandardCharsets.UTF_8))
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  private static String encodeBatchIds(List<String> ids) {
    return ids.stream().map(id -> URLEncoder.encode(id, StandardCharsets.UTF_8)).collect(Collectors.joining(","));
  }

  /**
   * Writes rows (already sorted) as one data file of the table; the caller commits it. On the committer thread,
   * with the table as its last refresh left it: every commit and exclusive change refreshes first (a refresh
   * here was one more catalog query per commit), and a file needs only the table's schema and properties.
   */
  DataFile write(List<Record> rows) {
    return SortedFileWriter.write(table, rows, Long.MAX_VALUE).get(0);
  }

  private static void backOff(int attempt) {
    try {
      Thread.sleep(50L << attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void fail(List<Pending> group, Throwable cause) {
    group.forEach(p -> p.done().completeExceptionally(cause));
  }

  @Override
  public void close() {
    // The committer notices within one poll interval and finishes the group it is committing.
    closed = true;
    try {
      committer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Pending> left = new ArrayList<>();
    queue.drainTo(left);
    fail(left, new IllegalStateException("The committer was closed before this batch was committed"));
  }
}
