package io.almanac.store;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;

/**
 * What retracting a 100,000-point batch costs on a table shaped like the benchmark's (4,000 series of
 * 2,520 business days, ~10M points, loaded in 100,000-point batches of whole series, compacted to
 * files of 2M rows). Prints figures; asserts nothing about time (a measurement, not a test):
 *
 * <pre>
 * mvn -B -o -q -pl timeseries-store test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.almanac.store.RetractionCost [-Dexec.args="4000"]
 * </pre>
 *
 * Two cases: (1) the bad batch is still its own file (as it stays until 10% more rows arrive in its
 * range): one file rewritten, every overwritten key still in the table; (2) compaction merged it into
 * the base files first (forced here with a rest-to-base ratio of 0.001), dropping the rows it
 * overwrote: each base file holding its rows is rewritten and every overwritten key is restored. The
 * earlier writes come from a model of the load (the crawler reads them from its raw archive: one
 * archived batch per 100,000-point load batch, not measured here).
 */
public final class RetractionCost {

  private static final int DAYS = 2_520;
  private static final int BATCH_POINTS = 100_000;
  private static final LocalDate START = LocalDate.of(2015, 1, 1);

  private RetractionCost() {}

  public static void main(String[] args) throws Exception {
    int seriesCount = args.length > 0 ? Integer.parseInt(args[0]) : 4_000;
    try (EmbeddedCatalog catalog = new EmbeddedCatalog();
        TimeseriesStore store = TimeseriesStore.open(catalog.settings(Duration.ofMillis(5)));
        TimeseriesWriter writer = new TimeseriesWriter(store)) {
      Map<String, OffsetDateTime> stamps = new HashMap<>();
      long started = System.nanoTime();
      List<ObservationRow> rows = new ArrayList<>(BATCH_POINTS);
      int batch = 0;
      for (long series = 1; series <= seriesCount; series++) {
        for (int day = 0; day < DAYS; day++) {
          rows.add(loaded(series, day));
          if (rows.size() == BATCH_POINTS) {
            stamps.put("load-" + batch, writer.appendBatch("load-" + batch, rows).get().ingestedAt());
            batch++;
            rows = new ArrayList<>(BATCH_POINTS);
          }
        }
      }
      if (!rows.isEmpty()) {
        stamps.put("load-" + batch, writer.appendBatch("load-" + batch, rows).get().ingestedAt());
      }
      long points = (long) seriesCount * DAYS;
      System.out.printf("loaded %,d points in %d batches: %.1f s%n", points, stamps.size(), seconds(started));
      started = System.nanoTime();
      new TableMaintenance(store, writer, new TableMaintenance.Settings(4, 2_000_000, 0.1, Duration.ZERO,
          Duration.ZERO, 2)).runUntilSettled();
      System.out.printf("compacted to %d files: %.1f s%n", files(store), seconds(started));

      // The earlier write of any key the bad batches overwrite: the load's point, with its batch and stamp.
      BatchRetraction.EarlierWrites fromLoad = needs -> {
        Map<BatchRetraction.Key, BatchRetraction.EarlierWrite> found = new HashMap<>();
        for (BatchRetraction.Need need : needs) {
          int day = (int) (need.key().date().toEpochDay() - START.toEpochDay());
          long index = (need.key().seriesId() - 1) * DAYS + day;
          String batchId = "load-" + index / BATCH_POINTS;
          OffsetDateTime stamp = stamps.get(batchId);
          if (stamp.isBefore(need.before()) && (need.after() == null || stamp.isAfter(need.after()))) {
            found.put(need.key(), new BatchRetraction.EarlierWrite(loaded(need.key().seriesId(), day), batchId, stamp));
          }
        }
        return found;
      };

      measure("bad batch still its own file", store, writer, "bad-1", seriesCount, fromLoad, null);
      measure("bad batch compacted into the base files", store, writer, "bad-2", seriesCount, fromLoad,
          new TableMaintenance(store, writer, new TableMaintenance.Settings(4, 2_000_000, 0.001, Duration.ZERO,
              Duration.ZERO, 2)));
    }
  }

  /** A bad batch of 100,000 points overwriting existing keys spread over every series, then its retraction. */
  private static void measure(String label, TimeseriesStore store, TimeseriesWriter writer, String batchId,
      int seriesCount, BatchRetraction.EarlierWrites earlier, TableMaintenance before) throws Exception {
    int perSeries = BATCH_POINTS / seriesCount;
    List<ObservationRow> bad = new ArrayList<>(BATCH_POINTS);
    for (long series = 1; series <= seriesCount; series++) {
      for (int i = 0; i < perSeries; i++) {
        int day = (int) ((long) i * DAYS / perSeries);
        ObservationRow original = loaded(series, day);
        bad.add(new ObservationRow(series, original.date(), original.revisionDate(), new BigDecimal("-999")));
      }
    }
    writer.appendBatch(batchId, bad).get();
    if (before != null) {
      before.runUntilSettled();
    }
    int filesBefore = files(store);
    long started = System.nanoTime();
    BatchRetraction.Result result = writer.retractBatch(batchId, earlier).get();
    double took = seconds(started);
    System.out.printf("%s: %,d rows removed, %,d keys restored (%,d from the archive), %d of %d files rewritten,"
        + " %.1f s%n", label, result.observationsRemoved(), result.keysRestored(), result.keysRestoredFromArchive(),
        result.filesRewritten(), filesBefore, took);
  }

  /** The load's point of a series and day index: business-day-like dates, revision 30 days later. */
  private static ObservationRow loaded(long series, int day) {
    LocalDate date = START.plusDays(day);
    return new ObservationRow(series, date, date.plusDays(30), BigDecimal.valueOf((series * 7919 + day) % 100_000, 2));
  }

  private static int files(TimeseriesStore store) {
    Table table = store.loadObservations();
    return TableMaintenance.dataFiles(table).size();
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }
}
