package io.almanac.bench;

import io.almanac.local.LocalStack;
import io.almanac.store.ObservationLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;

/**
 * H1: many small batches (100 points each, 4 concurrent clients, each a new vintage of 100 dates of
 * one of 100 "hot" series), then whatever maintenance Almanac runs by itself, then: how many data and
 * delete files a one-series read plans, how many snapshots the table keeps, how big its metadata is.
 * The Iceberg table is opened read-only ({@link AlmanacTables}).
 */
final class H1 {

  static final int POINTS = 100;
  static final int HOT_SERIES = 100;
  static final int MAX_SNAPSHOTS = 100;
  static final long MAX_METADATA_BYTES = 64L << 20;

  private final Http http;
  private final LocalStack stack;
  private final Dataset dataset;
  private final String[] ids;
  private final ExecutorService clients;
  private final Bench.Options options;
  private final List<String> notes = new ArrayList<>();

  H1(Http http, LocalStack stack, Dataset dataset, String[] ids, ExecutorService clients, Bench.Options options) {
    this.http = http;
    this.stack = stack;
    this.dataset = dataset;
    this.ids = ids;
    this.clients = clients;
    this.options = options;
  }

  List<String> notes() {
    return notes;
  }

  Row run(Path runDir) {
    List<Integer> daily = dataset.dailyIndices();
    List<Integer> hot = daily.subList(0, Math.min(HOT_SERIES, daily.size()));
    int wanted = options.h1Batches();
    long deadline = System.nanoTime() + options.h1MaxTime().toNanos();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicLong busyNanos = new AtomicLong();
    URI crawler = stack.crawler();
    Bench.log("H1: " + wanted + " batches of " + POINTS + " points (4 clients, at most "
        + options.h1MaxTime().toSeconds() + " s) ...");
    long start = System.nanoTime();
    List<Future<?>> workers = new ArrayList<>();
    for (int c = 0; c < Bench.CLIENTS; c++) {
      workers.add(clients.submit(() -> {
        for (int j = next.getAndIncrement(); j < wanted && System.nanoTime() < deadline; j = next.getAndIncrement()) {
          byte[] body = smallBatch(j, hot);
          Http.Response r = http.graphql(crawler, body);
          String status = r.data(crawler).path("bulkUpsertDataPoints").path("status").asString();
          if (!"COMMITTED".equals(status)) {
            throw new IllegalStateException("H1 batch " + j + " not committed: " + r.text());
          }
          busyNanos.addAndGet(r.nanos());
          done.incrementAndGet();
        }
        return null;
      }));
    }
    workers.forEach(Bench::get);
    double seconds = (System.nanoTime() - start) / 1e9;
    Bench.log(String.format("  %d batches in %.1f s (%.0f batches/s)", done.get(), seconds, done.get() / seconds));

    int target = hot.get(0);
    long seriesId = Long.parseLong(ids[target]);
    try (AlmanacTables tables = new AlmanacTables(stack, runDir)) {
      Table table = tables.observations();
      long waitStart = System.nanoTime();
      long waitUntil = waitStart + options.h1MaintenanceWait().toNanos();
      Inspection inspection;
      while (true) {
        table.refresh();
        inspection = inspect(table, seriesId);
        // Maintenance has up to the wait for every criterion, snapshot expiry included (it runs every
        // almanac.maintenance.interval, after compaction): stopping at the first look that met the files'
        // criterion judged the snapshots before expiry's next pass.
        if (settled(inspection) || System.nanoTime() > waitUntil) {
          break;
        }
        Bench.sleep(5_000);
      }
      boolean complete = done.get() == wanted;
      boolean pass = complete && settled(inspection);
      String retention = table.properties().entrySet().stream()
          .filter(e -> e.getKey().startsWith("history.expire") || e.getKey().startsWith("write.metadata"))
          .map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + ", " + b).orElse("none");
      double waited = (System.nanoTime() - waitStart) / 1e9;
      String note = String.format("%d of %d batches sent in %.0f s (%.0f batches/s, %s); then waited %.0f s (up to"
              + " %d) for maintenance. A read of series %s plans %d data files, %d delete files; table: %d data files,"
              + " %d snapshots, metadata %.1f MiB in %d files; table properties: %s",
          done.get(), wanted, seconds, done.get() / seconds, complete ? "all" : "stopped at the time cap", waited,
          options.h1MaintenanceWait().toSeconds(), ids[target], inspection.dataFiles, inspection.deleteFiles,
          inspection.tableDataFiles, inspection.snapshots, inspection.metadataBytes / 1048576.0,
          inspection.metadataFiles, retention);
      return new Row("H1", "after " + wanted + " small batches (100 points): files a one-series read touches",
          "files", inspection.dataFiles, inspection.deleteFiles, Double.NaN, Double.NaN, Double.NaN,
          "<= 2 data files, 0 delete files, <= " + MAX_SNAPSHOTS + " snapshots, metadata <= 64 MiB", pass, note,
          new double[0], new double[0]);
    }
  }

  private record Inspection(int dataFiles, int deleteFiles, int tableDataFiles, int snapshots, long metadataBytes,
      int metadataFiles) {}

  /** H1's criteria: a one-series read plans at most 2 data files and no delete file; snapshots and metadata bounded. */
  private static boolean settled(Inspection inspection) {
    return inspection.dataFiles <= 2 && inspection.deleteFiles == 0 && inspection.snapshots <= MAX_SNAPSHOTS
        && inspection.metadataBytes <= MAX_METADATA_BYTES;
  }

  private static Inspection inspect(Table table, long seriesId) {
    int files = 0;
    int deletes = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().filter(ObservationLayout.seriesIdEquals(seriesId))
        .planFiles()) {
      for (FileScanTask task : tasks) {
        files++;
        deletes += task.deletes().size();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int tableFiles = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask ignored : tasks) {
        tableFiles++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int snapshots = 0;
    for (var ignored : table.snapshots()) {
      snapshots++;
    }
    Path metadata = Path.of(URI.create(table.location().startsWith("file:") ? table.location()
        : "file://" + table.location())).resolve("metadata");
    long bytes = 0;
    int count = 0;
    // Files.list, not walk: the folder is flat, and walk reads each entry's attributes, which fails for a file
    // deleted after the listing.
    try (Stream<Path> paths = Files.list(metadata)) {
      for (Path p : paths.filter(Files::isRegularFile).toList()) {
        try {
          bytes += Files.size(p);
          count++;
        } catch (java.nio.file.NoSuchFileException removed) {
          // a metadata file maintenance deleted after the listing (write.metadata.delete-after-commit): gone
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Inspection(files, deletes, tableFiles, snapshots, bytes, count);
  }

  /** Batch j: hot series j % 100, vintage j / 100, 100 consecutive business days. */
  private byte[] smallBatch(int j, List<Integer> hot) {
    int index = hot.get(j % hot.size());
    int round = j / hot.size();
    Dataset.SeriesPoints s = dataset.series(index);
    int offset = (round * POINTS) % Math.max(1, s.size() - POINTS);
    List<long[]> points = new ArrayList<>(POINTS);
    List<String> values = new ArrayList<>(POINTS);
    for (int i = offset; i < offset + POINTS && i < s.size(); i++) {
      points.add(new long[] {index, s.dates()[i]});
      values.add(s.values()[i] == null ? "1" : s.values()[i]);
    }
    return BatchIterator.body("h1-" + j, points, values, LocalDate.of(2025, 3, 1).plusDays(round), ids);
  }
}
