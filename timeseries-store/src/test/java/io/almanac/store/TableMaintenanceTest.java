package io.almanac.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Compaction and snapshot expiry against a real JDBC catalog (a fresh one per test), checking that reads do not change. */
class TableMaintenanceTest {

  private EmbeddedCatalog catalog;
  private TimeseriesStore store;
  private TimeseriesWriter writer;
  private TimeseriesReader reader;
  private TableMaintenance maintenance;

  @BeforeEach
  void open() throws Exception {
    catalog = new EmbeddedCatalog();
    store = TimeseriesStore.open(catalog.settings(Duration.ZERO));
    writer = new TimeseriesWriter(store);
    reader = new TimeseriesReader(store);
    maintenance = new TableMaintenance(store, writer,
        new TableMaintenance.Settings(4, 2_000_000, 0.1, Duration.ZERO, Duration.ZERO, 2));
  }

  @AfterEach
  void close() throws Exception {
    writer.close();
    store.close();
    catalog.close();
  }

  private Map<Long, SeriesHistory> read(List<Long> ids) {
    return reader.readHistories(ids, reader.observationsSnapshot());
  }

  private static String describe(SeriesHistory h) {
    StringBuilder text = new StringBuilder();
    for (int row = 0; row < h.size(); row++) {
      text.append(h.date(row)).append('@').append(h.revisionDate(row)).append('=').append(h.value(row)).append(';');
    }
    return text.toString();
  }

  @Test
  void smallOverlappingFilesBecomeOneSortedFileAndReadsDoNotChange() throws Exception {
    List<Long> ids = List.of(1L, 2L, 3L, 4L, 5L);
    LocalDate start = LocalDate.of(2020, 1, 1);
    for (int batch = 0; batch < 12; batch++) {
      List<ObservationRow> rows = new ArrayList<>();
      for (long id : ids) {
        for (int day = 0; day < 50; day++) {
          // Every third batch re-sends the same keys with new values: compaction must keep the last.
          int revision = batch % 3 == 0 ? 0 : batch;
          rows.add(new ObservationRow(id, start.plusDays(day), start.plusDays(100 + revision),
              BigDecimal.valueOf(batch * 1000L + day)));
        }
      }
      writer.appendObservations("m" + batch, rows).get();
    }
    Map<Long, SeriesHistory> before = read(ids);
    // Provenance: the batch of each key's winning row (the re-sent keys: the last re-send, batch 9).
    Map<TimeseriesReader.VintageKey, String> expectedBatches = new HashMap<>();
    for (int batch = 0; batch < 12; batch++) {
      for (int day = 0; day < 50; day++) {
        int revision = batch % 3 == 0 ? 0 : batch;
        expectedBatches.put(new TimeseriesReader.VintageKey(start.plusDays(day), start.plusDays(100 + revision)),
            "m" + batch);
      }
    }
    assertThat(reader.batchIdsOf(List.of(3L, 99L), reader.observationsSnapshot()))
        .isEqualTo(Map.of(3L, expectedBatches, 99L, Map.of()));
    Table table = store.observations();
    table.refresh();
    assertThat(TableMaintenance.dataFiles(table)).hasSize(12);
    assertThat(TableMaintenance.filesHolding(table, 3)).isEqualTo(12);

    List<TableMaintenance.Report> reports = maintenance.run();
    TableMaintenance.Report observations = reports.get(0);
    assertThat(observations.filesBefore()).isEqualTo(12);
    assertThat(observations.filesAfter()).isEqualTo(1);
    assertThat(observations.rowsRead()).isEqualTo(12 * 5 * 50);
    // Batches 0, 3, 6 and 9 wrote the same keys: three of those four copies are dropped.
    assertThat(observations.rowsWritten()).isEqualTo(12 * 5 * 50 - 3 * 5 * 50);

    table.refresh();
    assertThat(TableMaintenance.filesHolding(table, 3)).isEqualTo(1);
    assertThat(table.currentSnapshot().summary().get("total-delete-files")).isEqualTo("0");
    assertThat(count(table.snapshots())).isLessThanOrEqualTo(2);
    Map<Long, SeriesHistory> after = read(ids);
    for (long id : ids) {
      assertThat(describe(after.get(id))).isEqualTo(describe(before.get(id)));
    }
    // As of the revision all four re-sends share, the last of them (batch 9) is the value.
    SeriesHistory one = after.get(1L);
    assertThat(one.value(one.view(start.plusDays(100), null, null)[0])).isEqualByComparingTo("9000");
    assertThat(reader.batchIdsOf(List.of(3L), reader.observationsSnapshot()).get(3L)).isEqualTo(expectedBatches);
    assertThat(maintenance.run().get(0).rowsWritten()).as("nothing left to compact").isZero();
  }

