package io.almanac.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retraction of a batch against a real JDBC catalog: exactly its rows go, keys it had won read again as
 * the earlier write (from the table, or restored where compaction dropped it), copy-on-write, and a
 * race with another process's compaction and upload loses neither.
 *
 * <p>The earlier writes are found by a log of what the test wrote (as the crawler finds them in its
 * raw archive), and the expected histories are written out by hand.
 */
class BatchRetractionTest {

  private static final long GDP = 1;
  private static final long CPI = 2;
  private static final LocalDate Q1 = LocalDate.of(2024, 1, 1);
  private static final LocalDate Q2 = LocalDate.of(2024, 4, 1);
  private static final LocalDate Q3 = LocalDate.of(2024, 7, 1);
  private static final LocalDate Q4 = LocalDate.of(2024, 10, 1);
  private static final LocalDate MAY = LocalDate.of(2024, 5, 1);
  private static final LocalDate AUG = LocalDate.of(2024, 8, 1);
  private static final LocalDate SEP = LocalDate.of(2024, 9, 1);

  private EmbeddedCatalog catalog;
  private TimeseriesStore store;
  private TimeseriesWriter writer;
  private TimeseriesReader reader;
  private TableMaintenance maintenance;
  /** Every write the test made, in commit order: what the crawler's ledger and archive hold. */
  private final List<Write> log = new ArrayList<>();

  private record Write(String batchId, OffsetDateTime stamp, List<ObservationRow> rows) {}

  @BeforeEach
  void open() throws Exception {
    catalog = new EmbeddedCatalog();
    store = TimeseriesStore.open(catalog.settings(Duration.ZERO));
    writer = new TimeseriesWriter(store);
    reader = new TimeseriesReader(store);
    maintenance = maintenance(writer);
  }

  private TableMaintenance maintenance(TimeseriesWriter committer) {
    return new TableMaintenance(store, committer,
        new TableMaintenance.Settings(2, 2_000_000, 0.1, Duration.ZERO, Duration.ZERO, 2));
  }

  @AfterEach
  void close() throws Exception {
    writer.close();
    store.close();
    catalog.close();
  }

  private void write(TimeseriesWriter committer, String batchId, ObservationRow... rows) throws Exception {
    TimeseriesWriter.Appended appended = committer.appendBatch(batchId, List.of(rows)).get();
    log.add(new Write(batchId, appended.ingestedAt(), List.of(rows)));
  }

  private static ObservationRow row(long series, LocalDate date, LocalDate revision, String value) {
    return new ObservationRow(series, date, revision, new BigDecimal(value));
  }

  /** The test's model of the archive: the latest logged write of each key strictly between the need's stamps. */
  private final BatchRetraction.EarlierWrites fromLog = needs -> {
    Map<BatchRetraction.Key, BatchRetraction.EarlierWrite> found = new HashMap<>();
    for (BatchRetraction.Need need : needs) {
      for (Write write : log) {
        boolean between = write.stamp().isBefore(need.before())
            && (need.after() == null || write.stamp().isAfter(need.after()));
        for (ObservationRow row : write.rows()) {
          if (between && new BatchRetraction.Key(row.seriesId(), row.date(), row.revisionDate()).equals(need.key())) {
            found.put(need.key(), new BatchRetraction.EarlierWrite(row, write.batchId(), write.stamp()));
          }
        }
      }
    }
    return found;
  };

  /**
   * The load every test starts from. GDP: "first" publishes Q1..Q3 in May; "bad" overwrites Q1 and Q2
   * (same keys), adds Q4 (a new date) and an August vintage of Q3; "later" then overwrites the bad Q2.
   * CPI is written only by "first".
   */
  private void load() throws Exception {
    write(writer, "first", row(GDP, Q1, MAY, "1.1"), row(GDP, Q2, MAY, "1.2"), row(GDP, Q3, MAY, "1.3"),
        row(CPI, Q1, MAY, "300"));
    write(writer, "bad", row(GDP, Q1, MAY, "91.1"), row(GDP, Q2, MAY, "91.2"), row(GDP, Q4, MAY, "91.4"),
        row(GDP, Q3, AUG, "91.3"));
    write(writer, "later", row(GDP, Q2, MAY, "2.2"));
  }

  /** Every row of a series' history as "date@revision=value", sorted by the reader. */
  private String history(long series) {
    SeriesHistory h = reader.readHistories(List.of(series), reader.observationsSnapshot()).get(series);
    StringBuilder text = new StringBuilder();
    for (int row = 0; h != null && row < h.size(); row++) {
      text.append(h.date(row)).append('@').append(h.revisionDate(row)).append('=')
          .append(h.value(row).stripTrailingZeros().toPlainString()).append(' ');
    }
    return text.toString().trim();
  }

