package io.almanac.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The writer and reader against a real JDBC catalog on PostgreSQL and Parquet files on disk. */
class TimeseriesStoreTest {

  private static EmbeddedCatalog catalog;
  private static TimeseriesStore store;
  private static TimeseriesWriter writer;
  private static TimeseriesReader reader;

  @BeforeAll
  static void open() throws Exception {
    catalog = new EmbeddedCatalog();
    store = TimeseriesStore.open(catalog.settings(Duration.ofMillis(20)));
    writer = new TimeseriesWriter(store);
    reader = new TimeseriesReader(store);
  }

  @AfterAll
  static void close() throws Exception {
    writer.close();
    store.close();
    catalog.close();
  }

  private static LocalDate d(String iso) {
    return LocalDate.parse(iso);
  }

  private static SeriesHistory history(long seriesId) {
    return reader.readHistories(List.of(seriesId), reader.observationsSnapshot()).get(seriesId);
  }

  @Test
  void reopeningFindsTheSameTables() throws Exception {
    try (TimeseriesStore again = TimeseriesStore.open(store.settings())) {
      assertThat(again.observations().schema().sameSchema(TimeseriesTables.OBSERVATIONS)).isTrue();
      assertThat(again.observations().sortOrder().fields()).hasSize(3);
    }
  }

  @Test
  void openingRestoresTheWriteRulesOtherEnginesFollow() throws Exception {
    Table table = store.loadObservations();
    assertThat(table.properties()).containsEntry("write.delete.mode", "copy-on-write")
        .containsEntry("write.update.mode", "copy-on-write").containsEntry("write.merge.mode", "copy-on-write")
        .containsEntry("write.distribution-mode", "range");
    // As an older Almanac left it, or someone by hand: merge-on-read and no distribution mode.
    table.updateProperties().set("write.delete.mode", "merge-on-read").set("write.merge.mode", "merge-on-read")
        .remove("write.distribution-mode").commit();
    try (TimeseriesStore again = TimeseriesStore.open(store.settings())) {
      assertThat(again.observations().properties()).containsEntry("write.delete.mode", "copy-on-write")
          .containsEntry("write.update.mode", "copy-on-write").containsEntry("write.merge.mode", "copy-on-write")
          .containsEntry("write.distribution-mode", "range")
          .containsEntry("write.parquet.row-group-size-bytes", String.valueOf(256 * 1024));
    }
  }

  @Test
  void theLayoutsPositionsAgreeWithTheTablesTheCatalogHolds() {
    // The catalog assigns field ids itself when it creates a table; the handles must still point at
    // the same ids, names and positions in the schemas it returns.
    TableLayoutsTest.assertHandlesCover(store.observations().schema(), ObservationLayout.COLUMNS);
    TableLayoutsTest.assertHandlesCover(store.series().schema(), SeriesLayout.COLUMNS);
    TableLayoutsTest.assertHandlesCover(store.rawBatches().schema(), RawBatchLayout.COLUMNS);
  }

  @Test
  void resentKeyReplacesTheValueAndNewRevisionAddsAVintage() throws Exception {
    long id = 101;
    writer.appendObservations("b1", List.of(
        new ObservationRow(id, d("2024-01-01"), d("2024-02-01"), new BigDecimal("1.5")),
        new ObservationRow(id, d("2024-02-01"), d("2024-03-01"), new BigDecimal("2.5")))).get();
    writer.appendObservations("b2", List.of(
        new ObservationRow(id, d("2024-01-01"), d("2024-02-01"), new BigDecimal("1.75")))).get();
    writer.appendObservations("b3", List.of(
        new ObservationRow(id, d("2024-01-01"), d("2024-03-01"), new BigDecimal("1.8")))).get();

    SeriesHistory h = history(id);
    assertThat(h.size()).isEqualTo(3);
    int[] latest = h.view(null, null, null);
    assertThat(latest).hasSize(2);
    assertThat(h.value(latest[0])).isEqualByComparingTo("1.8");
    int[] asOf = h.view(d("2024-02-15"), null, null);
    assertThat(asOf).hasSize(1);
    assertThat(h.value(asOf[0]).toPlainString()).isEqualTo("1.75");
    assertThat(h.vintages(null, null)).containsExactly(d("2024-02-01"), d("2024-03-01"));
  }

  @Test
  void readsOnlyTheRequestedSeriesAndMissingValuesStayNull() throws Exception {
    writer.appendObservations("m", List.of(
        new ObservationRow(201, d("2020-01-01"), d("2020-01-02"), null),
        new ObservationRow(202, d("2020-01-01"), d("2020-01-02"), new BigDecimal("-0.0000000001")),
        new ObservationRow(203, d("2020-01-01"), d("2020-01-02"), new BigDecimal("12345678901234567890.5")))).get();
    Map<Long, SeriesHistory> read = reader.readHistories(List.of(201L, 203L, 999L), reader.observationsSnapshot());
    assertThat(read.get(201L).size()).isEqualTo(1);
    assertThat(read.get(201L).value(0)).isNull();
    assertThat(read.get(203L).value(0).toPlainString()).isEqualTo("12345678901234567890.5");
    assertThat(read.get(999L).isEmpty()).isTrue();
    assertThat(read).doesNotContainKey(202L);
    assertThat(history(202).value(0).toPlainString()).isEqualTo("-0.0000000001");
  }

