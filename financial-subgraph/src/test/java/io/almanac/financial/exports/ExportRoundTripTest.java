package io.almanac.financial.exports;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.financial.generated.types.Frequency;
import io.almanac.financial.observations.ResponseLimit;
import io.almanac.financial.observations.SeriesView;
import io.almanac.financial.observations.ViewRequest;
import io.almanac.financial.vintages.VintagePanel;
import io.almanac.store.SeriesHistory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Each writer's file read back by the format's own reader and compared, cell by cell, with what the test
 * computes itself from the raw points (the as-of view by a floor lookup per date, the panels by a union of
 * dates) and with the view the export was written from. No Spring, no database.
 */
class ExportRoundTripTest {

  private static final LocalDate START = LocalDate.of(2000, 1, 3);

  /** date -> (revision date -> exact value or null): the raw points of one series. */
  private static NavigableMap<LocalDate, NavigableMap<LocalDate, BigDecimal>> points(long seed, int dates, int step) {
    Random random = new Random(seed);
    NavigableMap<LocalDate, NavigableMap<LocalDate, BigDecimal>> points = new TreeMap<>();
    for (int d = 0; d < dates; d++) {
      LocalDate date = START.plusDays((long) d * step + random.nextInt(step));
      NavigableMap<LocalDate, BigDecimal> vintages = new TreeMap<>();
      int revisions = 1 + random.nextInt(3);
      for (int r = 0; r < revisions; r++) {
        LocalDate revision = date.plusDays(10 + 30L * r + random.nextInt(5));
        BigDecimal value = switch (random.nextInt(12)) {
          case 0 -> null;
          // More digits than a double holds: value and decimal then differ.
          case 1 -> new BigDecimal("123456789.1234567891");
          case 2 -> BigDecimal.valueOf(random.nextInt(2_000_000) - 1_000_000, 6);
          default -> BigDecimal.valueOf(random.nextInt(100_000), 2);
        };
        vintages.put(revision, value);
      }
      points.put(date, vintages);
    }
    return points;
  }

  private static SeriesHistory history(long id, NavigableMap<LocalDate, NavigableMap<LocalDate, BigDecimal>> points) {
    List<int[]> keys = new ArrayList<>();
    List<BigDecimal> values = new ArrayList<>();
    points.forEach((date, vintages) -> vintages.forEach((revision, value) -> {
      keys.add(new int[] {(int) date.toEpochDay(), (int) revision.toEpochDay()});
      values.add(value);
    }));
    int[] dates = keys.stream().mapToInt(k -> k[0]).toArray();
    int[] revisions = keys.stream().mapToInt(k -> k[1]).toArray();
    return SeriesHistory.of(id, dates, revisions, values.toArray(new BigDecimal[0]));
  }

  /** The ALFRED view computed from the raw points: each date's latest value published by {@code asOf}. */
  private static NavigableMap<LocalDate, BigDecimal[]> asOf(
      NavigableMap<LocalDate, NavigableMap<LocalDate, BigDecimal>> points, LocalDate asOf) {
    NavigableMap<LocalDate, BigDecimal[]> view = new TreeMap<>();
    points.forEach((date, vintages) -> {
      Map.Entry<LocalDate, BigDecimal> entry = asOf == null ? vintages.lastEntry() : vintages.floorEntry(asOf);
      if (entry != null) {
        view.put(date, new BigDecimal[] {entry.getValue()});
      }
    });
    return view;
  }

  private static Double number(BigDecimal exact) {
    return exact == null ? null : exact.doubleValue();
  }

  private static String text(BigDecimal exact) {
    return exact == null ? null : exact.stripTrailingZeros().toPlainString();
  }

