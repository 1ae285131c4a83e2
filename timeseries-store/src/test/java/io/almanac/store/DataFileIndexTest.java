package io.almanac.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The data files {@link DataFileIndex} lists for a snapshot are the ones Iceberg's own scan planning gives
 * (location, record count and series-id bounds), after appends, a compaction and a removal; a new snapshot
 * reads only the manifests it added.
 */
class DataFileIndexTest {

  private EmbeddedCatalog catalog;
  private TimeseriesStore store;
  private TimeseriesWriter writer;

  @BeforeEach
  void open() throws Exception {
    catalog = new EmbeddedCatalog();
    store = TimeseriesStore.open(catalog.settings(Duration.ZERO));
    writer = new TimeseriesWriter(store);
  }

  @AfterEach
  void close() throws Exception {
    writer.close();
    store.close();
    catalog.close();
  }

  /** What Iceberg's scan planning lists: location -> {record count, series-id low, series-id high}. */
  private static Map<String, List<Long>> planned(Table table, long snapshotId) throws IOException {
    Map<String, List<Long>> files = new HashMap<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshotId).includeColumnStats()
        .planFiles()) {
      for (FileScanTask task : tasks) {
        files.put(task.file().location(), describe(task.file()));
      }
    }
    return files;
  }

  private static Map<String, List<Long>> indexed(Table table, Snapshot snapshot) {
    Map<String, List<Long>> files = new HashMap<>();
    for (DataFile file : DataFileIndex.dataFiles(table, snapshot)) {
      assertThat(files.put(file.location(), describe(file))).as("listed once: " + file.location()).isNull();
    }
    return files;
  }

  private static List<Long> describe(DataFile file) {
    DataFileSpan span = DataFileSpan.of(file);
    return List.of(file.recordCount(), span.low(), span.high());
  }

  private void upload(String batch, long... seriesIds) throws Exception {
    List<ObservationRow> rows = new ArrayList<>();
    for (long id : seriesIds) {
      for (int day = 0; day < 20; day++) {
        rows.add(new ObservationRow(id, LocalDate.of(2020, 1, 1).plusDays(day), LocalDate.of(2021, 1, 1),
            BigDecimal.valueOf(id * 100 + day)));
      }
    }
    writer.appendObservations(batch, rows).get();
  }

  /** The current snapshot listed as scan planning lists it; returns that listing. */
  private Map<String, List<Long>> checkCurrent(Table table) throws IOException {
    table.refresh();
    Snapshot snapshot = table.currentSnapshot();
    Map<String, List<Long>> planned = planned(table, snapshot.snapshotId());
    assertThat(indexed(table, snapshot)).as("snapshot " + snapshot.snapshotId() + " (" + snapshot.operation() + ")")
        .isEqualTo(planned);
    return planned;
  }

  @Test
  void listsWhatScanPlanningListsAtEverySnapshot() throws Exception {
    Table table = store.observations();
    assertThat(DataFileIndex.dataFiles(table, null)).isEmpty();
    for (int batch = 0; batch < 6; batch++) {
      upload("b" + batch, batch + 1L, batch + 10L);
      assertThat(checkCurrent(table)).hasSize(batch + 1);
    }
    // A compaction (a replace) and a removal of series (an overwrite that deletes files) change the live set.
    new TableMaintenance(store, writer, new TableMaintenance.Settings(4, 2_000_000, 0.1, Duration.ZERO, Duration.ZERO,
        2)).run();
    assertThat(checkCurrent(table)).as("compacted").hasSizeLessThan(6);
    writer.deleteObservations(Set.of(3L)).get();
    checkCurrent(table);
    upload("after", 3L);
    checkCurrent(table);
  }

  @Test
  void aNewSnapshotReadsOnlyTheManifestsItAdded() throws Exception {
    Table table = store.observations();
    upload("first", 1L);
    upload("second", 2L);
    table.refresh();
    DataFileIndex.dataFiles(table, table.currentSnapshot());
    int before = DataFileIndex.cachedManifests();
    List<ManifestFile> known = table.currentSnapshot().dataManifests(table.io());

    upload("third", 3L);
    table.refresh();
    List<ManifestFile> now = table.currentSnapshot().dataManifests(table.io());
    long added = now.stream().filter(m -> known.stream().noneMatch(k -> k.path().equals(m.path()))).count();
    assertThat(added).as("the append wrote a manifest").isPositive();
    assertThat(indexed(table, table.currentSnapshot())).isEqualTo(planned(table, table.currentSnapshot().snapshotId()));
    assertThat(DataFileIndex.cachedManifests()).isEqualTo(Math.min(DataFileIndex.MAX_MANIFESTS, before + (int) added));
  }
}
