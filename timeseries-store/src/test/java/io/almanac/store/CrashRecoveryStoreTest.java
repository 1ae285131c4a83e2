package io.almanac.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What crash recovery and concurrent writers rely on in the store, against a real JDBC catalog: commits
 * name their batches, two writers on one catalog stamp rows in commit order, expiry keeps the
 * snapshots asked for, and orphan files are deleted only when older than the orphan age.
 */
class CrashRecoveryStoreTest {

  private static final LocalDate DAY = LocalDate.of(2024, 1, 1);

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

  private static RawBatch raw(String id) {
    return new RawBatch(id, OffsetDateTime.now(ZoneOffset.UTC), null, false, "COMMITTED", List.of());
  }

  private static List<ObservationRow> rows(long seriesId, int days, long value) {
    List<ObservationRow> rows = new ArrayList<>();
    for (int d = 0; d < days; d++) {
      rows.add(new ObservationRow(seriesId, DAY.plusDays(d), DAY.plusDays(d), BigDecimal.valueOf(value + d)));
    }
    return rows;
  }

  @Test
  void tablesHoldingNamesTheTablesWhoseCommitsCarryTheBatch() throws Exception {
    String odd = "a,b%2C c/é"; // separators and escapes of the summary encoding in the id itself
    writer.archive(raw("archived-only")).get();
    CompletableFuture.allOf(writer.archive(raw(odd)), writer.appendObservations(odd, rows(1, 3, 10))).get();

    assertThat(writer.tablesHolding("archived-only")).containsExactly(TableKind.RAW_BATCHES);
    assertThat(writer.tablesHolding(odd)).containsExactlyInAnyOrder(TableKind.RAW_BATCHES, TableKind.OBSERVATIONS);
    assertThat(writer.tablesHolding("a")).isEmpty();
    assertThat(writer.tablesHolding("never-sent")).isEmpty();
  }