  /**
   * Compaction moves rows in their Parquet encoding ({@link EncodedObservationFile}): every column of every
   * surviving row must come out as Iceberg's own reader saw it go in. The expected rows are computed from
   * the table before compaction, read with Iceberg's generic reader: of each key, the row with the
   * greatest stamp, in key order.
   */
  @Test
  void compactionKeepsEveryColumnOfTheWinningRowsExactly() throws Exception {
    LocalDate start = LocalDate.of(1969, 12, 25); // dates before and after the epoch
    BigDecimal[] values = {
        new BigDecimal("-0.0000000001"), BigDecimal.ZERO, new BigDecimal("922337203.6854775807"),
        new BigDecimal("922337203.6854775808"), // the first unscaled value beyond a long
        new BigDecimal("-9999999999999999999999999999.9999999999"), // the widest the column holds
        new BigDecimal("9999999999999999999999999999.9999999999"), null, new BigDecimal("-1.5")};
    for (int batch = 0; batch < 6; batch++) {
      List<ObservationRow> rows = new ArrayList<>();
      for (long id = 7; id <= 9; id++) {
        for (int day = 0; day < 40; day++) {
          // Batches overlap on their keys: even batches re-send revision 0, odd ones a revision of their own.
          int revision = batch % 2 == 0 ? 0 : batch;
          rows.add(new ObservationRow(id, start.plusDays(day), start.plusDays(60 + revision),
              values[(int) ((day + id + batch) % values.length)]));
        }
      }
      writer.appendObservations(batch == 5 ? null : "exact-" + batch, rows).get();
    }
    Table table = store.observations();
    table.refresh();
    Map<List<Object>, Record> winners = new TreeMap<>(Comparator.comparing((List<Object> key) -> (Long) key.get(0))
        .thenComparing(key -> (LocalDate) key.get(1)).thenComparing(key -> (LocalDate) key.get(2)));
    long before = 0;
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
      for (Record row : rows) {
        before++;
        List<Object> key = List.of(row.getField("series_id"), row.getField("date"), row.getField("revision_date"));
        winners.merge(key, row.copy(), (a, b) -> ((OffsetDateTime) a.getField("ingested_at"))
            .isAfter((OffsetDateTime) b.getField("ingested_at")) ? a : b);
      }
    }
    assertThat(before).isEqualTo(6 * 3 * 40);
    assertThat(TableMaintenance.dataFiles(table)).hasSize(6);

