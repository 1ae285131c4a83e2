package io.almanac.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/**
 * The compaction policy played against whole workloads: files are modelled by the rows they hold per
 * series, merges are carried out as the table maintenance would (k-way merge, output cut between series
 * every {@code rowsPerFile} rows), and the rows rewritten are counted against the rows written.
 */
class CompactionSimulationTest {

  private static final int SERIES_ID = TimeseriesTables.OBSERVATIONS.findField("series_id").fieldId();
  private static final CompactionPlanner.Policy POLICY = new CompactionPlanner.Policy(4, 2_000_000, 0.1, 64);

  /** A table of simulated files: each file's rows per series id. */
  private static final class Table {
    private final AtomicInteger names = new AtomicInteger();
    final Map<DataFile, TreeMap<Long, Long>> files = new HashMap<>();
    long written;
    long rewritten;

    void add(TreeMap<Long, Long> rowsBySeries) {
      if (rowsBySeries.isEmpty()) {
        return;
      }
      long rows = rowsBySeries.values().stream().mapToLong(Long::longValue).sum();
      DataFile file = DataFiles.builder(PartitionSpec.unpartitioned())
          .withPath("/warehouse/s" + names.incrementAndGet() + ".parquet")
          .withFormat("parquet")
          .withFileSizeInBytes(rows * 9)
          .withMetrics(new Metrics(rows, null, null, null, null,
              Map.of(SERIES_ID, Conversions.toByteBuffer(Types.LongType.get(), rowsBySeries.firstKey())),
              Map.of(SERIES_ID, Conversions.toByteBuffer(Types.LongType.get(), rowsBySeries.lastKey()))))
          .build();
      files.put(file, rowsBySeries);
    }

    void commit(TreeMap<Long, Long> rowsBySeries) {
      written += rowsBySeries.values().stream().mapToLong(Long::longValue).sum();
      add(rowsBySeries);
    }

    /** One maintenance pass: plans on the current files and carries out every job. */
    int maintain(boolean quiet) {
      List<List<DataFile>> jobs = CompactionPlanner.planObservations(new ArrayList<>(files.keySet()), POLICY, quiet);
      for (List<DataFile> job : jobs) {
        TreeMap<Long, Long> merged = new TreeMap<>();
        for (DataFile f : job) {
          files.remove(f).forEach((id, rows) -> merged.merge(id, rows, Long::sum));
        }
        TreeMap<Long, Long> out = new TreeMap<>();
        long outRows = 0;
        for (Map.Entry<Long, Long> e : merged.entrySet()) {
          if (outRows >= POLICY.rowsPerFile()) {
            add(out);
            out = new TreeMap<>();
            outRows = 0;
          }
          out.put(e.getKey(), e.getValue());
          outRows += e.getValue();
          rewritten += e.getValue();
        }
        add(out);
      }
      return jobs.size();
    }

    void settle() {
      for (int pass = 0; pass < 50 && maintain(true) > 0; pass++) {
        // merges until the quiet plan is empty
      }
    }

    /** The most files any one series is spread over. */
    int maxFilesPerSeries() {
      Map<Long, Integer> count = new HashMap<>();
      files.values().forEach(m -> m.keySet().forEach(id -> count.merge(id, 1, Integer::sum)));
      return count.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    double amplification() {
      return (double) rewritten / written;
    }
  }

  /** The benchmark's load (W1): see {@link #loadInSeriesOrder}. */
  @Test
  void aLoadInSeriesOrderRewritesEachRowAboutOnce() {
    Table table = new Table();
    loadInSeriesOrder(table);
    double whileLoading = table.amplification();
    table.settle();
    System.out.printf("load in series order: rows rewritten %.2fx while loading, %.2fx after settling; %d files,"
        + " at most %d per series%n", whileLoading, table.amplification(), table.files.size(), table.maxFilesPerSeries());
    assertThat(table.maxFilesPerSeries()).isLessThanOrEqualTo(2);
    assertThat(table.amplification()).isLessThan(1.2);
  }

  /**
   * The benchmark's H1 over the loaded table: 10,000 uploads of 100 rows, each a new vintage of one of
   * 100 neighbouring series, four at a time, maintenance every 72 commits (5 s at 58 uploads/s).
   */
  @Test
  void smallRevisionsKeepTheTableSmallWhileBusyAndTwoFilesPerSeriesOnceQuiet() {
    Table table = new Table();
    loadInSeriesOrder(table);
    table.settle();
    long loaded = table.written;
    long rewrittenByLoad = table.rewritten;
    SplittableRandom random = new SplittableRandom(11);
    int mostFiles = 0;
    int commits = 0;
    for (int j = 0; j < 10_000; j += 4) {
      TreeMap<Long, Long> first = new TreeMap<>();
      TreeMap<Long, Long> second = new TreeMap<>();
      for (int k = j; k < j + 4; k++) {
        (random.nextInt(4) == 0 ? second : first).merge(2L + k % 100, 100L, Long::sum);
      }
      for (TreeMap<Long, Long> c : List.of(first, second)) {
        if (!c.isEmpty()) {
          table.commit(c);
          if (++commits % 72 == 0) {
            table.maintain(false);
            mostFiles = Math.max(mostFiles, table.files.size());
          }
        }
      }
    }
    table.settle();
    double perRevisedRow = (double) (table.rewritten - rewrittenByLoad) / (table.written - loaded);
    System.out.printf("small revisions: at most %d files while busy; %.1f rows rewritten per row written;"
        + " %d files, at most %d per series after settling%n", mostFiles, perRevisedRow, table.files.size(),
        table.maxFilesPerSeries());
    assertThat(mostFiles).isLessThanOrEqualTo(60);
    assertThat(table.maxFilesPerSeries()).isLessThanOrEqualTo(2);
  }

  /**
   * 4,000 series (the first of 100,000 rows, the others of 2,520) in id order, batches of 10,000 rows
   * cut wherever they fall (so neighbouring batches share a series), four clients whose batches land
   * in one or two commits, maintenance every 14 commits (5 s at 110k rows/s).
   */
  private static void loadInSeriesOrder(Table table) {
    SplittableRandom random = new SplittableRandom(7);
    long[] rowsOfSeries = new long[4_000];
    java.util.Arrays.fill(rowsOfSeries, 2_520);
    rowsOfSeries[0] = 100_000;
    List<TreeMap<Long, Long>> batches = new ArrayList<>();
    TreeMap<Long, Long> batch = new TreeMap<>();
    long inBatch = 0;
    for (int id = 0; id < rowsOfSeries.length; id++) {
      long left = rowsOfSeries[id];
      while (left > 0) {
        long take = Math.min(left, 10_000 - inBatch);
        batch.merge((long) id, take, Long::sum);
        inBatch += take;
        left -= take;
        if (inBatch == 10_000) {
          batches.add(batch);
          batch = new TreeMap<>();
          inBatch = 0;
        }
      }
    }
    batches.add(batch);
    int commits = 0;
    for (int i = 0; i < batches.size(); i += 4) {
      TreeMap<Long, Long> first = new TreeMap<>();
      TreeMap<Long, Long> second = new TreeMap<>();
      for (TreeMap<Long, Long> b : batches.subList(i, Math.min(batches.size(), i + 4))) {
        TreeMap<Long, Long> target = random.nextBoolean() ? first : second;
        b.forEach((id, rows) -> target.merge(id, rows, Long::sum));
      }
      for (TreeMap<Long, Long> c : List.of(first, second)) {
        if (!c.isEmpty()) {
          table.commit(c);
          if (++commits % 14 == 0) {
            table.maintain(false);
          }
        }
      }
    }
  }
}