  /** Writes with small Arrow batches and Parquet row groups, so that the files have several. */
  private static byte[] write(ExportFormat format, List<Column> columns, ExportTables.Rows rows) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TableWriter writer = switch (format) {
      case ARROW -> new ArrowTableWriter(columns, out, 1_000);
      case CSV -> new CsvTableWriter(columns, out);
      case PARQUET -> new ParquetTableWriter(columns, out, 16 << 10);
    };
    try (writer) {
      rows.write(writer);
    }
    return out.toByteArray();
  }

  private static List<Column.Type> types(List<Column> columns) {
    return columns.stream().map(Column::type).toList();
  }

  @Test
  void aSeriesRoundTripsInEveryFormatAsOfAnyDateWithAndWithoutDecimals() throws IOException {
    var points = points(1, 5_000, 1);
    SeriesHistory history = history(7, points);
    for (LocalDate asOf : Arrays.asList(null, START.plusDays(2_500))) {
      NavigableMap<LocalDate, BigDecimal[]> expected = asOf(points, asOf);
      SeriesView view = SeriesView.of(history, asOf, null, null);
      assertThat(view.size()).isEqualTo(expected.size());
      for (boolean decimals : new boolean[] {false, true}) {
        List<Column> columns = ExportTables.seriesColumns(decimals);
        for (ExportFormat format : ExportFormat.values()) {
          ExportFiles.Table table = ExportFiles.read(format,
              write(format, columns, out -> ExportTables.writeSeries(view, decimals, out)), types(columns));
          String what = format + " as of " + asOf + (decimals ? " with decimals" : "");
          assertThat(table.columns()).as(what).containsExactlyElementsOf(
              decimals ? List.of("date", "value", "decimal") : List.of("date", "value"));
          List<List<Object>> rows = new ArrayList<>();
          expected.forEach((date, value) -> rows.add(decimals
              ? Arrays.asList(date, number(value[0]), text(value[0])) : Arrays.asList(date, number(value[0]))));
          assertThat(table.rows()).as(what).isEqualTo(rows);
          if (format != ExportFormat.CSV) {
            assertThat(table.batches()).as(what + ": batches or row groups").isGreaterThan(1);
          }
        }
      }
    }
  }

  /** Uploads accept years 0000 to 9999: the first two months of year 0000 are outside IsoDates' direct path. */
  @Test
  void theEarliestAndLatestDatesUploadsAcceptRoundTripInEveryFormat() throws IOException {
    NavigableMap<LocalDate, NavigableMap<LocalDate, BigDecimal>> points = new TreeMap<>();
    for (LocalDate date : List.of(LocalDate.of(0, 1, 1), LocalDate.of(0, 2, 29), LocalDate.of(0, 3, 1),
        LocalDate.of(1, 1, 1), LocalDate.of(9999, 12, 31))) {
      points.put(date, new TreeMap<>(Map.of(LocalDate.of(2026, 1, 15), new BigDecimal(date.getYear() + ".5"))));
    }
    SeriesView view = SeriesView.of(history(9, points), null, null, null);
    List<Column> columns = ExportTables.seriesColumns(false);
    for (ExportFormat format : ExportFormat.values()) {
      ExportFiles.Table table = ExportFiles.read(format,
          write(format, columns, out -> ExportTables.writeSeries(view, false, out)), types(columns));
      List<List<Object>> rows = new ArrayList<>();
      points.forEach((date, vintages) -> rows.add(Arrays.asList(date, date.getYear() + 0.5)));
      assertThat(table.rows()).as(format.toString()).isEqualTo(rows);
    }
  }

  @Test
  void theDefaultWritersCrossArrowBatchesAndKeepEveryDouble() throws IOException {
    int n = 150_000;
    int[] days = new int[n];
    double[] values = new double[n];
    Random random = new Random(3);
    for (int i = 0; i < n; i++) {
      days[i] = 10_000 + i;
      values[i] = i % 97 == 0 ? Double.NaN : switch (i % 4) {
        case 0 -> random.nextGaussian() * 1e-7;
        case 1 -> random.nextDouble() * 1e12;
        case 2 -> Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL);
        default -> Math.round(random.nextDouble() * 1e6) / 100.0;
      };
    }
    SeriesView view = SeriesView.ofColumns(days, values);
    List<Column> columns = ExportTables.seriesColumns(false);
    for (ExportFormat format : ExportFormat.values()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (TableWriter writer = format.open(columns, out)) {
        ExportTables.writeSeries(view, false, writer);
      }
      ExportFiles.Table table = ExportFiles.read(format, out.toByteArray(), types(columns));
      assertThat(table.rows()).as(format.name()).hasSize(n);
      for (int i = 0; i < n; i++) {
        List<Object> row = table.rows().get(i);
        assertThat(row.get(0)).isEqualTo(LocalDate.ofEpochDay(days[i]));
        // Bit for bit: CSV's text reads back as the very double.
        assertThat(row.get(1)).as("%s row %d", format, i).isEqualTo(Double.isNaN(values[i]) ? null : values[i]);
      }
      if (format == ExportFormat.ARROW) {
        assertThat(table.batches()).isEqualTo(3); // 65,536 + 65,536 + 18,928
      }
    }
  }

  @Test
  void aWidePanelIsAlignedOnTheUnionOfDatesWithNullsWhereASeriesHasNone() throws IOException {
    List<NavigableMap<LocalDate, NavigableMap<LocalDate, BigDecimal>>> members = List.of(
        points(11, 1_500, 1), points(12, 600, 3), points(13, 40, 30));
    SeriesView[] views = new SeriesView[members.size()];
    for (int s = 0; s < views.length; s++) {
      views[s] = SeriesView.of(history(s + 1, members.get(s)), null, null, null);
    }
    TreeSet<LocalDate> union = new TreeSet<>();
    members.forEach(m -> union.addAll(m.keySet()));
    assertThat(ExportTables.wideRows(views)).isEqualTo(union.size());
    // Names RFC 4180 must quote: a comma, a quote.
    List<String> names = List.of("GDP", "A,B", "say \"hi\"");
    for (boolean decimals : new boolean[] {false, true}) {
      List<Column> columns = ExportTables.wideColumns(names, decimals);
      List<List<Object>> expected = new ArrayList<>();
      for (LocalDate date : union) {
        List<Object> row = new ArrayList<>(List.of(date));
        for (var member : members) {
          BigDecimal[] value = asOf(member, null).get(date);
          row.add(value == null ? null : number(value[0]));
          if (decimals) {
            row.add(value == null ? null : text(value[0]));
          }
        }
        expected.add(row);
      }
      for (ExportFormat format : ExportFormat.values()) {
        ExportFiles.Table table = ExportFiles.read(format,
            write(format, columns, out -> ExportTables.writeWide(views, decimals, out)), types(columns));
        assertThat(table.columns()).containsExactlyElementsOf(decimals
            ? List.of("date", "GDP", "GDP_decimal", "A,B", "A,B_decimal", "say \"hi\"", "say \"hi\"_decimal")
            : List.of("date", "GDP", "A,B", "say \"hi\""));
        assertThat(table.rows()).as("%s decimals %s", format, decimals).isEqualTo(expected);
      }
    }
  }

  @Test
  void aLongPanelListsSeriesAfterSeries() throws IOException {
    var first = points(21, 300, 1);
    var second = points(22, 200, 2);
    SeriesView a = SeriesView.of(history(1, first), null, null, null);
    SeriesView b = SeriesView.of(history(2, second), null, null, null);
    List<Column> columns = ExportTables.longColumns(false);
    List<List<Object>> expected = new ArrayList<>();
    asOf(first, null).forEach((date, value) -> expected.add(Arrays.asList("1", date, number(value[0]))));
    asOf(second, null).forEach((date, value) -> expected.add(Arrays.asList("22", date, number(value[0]))));
    for (ExportFormat format : ExportFormat.values()) {
      ExportFiles.Table table = ExportFiles.read(format, write(format, columns, out -> {
        ExportTables.writeLong("1", a, false, out);
        ExportTables.writeLong("22", b, false, out);
      }), types(columns));
      assertThat(table.columns()).containsExactly("series_id", "date", "value");
      assertThat(table.rows()).as(format.name()).isEqualTo(expected);
    }
  }

  @Test
  void aVintagePanelHasOneColumnPerVintageInRequestOrder() throws IOException {
    var points = points(31, 400, 1);
    SeriesHistory history = history(5, points);
    List<LocalDate> vintages = List.of(START.plusDays(300), START.plusDays(100), START.plusDays(450));
    VintagePanel panel = VintagePanel.build(history, Frequency.DAILY, vintages, ViewRequest.asOf(null, null, null),
        new ResponseLimit(1_000_000));
    List<NavigableMap<LocalDate, BigDecimal[]>> views = vintages.stream().map(v -> asOf(points, v)).toList();
    TreeSet<LocalDate> dates = new TreeSet<>();
    views.forEach(v -> dates.addAll(v.keySet()));
    List<List<Object>> expected = new ArrayList<>();
    for (LocalDate date : dates) {
      List<Object> row = new ArrayList<>(List.of(date));
      for (var view : views) {
        BigDecimal[] value = view.get(date);
        row.add(value == null ? null : number(value[0]));
        row.add(value == null ? null : text(value[0]));
      }
      expected.add(row);
    }
    List<Column> columns = ExportTables.wideColumns(List.of("X_1", "X_2", "X_3"), true);
    for (ExportFormat format : ExportFormat.values()) {
      ExportFiles.Table table = ExportFiles.read(format,
          write(format, columns, out -> ExportTables.writeVintages(panel, true, out)), types(columns));
      assertThat(table.rows()).as(format.name()).isEqualTo(expected);
    }
  }

  @Test
  void csvIsRfc4180WithCrlfAndEmptyFieldsForMissingValues() throws IOException {
    SeriesView view = SeriesView.ofColumns(new int[] {19_723, 19_724, 19_725}, new double[] {1.5, Double.NaN, 1e-5});
    byte[] csv = write(ExportFormat.CSV, ExportTables.seriesColumns(false),
        out -> ExportTables.writeSeries(view, false, out));
    assertThat(new String(csv, StandardCharsets.UTF_8))
        .isEqualTo("date,value\r\n2024-01-01,1.5\r\n2024-01-02,\r\n2024-01-03,0.00001\r\n");
  }
}