  /** (date@revision -> batch id, stamp) of every row of a series in the current snapshot, duplicates included. */
  private Map<String, List<String>> rows(long series) throws IOException {
    Table table = store.loadObservations();
    Map<String, List<String>> rows = new TreeMap<>();
    try (CloseableIterable<Record> all = IcebergGenerics.read(table).where(ObservationLayout.seriesIdEquals(series))
        .build()) {
      for (Record r : all) {
        if (ObservationLayout.SERIES_ID.get(r) == series) {
          rows.computeIfAbsent(ObservationLayout.DATE.get(r) + "@" + ObservationLayout.REVISION_DATE.get(r),
              k -> new ArrayList<>()).add(ObservationLayout.BATCH_ID.get(r) + " " + ObservationLayout.INGESTED_AT.get(r));
        }
      }
    }
    return rows;
  }

  private OffsetDateTime stampOf(String batchId) {
    return log.stream().filter(w -> w.batchId().equals(batchId)).findFirst().orElseThrow().stamp();
  }

  private void assertNoDeleteFiles() {
    Table table = store.loadObservations();
    Snapshot current = table.currentSnapshot();
    assertThat(current.summary().get("total-delete-files")).isEqualTo("0");
    assertThat(current.deleteManifests(table.io())).isEmpty();
    assertThat(table.properties()).containsEntry("write.delete.mode", "copy-on-write")
        .containsEntry("write.update.mode", "copy-on-write").containsEntry("write.merge.mode", "copy-on-write");
  }

  @Test
  void olderRowsStillInTheTableWinAgainAndNothingIsRestored() throws Exception {
    load();
    BatchRetraction.Result result = writer.retractBatch("bad", fromLog).get();

    // Bad's Q1 (it won), Q2 (superseded by "later"), Q4 (new date) and Q3's August vintage.
    assertThat(result.observationsRemoved()).isEqualTo(4);
    assertThat(result.keysRestored()).as("Q1@May reads as 'first' again").isEqualTo(1);
    assertThat(result.keysRestoredFromArchive()).isZero();
    assertThat(result.filesRewritten()).isEqualTo(1);
    assertThat(history(GDP)).isEqualTo("2024-01-01@2024-05-01=1.1 2024-04-01@2024-05-01=2.2 2024-07-01@2024-05-01=1.3");
    assertThat(history(CPI)).isEqualTo("2024-01-01@2024-05-01=300");
    assertNoDeleteFiles();
    assertThat(rows(GDP).values().stream().flatMap(List::stream)).noneMatch(r -> r.startsWith("bad "));
  }

  @Test
  void overwrittenRowsCompactedAwayAreRestoredFromTheArchiveWithTheirOriginalBatchAndStamp() throws Exception {
    load();
    maintenance.runUntilSettled();
    // Compaction kept one row per key: first's Q1 and Q2 and bad's Q2 are gone.
    assertThat(rows(GDP)).containsOnlyKeys("2024-01-01@2024-05-01", "2024-04-01@2024-05-01",
        "2024-07-01@2024-05-01", "2024-07-01@2024-08-01", "2024-10-01@2024-05-01");
    assertThat(rows(GDP).get("2024-01-01@2024-05-01")).containsExactly("bad " + stampOf("bad"));
    Snapshot before = store.loadObservations().currentSnapshot();

    BatchRetraction.Result result = writer.retractBatch("bad", fromLog).get();

    assertThat(result.observationsRemoved()).as("Q1, Q4 and Q3@Aug; its Q2 was compacted away").isEqualTo(3);
    assertThat(result.keysRestored()).isEqualTo(1);
    assertThat(result.keysRestoredFromArchive()).isEqualTo(1);
    assertThat(history(GDP)).isEqualTo("2024-01-01@2024-05-01=1.1 2024-04-01@2024-05-01=2.2 2024-07-01@2024-05-01=1.3");
    assertThat(history(CPI)).isEqualTo("2024-01-01@2024-05-01=300");
    assertThat(rows(GDP).get("2024-01-01@2024-05-01")).containsExactly("first " + stampOf("first"));
    assertNoDeleteFiles();
    Snapshot after = store.loadObservations().currentSnapshot();
    assertThat(after.parentId()).as("one commit").isEqualTo(before.snapshotId());
    assertThat(after.operation()).isEqualTo("overwrite");
    assertThat(after.summary()).containsEntry(BatchRetraction.RETRACTED_BATCH, "bad");
    // The reader's change feed names the series, so the financial subgraph's cache evicts it.
    assertThat(reader.observationsSnapshot()).isEqualTo(after.snapshotId());
    assertThat(reader.changedSeriesRanges(before.snapshotId(), after.snapshotId()).orElseThrow())
        .as("GDP's range only, not CPI's").containsExactly(new long[] {GDP, GDP});

    // Compaction afterwards changes nothing the reader sees, and a second retraction finds nothing.
    maintenance.runUntilSettled();
    assertThat(history(GDP)).isEqualTo("2024-01-01@2024-05-01=1.1 2024-04-01@2024-05-01=2.2 2024-07-01@2024-05-01=1.3");
    BatchRetraction.Result again = writer.retractBatch("bad", fromLog).get();
    assertThat(again).extracting(BatchRetraction.Result::observationsRemoved, BatchRetraction.Result::keysRestored)
        .containsExactly(0L, 0);
  }