  @Test
  void changedSeriesRangesCoverExactlyTheSeriesAppendedBetweenTwoSnapshots() throws Exception {
    writer.appendObservations("before", List.of(
        new ObservationRow(9_401, d("2021-01-01"), d("2021-01-02"), BigDecimal.ONE))).get();
    long from = reader.observationsSnapshot();
    writer.appendObservations("after", List.of(
        new ObservationRow(9_402, d("2021-01-01"), d("2021-01-02"), BigDecimal.TEN))).get();
    long to = reader.observationsSnapshot();
    List<long[]> ranges = reader.changedSeriesRanges(from, to).orElseThrow();
    assertThat(ranges).singleElement().satisfies(r -> assertThat(r).containsExactly(9_402, 9_402));
    assertThat(reader.changedSeriesRanges(to, to).orElseThrow()).isEmpty();
  }

  @Test
  void changedSeriesRangesCannotTellWhenSnapshotExpiryDeletedAManifestListOnTheWay() throws Exception {
    writer.appendObservations("expiry-from", List.of(
        new ObservationRow(9_501, d("2021-01-01"), d("2021-01-02"), BigDecimal.ONE))).get();
    long from = reader.observationsSnapshot();
    writer.appendObservations("expiry-mid", List.of(
        new ObservationRow(9_502, d("2021-01-01"), d("2021-01-02"), BigDecimal.ONE))).get();
    long mid = reader.observationsSnapshot();
    writer.appendObservations("expiry-to", List.of(
        new ObservationRow(9_503, d("2021-01-01"), d("2021-01-02"), BigDecimal.ONE))).get();
    long to = reader.observationsSnapshot();
    // What another process's expiry does between this reader's refresh and its walk over the history.
    Files.delete(Path.of(URI.create(store.observations().snapshot(mid).manifestListLocation())));
    assertThat(reader.changedSeriesRanges(from, to)).isEmpty();
    assertThat(reader.changedSeriesRanges(mid, to).orElseThrow()).singleElement()
        .satisfies(r -> assertThat(r).containsExactly(9_503, 9_503));
  }

  @Test
  void aSeriesInTheMiddleOfAFileOfManyRowGroupsIsReadWhole() throws Exception {
    // 120k rows sorted by series: a file of several 256 KiB row groups, series spanning their edges.
    List<ObservationRow> rows = new ArrayList<>();
    for (long series = 500; series < 540; series++) {
      for (int day = 0; day < 3_000; day++) {
        BigDecimal value = day % 97 == 0 ? null : BigDecimal.valueOf(series * 1_000_000 + day, 2);
        rows.add(new ObservationRow(series, LocalDate.of(2000, 1, 1).plusDays(day), LocalDate.of(2020, 1, 1), value));
      }
    }
    writer.appendObservations("many", rows).get();
    Map<Long, SeriesHistory> read = reader.readHistories(List.of(500L, 517L, 539L), reader.observationsSnapshot());
    for (long series : List.of(500L, 517L, 539L)) {
      SeriesHistory h = read.get(series);
      assertThat(h.size()).isEqualTo(3_000);
      assertThat(h.value(0)).isNull();
      assertThat(h.value(1)).isEqualByComparingTo(BigDecimal.valueOf(series * 1_000_000 + 1, 2));
      assertThat(h.value(2_999)).isEqualByComparingTo(BigDecimal.valueOf(series * 1_000_000 + 2_999, 2));
      assertThat(h.date(2_999)).isEqualTo(LocalDate.of(2000, 1, 1).plusDays(2_999));
    }
  }