    assertThat(maintenance.runUntilSettled()).isPositive();
    table.refresh();
    assertThat(TableMaintenance.dataFiles(table)).hasSize(1);
    List<Record> after = new ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
      rows.forEach(row -> after.add(row.copy()));
    }
    assertThat(after).hasSize(winners.size()).hasSize(4 * 3 * 40);
    List<Record> expected = new ArrayList<>(winners.values());
    for (int i = 0; i < expected.size(); i++) {
      for (String column : List.of("series_id", "date", "revision_date", "value", "ingested_at", "batch_id")) {
        assertThat(after.get(i).getField(column)).as("row %d, %s", i, column)
            .isEqualTo(expected.get(i).getField(column));
      }
    }
    assertThat(after).extracting(row -> row.getField("batch_id")).contains("exact-4", (Object) null)
        .doesNotContain("exact-0", "exact-2"); // revision 0 was last re-sent by batch 4
    assertThat(after).extracting(row -> row.getField("value")).contains(values[4], values[5], values[3], null);
  }

  @Test
  void moreFilesThanTheFanInSettleToAtMostTwoFilesPerSeries() throws Exception {
    int batches = TableMaintenance.MAX_FAN_IN + 6;
    for (int batch = 0; batch < batches; batch++) {
      writer.appendObservations("f" + batch, List.of(new ObservationRow(1000 + batch % 7,
          LocalDate.of(2010, 1, 1).plusDays(batch), LocalDate.of(2011, 1, 1), BigDecimal.valueOf(batch)))).get();
    }
    assertThat(maintenance.runUntilSettled()).isBetween(2, 3);
    Table table = store.observations();
    table.refresh();
    assertThat(TableMaintenance.dataFiles(table)).hasSizeLessThanOrEqualTo(3);
    assertThat(TableMaintenance.filesHolding(table, 1003)).isLessThanOrEqualTo(2);
    assertThat(read(List.of(1003L)).get(1003L).size()).isEqualTo(batches / 7 + (batches % 7 > 3 ? 1 : 0));
  }

  @Test
  void compactedFilesSplitOnlyBetweenSeriesSoMaintenanceSettles() throws Exception {
    // Files of 600 rows and series of 250: a cut at exactly 600 rows would put one series in two
    // files, the two files would overlap on its id, and every pass would merge them again.
    TableMaintenance smallFiles = new TableMaintenance(store, writer,
        new TableMaintenance.Settings(4, 600, 0.1, Duration.ZERO, Duration.ZERO, 2));
    for (int batch = 0; batch < 4; batch++) {
      List<ObservationRow> rows = new ArrayList<>();
      for (long id = 7000; id < 7010; id++) {
        for (int day = batch; day < 250; day += 4) {
          rows.add(new ObservationRow(id, LocalDate.of(2001, 1, 1).plusDays(day), LocalDate.of(2002, 1, 1),
              BigDecimal.valueOf(day)));
        }
      }
      writer.appendObservations("split" + batch, rows).get();
    }
    assertThat(smallFiles.runUntilSettled()).isLessThanOrEqualTo(3);
    assertThat(smallFiles.run().get(0).rowsWritten()).as("a settled table is left alone").isZero();
    Table table = store.observations();
    table.refresh();
    for (long id = 7000; id < 7010; id++) {
      assertThat(TableMaintenance.filesHolding(table, id)).as("files holding series %d", id).isEqualTo(1);
    }
    assertThat(read(List.of(7005L)).get(7005L).size()).isEqualTo(250);
  }

  @Test
  void seriesCompactionKeepsEveryMetadataVersionAndDropsDeletedSeries() throws Exception {
    OffsetDateTime t = OffsetDateTime.parse("2024-01-01T00:00:00Z");
    // Series 10's title and units at each of 14 commits (one file each); re-sent metadata repeats.
    String[][] sent = {{"GDP", "bn"}, {"GDP", "bn"}, {"GDP", "bn USD"}, {"GDP", "bn USD"}, {"Real GDP", "bn USD"},
        {"Real GDP", "bn USD"}, {"Real GDP", "bn USD"}, {"GDP", "bn"}, {"GDP", "bn"}, {"GDP (chained)", "bn"},
        {"GDP (chained)", "bn"}, {"GDP (chained)", "bn 2017 USD"}, {"GDP (chained)", "bn 2017 USD"},
        {"GDP (chained)", "bn 2017 USD"}};
    List<String> expected = new ArrayList<>();
    for (int v = 0; v < sent.length; v++) {
      String state = sent[v][0] + "|" + sent[v][1] + "|" + t.plusMinutes(v);
      boolean changed = v == 0 || !sent[v][0].equals(sent[v - 1][0]) || !sent[v][1].equals(sent[v - 1][1]);
      if (changed) {
        expected.add(state);
      }
      writer.upsertSeries(List.of(
          new SeriesRecord(10, "p", "A", sent[v][0], null, sent[v][1], "QUARTERLY", null, true, t.plusMinutes(v)),
          new SeriesRecord(11, "p", "B", "B v" + v, null, null, "DAILY", null, true, t.plusMinutes(v)))).get();
    }
    writer.upsertSeries(List.of(
        new SeriesRecord(11, "p", "B", "B", null, null, "DAILY", null, true, t).tombstone(t.plusHours(1)))).get();
    assertThat(expected).hasSize(6);

    Map<Long, SeriesRecord> latestBefore = reader.readSeries(reader.seriesSnapshot());
    assertThat(describe(reader.readSeriesHistories(reader.seriesSnapshot()).get(10L))).isEqualTo(expected);
    TableMaintenance.Report series = maintenance.run().get(1);
    assertThat(series.filesAfter()).isEqualTo(1);
    assertThat(series.rowsWritten()).isEqualTo(expected.size());
    Map<Long, List<SeriesRecord>> after = reader.readSeriesHistories(reader.seriesSnapshot());
    assertThat(after).containsOnlyKeys(10L);
    assertThat(describe(after.get(10L))).isEqualTo(expected);
    assertThat(reader.readSeries(reader.seriesSnapshot())).isEqualTo(latestBefore);

    // Compacting the compacted file with newer versions keeps the older ones too.
    for (int v = 0; v < 4; v++) {
      OffsetDateTime at = t.plusDays(1).plusMinutes(v);
      writer.upsertSeries(List.of(
          new SeriesRecord(10, "p", "A", "GDP v" + (v / 2), null, "bn", "QUARTERLY", null, true, at))).get();
      if (v % 2 == 0) {
        expected.add("GDP v" + (v / 2) + "|bn|" + at);
      }
    }
    assertThat(maintenance.run().get(1).filesAfter()).isEqualTo(1);
    assertThat(describe(reader.readSeriesHistories(reader.seriesSnapshot()).get(10L))).isEqualTo(expected);
    SeriesDirectory.View view = new SeriesDirectory(reader).current();
    assertThat(view.byId().get(10L).title()).isEqualTo("GDP v1");
    assertThat(view.asOf(10L, t.plusMinutes(5)).title()).isEqualTo("Real GDP");
    assertThat(view.asOf(10L, t.plusMinutes(4)).title()).isEqualTo("Real GDP");
    assertThat(view.asOf(10L, t.plusMinutes(4).minusNanos(1000)).units()).isEqualTo("bn USD");
    assertThat(view.asOf(10L, t.minusNanos(1000))).isNull();
    assertThat(view.history(11L)).isEmpty();
  }

  @Test
  void appendedExtremesFoldWhatAppendsWroteAcrossCompactionsAndGiveUpAfterADeletion() throws Exception {
    long start = reader.observationsSnapshot();
    LocalDate day0 = LocalDate.of(2020, 1, 1);
    Map<Long, Long> latestDay = new HashMap<>();
    for (int batch = 0; batch < 6; batch++) {
      List<ObservationRow> rows = new ArrayList<>();
      for (long id = 1; id <= 3; id++) {
        // Series 3 gets an early date in later batches: its latest stays the one of batch 0.
        LocalDate date = id == 3 ? day0.plusDays(batch == 0 ? 500 : batch) : day0.plusDays(batch * 10L + id);
        rows.add(new ObservationRow(id, date, date.plusDays(1), BigDecimal.ONE));
        latestDay.merge(id, date.toEpochDay(), Math::max);
      }
      writer.appendObservations("x" + batch, rows).get();
      if (batch == 3) {
        // A compaction (replace) in between changes no data; snapshots kept so the walk can see the appends.
        new TableMaintenance(store, writer,
            new TableMaintenance.Settings(4, 2_000_000, 0.1, Duration.ZERO, Duration.ofHours(1), 1_000)).run();
      }
    }
    long after = reader.observationsSnapshot();
    Map<Long, long[]> extremes = reader.appendedExtremes(start, after).orElseThrow();
    assertThat(extremes).containsOnlyKeys(1L, 2L, 3L);
    long nowMicros = java.time.Instant.now().toEpochMilli() * 1000;
    for (long id = 1; id <= 3; id++) {
      assertThat(extremes.get(id)[0]).as("series %s", id).isEqualTo(latestDay.get(id));
      assertThat(extremes.get(id)[1]).isBetween(nowMicros - 600_000_000L, nowMicros + 1_000_000L);
    }
    // From the middle: only what the later appends wrote.
    assertThat(reader.appendedExtremes(after, after).orElseThrow()).isEmpty();

    writer.deleteObservations(java.util.Set.of(2L)).get();
    assertThat(reader.appendedExtremes(after, reader.observationsSnapshot())).isEmpty();

    // Once expiry removed the first snapshots, a walk from the empty table cannot tell (it does not take the
    // oldest kept snapshot for the first one).
    maintenance.run();
    assertThat(reader.appendedExtremes(-1, reader.observationsSnapshot())).isEmpty();
    assertThat(reader.changedSeriesRanges(-1, reader.observationsSnapshot())).isEmpty();
  }

  @Test
  void seriesCompactionKeepsTagsAndAVersionThatChangedOnlyTags() throws Exception {
    OffsetDateTime t = OffsetDateTime.parse("2024-01-01T00:00:00Z");
    List<List<SeriesTag>> sent = List.of(
        List.of(new SeriesTag("gdp", "concept")),
        List.of(new SeriesTag("gdp", "concept")),
        List.of(new SeriesTag("gdp", "concept"), new SeriesTag("usa", "geo")),
        List.of(new SeriesTag("gdp", "concept"), new SeriesTag("usa", null)),
        List.of(),
        List.of());
    for (int v = 0; v < sent.size(); v++) {
      writer.upsertSeries(List.of(new SeriesRecord(10, "p", "A", "GDP", null, "bn", "QUARTERLY", null, true,
          t.plusMinutes(v), false, sent.get(v)))).get();
    }
    // Versions 0, 2, 3 and 4 change the tags (1 and 5 repeat the one before): four versions, in order.
    List<List<SeriesTag>> expected = List.of(sent.get(0), sent.get(2), sent.get(3), sent.get(4));
    assertThat(maintenance.run().get(1).filesAfter()).isEqualTo(1);
    List<SeriesRecord> after = reader.readSeriesHistories(reader.seriesSnapshot()).get(10L);
    assertThat(after.stream().map(SeriesRecord::tags).toList()).isEqualTo(expected);
    assertThat(after.stream().map(SeriesRecord::updatedAt).toList())
        .containsExactly(t, t.plusMinutes(2), t.plusMinutes(3), t.plusMinutes(4));
  }

  private static List<String> describe(List<SeriesRecord> versions) {
    return versions.stream().map(r -> r.title() + "|" + r.units() + "|" + r.updatedAt()).toList();
  }

  private static int count(Iterable<?> items) {
    int n = 0;
    for (Object ignored : items) {
      n++;
    }
    return n;
  }
}