  @Test
  void retractingTheBatchThatOverwroteAnotherRestoresThatOneAndAnUnknownBatchRemovesNothing() throws Exception {
    load();
    maintenance.runUntilSettled();
    BatchRetraction.Result result = writer.retractBatch("later", fromLog).get();
    // "later"'s Q2 is the winner: it goes, and bad's Q2 (compacted away, then bad was the earlier write) comes back.
    assertThat(result.observationsRemoved()).isEqualTo(1);
    assertThat(result.keysRestoredFromArchive()).isEqualTo(1);
    assertThat(history(GDP)).contains("2024-04-01@2024-05-01=91.2");
    assertThat(writer.retractBatch("never-written", fromLog).get().observationsRemoved()).isZero();
  }

  /** How a race test retracts "bad", given the finder that lets the other process in on its first call. */
  private interface Retraction {
    BatchRetraction.Result retract(BatchRetraction.EarlierWrites earlier) throws Exception;
  }

  @Test
  void aCompactionAndAnUploadByAnotherProcessBetweenPlanAndCommitMakeItPlanAgainAndLoseNothing() throws Exception {
    // Straight on the committer, without the prefetch: the finder is called between plan and commit,
    // so the other process's compaction replaces the very file the commit deletes.
    CoalescingAppender committer = writer.committerOf(TableKind.OBSERVATIONS);
    BatchRetraction.Result[] result = new BatchRetraction.Result[1];
    int calls = race(earlier -> {
      committer.exclusive(table -> {
        result[0] = BatchRetraction.run(table, "bad", earlier, committer);
        return result[0].snapshotId();
      }).get();
      return result[0];
    });
    assertThat(calls).as("planned again after losing the commit race").isEqualTo(2);
  }

  @Test
  void aCompactionAndAnUploadByAnotherProcessWhileTheArchiveIsReadAreSeenByTheCommittersPlan() throws Exception {
    // Through the writer: the other process commits while the prefetch's answer is being found; the
    // committer's plan sees new needs (Q1 lost its older row) and asks for them alone.
    int calls = race(earlier -> writer.retractBatch("bad", earlier).get());
    assertThat(calls).isEqualTo(2);
  }

  /** Returns how often the finder was called. */
  private int race(Retraction retraction) throws Exception {
    load();
    AtomicInteger calls = new AtomicInteger();
    // The other "process": its own committer on the same catalog.
    try (TimeseriesWriter other = new TimeseriesWriter(store)) {
      TableMaintenance otherMaintenance = maintenance(other);
      BatchRetraction.EarlierWrites interfering = needs -> {
        if (calls.incrementAndGet() == 1) {
          // The other process compacts the files the retraction rewrites (dropping first's Q1) and
          // uploads a newer Q3 vintage of August and a new date.
          try {
            otherMaintenance.runUntilSettled();
            write(other, "concurrent", row(GDP, Q3, AUG, "3.3"), row(GDP, Q4, SEP, "3.4"));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
        return fromLog.find(needs);
      };
      BatchRetraction.Result result = retraction.retract(interfering);
      assertThat(result.keysRestoredFromArchive()).as("Q1 was compacted away by the other process").isEqualTo(1);
      assertThat(result.observationsRemoved()).as("Q1, Q4@May, Q3@Aug").isEqualTo(3);
    }
    // Bad's August Q3 is gone but the concurrent one (written after it) stays; so does its Q4@Sep.
    assertThat(history(GDP)).isEqualTo("2024-01-01@2024-05-01=1.1 2024-04-01@2024-05-01=2.2 "
        + "2024-07-01@2024-05-01=1.3 2024-07-01@2024-08-01=3.3 2024-10-01@2024-09-01=3.4");
    assertNoDeleteFiles();
    // A compaction after all this keeps the same view: nothing of bad comes back.
    maintenance.runUntilSettled();
    assertThat(history(GDP)).isEqualTo("2024-01-01@2024-05-01=1.1 2024-04-01@2024-05-01=2.2 "
        + "2024-07-01@2024-05-01=1.3 2024-07-01@2024-08-01=3.3 2024-10-01@2024-09-01=3.4");
    assertThat(rows(GDP).values().stream().flatMap(List::stream)).noneMatch(r -> r.startsWith("bad "));
    return calls.get();
  }

  @Test
  void needsAskOnlyForKeysTheBatchHadWon() throws Exception {
    load();
    List<BatchRetraction.Need> asked = new ArrayList<>();
    writer.retractBatch("bad", needs -> {
      asked.addAll(needs);
      return fromLog.find(needs);
    }).get();
    // Q2 was superseded by "later": not asked. Q1 has first's row left; Q4 and Q3@Aug have none.
    Map<String, String> byKey = new TreeMap<>();
    for (BatchRetraction.Need need : asked) {
      byKey.put(need.key().date() + "@" + need.key().revisionDate(),
          (need.after() == null ? "none" : need.after().equals(stampOf("first")) ? "first" : "?") + " < bad="
              + need.before().equals(stampOf("bad")));
    }
    assertThat(byKey).containsExactly(Map.entry("2024-01-01@2024-05-01", "first < bad=true"),
        Map.entry("2024-07-01@2024-08-01", "none < bad=true"), Map.entry("2024-10-01@2024-05-01", "none < bad=true"));
  }
}