  @Test
  void twoWritersOnOneCatalogStampRowsInCommitOrderAndTheLastCommitWins() throws Exception {
    // A second store and writer on the same catalog: another process, as far as Iceberg can tell.
    try (TimeseriesStore otherStore = TimeseriesStore.open(catalog.settings(Duration.ZERO));
        TimeseriesWriter other = new TimeseriesWriter(otherStore)) {
      List<CompletableFuture<Long>> commits = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        // Both write the same 50 keys, concurrently: their commits conflict.
        commits.add(writer.appendObservations("w1-" + i, rows(7, 50, 1_000_000L * i)));
        commits.add(other.appendObservations("w2-" + i, rows(7, 50, 1_000_000L * i + 500_000)));
      }
      CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new)).get();
    }
    Table table = store.loadObservations();
    Map<String, Long> sequence = new HashMap<>();
    for (Snapshot s : table.snapshots()) {
      for (String id : CoalescingAppender.batchIds(s)) {
        assertThat(sequence.put(id, s.sequenceNumber())).as("one commit of " + id).isNull();
      }
    }
    assertThat(sequence).hasSize(60);
    Map<String, Long> stamps = new HashMap<>();
    Map<LocalDate, Record> winners = new HashMap<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record r : records) {
        String batch = ObservationLayout.BATCH_ID.get(r);
        OffsetDateTime at = ObservationLayout.INGESTED_AT.get(r);
        stamps.put(batch, at.toEpochSecond() * 1_000_000L + at.getNano() / 1_000);
        winners.merge(ObservationLayout.DATE.get(r), r,
            (a, b) -> ObservationLayout.INGESTED_AT.get(a).isAfter(ObservationLayout.INGESTED_AT.get(b)) ? a : b);
      }
    }
    List<String> byCommit = new ArrayList<>(sequence.keySet());
    // Batches sharing one commit are stamped in queue order within it.
    byCommit.sort(java.util.Comparator.comparing((String id) -> sequence.get(id)).thenComparing(stamps::get));
    for (int i = 1; i < byCommit.size(); i++) {
      assertThat(stamps.get(byCommit.get(i))).as(byCommit.get(i) + " stamped after " + byCommit.get(i - 1))
          .isGreaterThan(stamps.get(byCommit.get(i - 1)));
    }
    String last = byCommit.get(byCommit.size() - 1);
    winners.values().forEach(r -> assertThat(ObservationLayout.BATCH_ID.get(r)).isEqualTo(last));
  }

  @Test
  void expiryKeepsTheSnapshotsSinceTheInstantItIsGiven() throws Exception {
    for (int i = 0; i < 3; i++) {
      writer.archive(raw("old-" + i)).get();
    }
    Instant keepSince = Instant.now();
    for (int i = 0; i < 3; i++) {
      writer.archive(raw("new-" + i)).get();
    }
    TableMaintenance keeping = new TableMaintenance(store, writer,
        new TableMaintenance.Settings(64, 2_000_000, 0.1, Duration.ZERO, Duration.ZERO, 1),
        () -> Optional.of(keepSince));
    keeping.run();
    for (int i = 0; i < 3; i++) {
      assertThat(writer.tablesHolding("new-" + i)).as("new-" + i).containsExactly(TableKind.RAW_BATCHES);
    }
    // Without the floor, retention zero and one snapshot kept: only the last commit's summary is left.
    new TableMaintenance(store, writer,
        new TableMaintenance.Settings(64, 2_000_000, 0.1, Duration.ZERO, Duration.ZERO, 1)).run();
    assertThat(writer.tablesHolding("new-0")).isEmpty();
    assertThat(writer.tablesHolding("new-2")).containsExactly(TableKind.RAW_BATCHES);
  }

  @Test
  void orphanFilesOlderThanTheAgeAreDeletedYoungerOnesAndReferencedOnesKept() throws Exception {
    writer.appendObservations("b1", rows(3, 20, 5)).get();
    writer.appendObservations("b2", rows(4, 20, 6)).get();
    Table table = store.loadObservations();
    Path data = LocalFileIO.path(table.location()).resolve("data");
    Path oldOrphan = stray(data.resolve("00000-0-killed-before-commit.parquet"), Duration.ofHours(2));
    Path oldMetadata = stray(LocalFileIO.path(table.location()).resolve("metadata/99999-lost.metadata.json"),
        Duration.ofHours(2));
    Path youngOrphan = stray(data.resolve("00000-0-being-written.parquet"), Duration.ofMinutes(10));
    Path oldChecksumOfReferenced = null;
    List<Path> referenced = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        Path file = LocalFileIO.path(task.file().location());
        referenced.add(file);
        // Files only older than the age and referenced: must stay.
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofHours(3))));
        oldChecksumOfReferenced = stray(file.resolveSibling("." + file.getFileName() + ".crc"), Duration.ofHours(3));
      }
    }

    TableMaintenance maintenance = new TableMaintenance(store, writer,
        new TableMaintenance.Settings(64, 2_000_000, 0.1, Duration.ofDays(1), Duration.ofDays(1), 50,
            Duration.ofHours(1)));
    List<TableMaintenance.Report> reports = maintenance.run();

    assertThat(oldOrphan).doesNotExist();
    assertThat(oldMetadata).doesNotExist();
    assertThat(youngOrphan).exists();
    assertThat(oldChecksumOfReferenced).exists();
    referenced.forEach(f -> assertThat(f).exists());
    assertThat(reports.get(0).orphansDeleted()).isEqualTo(2);
    table.refresh();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      int n = 0;
      for (Record ignored : records) {
        n++;
      }
      assertThat(n).isEqualTo(40);
    }
    assertThat(LocalFileIO.path(table.location())).isDirectory();
    Set<String> stillThere = TableMaintenance.reachableFiles(table);
    assertThat(stillThere).isNotEmpty();
  }

  private static Path stray(Path file, Duration age) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(new byte[] {1, 2, 3});
    }
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
    return file;
  }
}
