package io.almanac.store;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single committer of one table in this process. Callers hand over rows and get a future that
 * completes with the snapshot id once those rows are committed; batches arriving within the linger
 * window share one sorted data file and one commit, so many small uploads don't become many small
 * files and many catalog round trips.
 */
final class CoalescingAppender implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(CoalescingAppender.class);
  private static final int COMMIT_ATTEMPTS = 5;
  /** Upper bound of rows per commit, so one commit's sort buffer stays bounded in memory. */
  private static final int MAX_ROWS_PER_COMMIT = 2_000_000;

  /** Rows to append, or (with {@code operation} set) a change that must run alone on the committer. */
  private record Pending(List<Record> rows, Function<Table, Long> operation, CompletableFuture<Long> done) {}

  private final Supplier<Table> tableLoader;
  private final Comparator<Record> order;
  private final long lingerNanos;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread committer;
  private volatile boolean closed;
  private Table table;

  CoalescingAppender(String name, Supplier<Table> tableLoader, Comparator<Record> order, long lingerNanos) {
    this.tableLoader = tableLoader;
    this.order = order;
    this.lingerNanos = lingerNanos;
    this.table = tableLoader.get();
    this.committer = new Thread(this::run, "iceberg-committer-" + name);
    this.committer.setDaemon(true);
    this.committer.start();
  }

  /** Queues rows for the next commit; the future completes with the id of the snapshot holding them. */
  CompletableFuture<Long> append(List<Record> rows) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(new IllegalStateException("The committer is closed"));
      return done;
    }
    if (rows.isEmpty()) {
      done.complete(null);
      return done;
    }
    queue.add(new Pending(rows, null, done));
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
    queue.add(new Pending(List.of(), operation, done));
    return done;
  }

  private void run() {
    Pending carried = null;
    while (!closed) {
      List<Pending> group = new ArrayList<>();
      try {
        Pending first = carried != null ? carried : queue.poll(200, TimeUnit.MILLISECONDS);
        carried = null;
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
          group.add(next);
          rows += next.rows().size();
        }
        long snapshotId = writeAndCommit(group, rows);
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
    rows.sort(order);
    DataFile file = write(rows);
    CommitFailedException conflict = null;
    for (int attempt = 1; attempt <= COMMIT_ATTEMPTS; attempt++) {
      try {
        table.newAppend().scanManifestsWith(IcebergExecutors.CALLER_THREAD).appendFile(file).commit();
        return table.currentSnapshot().snapshotId();
      } catch (CommitFailedException e) {
        // Iceberg already retried against fresh metadata; another process kept winning. Back off.
        conflict = e;
        table = tableLoader.get();
        backOff(attempt);
      }
    }
    table.io().deleteFile(file.location());
    throw conflict;
  }

  /** Writes rows (already sorted) as one data file of the table; the caller commits it. */
  DataFile write(List<Record> rows) {
    table.refresh();
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