  @Test
  void concurrentBatchesAreAllCommittedWithoutDeleteFiles() throws Exception {
    Table table = store.observations();
    table.refresh();
    long snapshotsBefore = countSnapshots(table);
    List<CompletableFuture<Long>> commits = new ArrayList<>();
    for (int b = 0; b < 20; b++) {
      List<ObservationRow> rows = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        rows.add(new ObservationRow(300 + b, d("2000-01-01").plusDays(i), d("2000-06-01"), BigDecimal.valueOf(i)));
      }
      commits.add(writer.appendObservations("c" + b, rows));
    }
    CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new)).get();
    table.refresh();
    Snapshot current = table.currentSnapshot();
    assertThat(current.summary().get("total-delete-files")).isEqualTo("0");
    // Coalescing can only merge commits, never add any.
    assertThat(countSnapshots(table) - snapshotsBefore).isBetween(1L, 20L);
    for (int b = 0; b < 20; b++) {
      assertThat(history(300 + b).size()).isEqualTo(100);
    }
  }

  @Test
  void valuesBeyondTheStoredScaleAreRefused() {
    assertThat(TimeseriesWriter.fitsStoredScale(new BigDecimal("1.0123456789"))).isTrue();
    assertThat(TimeseriesWriter.fitsStoredScale(new BigDecimal("1.01234567891"))).isFalse();
    assertThat(TimeseriesWriter.fitsStoredScale(new BigDecimal("1E+28"))).isFalse();
    assertThatThrownBy(() -> writer.appendObservations("x", List.of(
        new ObservationRow(1, d("2020-01-01"), d("2020-01-01"), new BigDecimal("0.00000000001")))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
  }

  @Test
  void rawBatchesAreKeptAsReceived() throws Exception {
    OffsetDateTime received = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    writer.archive(new RawBatch("raw-1", received, "run-9", true, "REJECTED", List.of(
        new RawPoint(0, "5", null, null, "2024-13-01", "1.0", null, "INVALID_DATE", "bad month"),
        new RawPoint(1, null, "fred", "GDP", "2024-01-01", "NaN", "2024-02-01", "NON_FINITE_VALUE", "NaN")))).get();
    writer.archive(new RawBatch("raw-empty", received, null, false, "REJECTED", List.of())).get();

    RawBatch back = reader.readRawBatch("raw-1", received).orElseThrow();
    assertThat(back.runId()).isEqualTo("run-9");
    assertThat(back.atomic()).isTrue();
    assertThat(back.points()).extracting(RawPoint::date).containsExactly("2024-13-01", "2024-01-01");
    assertThat(back.points()).extracting(RawPoint::errorCode).containsExactly("INVALID_DATE", "NON_FINITE_VALUE");
    assertThat(reader.readRawBatch("raw-empty", received).orElseThrow().points()).isEmpty();
    assertThat(reader.readRawBatch("never-sent", received)).isEmpty();
  }

  /**
   * A batch made on the archive's committer thread is kept like one handed over made; a batch that fails to
   * be made fails its own future only, and the committer goes on with the next.
   */
  @Test
  void rawBatchesMadeOnTheCommitterAreKeptAndAFailedOneFailsAlone() throws Exception {
    OffsetDateTime received = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    CompletableFuture<Long> failed = writer.archive("raw-fails", () -> {
      throw new IllegalStateException("no batch");
    });
    CompletableFuture<Long> kept = writer.archive("raw-later", () -> new RawBatch("raw-later", received, null, false,
        "COMMITTED", List.of(new RawPoint(0, "7", null, null, "2024-01-31", "2.5", null, null, null))));
    assertThat(kept.get()).isNotNull();
    assertThatThrownBy(failed::get).hasRootCauseMessage("no batch");
    RawBatch back = reader.readRawBatch("raw-later", received).orElseThrow();
    assertThat(back.status()).isEqualTo("COMMITTED");
    assertThat(back.points()).containsExactly(new RawPoint(0, "7", null, null, "2024-01-31", "2.5", null, null, null));
    assertThat(reader.readRawBatch("raw-fails", received)).isEmpty();
  }

  @Test
  void seriesVersionsResolveToTheLatest() throws Exception {
    OffsetDateTime t0 = OffsetDateTime.parse("2024-01-01T00:00:00Z");
    writer.upsertSeries(List.of(
        new SeriesRecord(1, "p1", "GDP", "Old title", null, "Bil. $", "QUARTERLY", "SAAR", true, t0))).get();
    writer.upsertSeries(List.of(
        new SeriesRecord(1, "p1", "GDP", "Gross Domestic Product", null, "Bil. $", "QUARTERLY", "SAAR", true,
            t0.plusDays(1)),
        new SeriesRecord(2, "p1", "CPI", "Consumer Prices", null, "Index", "MONTHLY", null, false, t0))).get();
    Map<Long, SeriesRecord> series = reader.readSeries(reader.seriesSnapshot());
    assertThat(series.get(1L).title()).isEqualTo("Gross Domestic Product");
    assertThat(series.get(2L).active()).isFalse();
  }

  @Test
  void deletingASeriesRewritesItsFilesWithoutDeleteFiles() throws Exception {
    writer.appendObservations("d", List.of(
        new ObservationRow(501, d("2021-01-01"), d("2021-01-02"), BigDecimal.ONE),
        new ObservationRow(501, d("2021-01-02"), d("2021-01-03"), BigDecimal.TEN),
        new ObservationRow(502, d("2021-01-01"), d("2021-01-02"), new BigDecimal("2.5")))).get();
    assertThat(writer.deleteObservations(java.util.Set.of(501L)).get()).isEqualTo(2);
    assertThat(history(501).isEmpty()).isTrue();
    assertThat(history(502).value(0).toPlainString()).isEqualTo("2.5");
    Table table = store.observations();
    table.refresh();
    assertThat(table.currentSnapshot().summary().get("total-delete-files")).isEqualTo("0");
    assertThat(writer.deleteObservations(java.util.Set.of(501L)).get()).isZero();
  }

  private static long countSnapshots(Table table) {
    long n = 0;
    for (Snapshot ignored : table.snapshots()) {
      n++;
    }
    return n;
  }
}
