package io.almanac.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.Files;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.filter2.predicate.FilterApi;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The page decoder against the general path ({@link SeriesHistoryBuilder#add} with the values as
 * written), on files written by Iceberg's generic Parquet writer (not Almanac's): several pages per
 * row group, both page versions, dictionary and plain encodings, missing values, a value too large
 * for a long, series interleaved, and reads with and without page-index filtering; and the extents
 * (latest date and stamp per series) against the rows as written.
 */
class RowGroupDecoderTest {

  private static final OffsetDateTime BASE = OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
  private static final long BASE_MICROS = BASE.toEpochSecond() * 1_000_000;

  @TempDir
  Path dir;

  private record Row(long seriesId, int date, int revision, BigDecimal value, long ingestMicros) {}

  @ParameterizedTest
  @EnumSource(WriterVersion.class)
  void decodesWhatTheGeneralPathBuildsWhateverThePageLayout(WriterVersion version) throws IOException {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      long series = i % 7 == 3 ? 3 : i < 30 ? 1 : 2; // series 3 interleaved with the others
      BigDecimal value = switch (i % 11) {
        case 0 -> null;
        case 1 -> new BigDecimal("100000000000000000000.5"); // unscaled at scale 10 needs 99 bits
        case 2 -> new BigDecimal("-0.0000000001");
        case 3 -> BigDecimal.ZERO;
        default -> BigDecimal.valueOf(1_234_567L * i, 3 + i % 5);
      };
      // Date 20_000 + i / 2: pairs of rows share a date, with two revisions or one key written twice.
      int revision = i % 4 == 0 ? 20_100 : 20_100 + i % 3;
      rows.add(new Row(series, 20_000 + i / 2, revision, value, BASE_MICROS + 1_000_000L * (i % 5)));
    }
    Path file = write(rows, version);

    for (boolean pageFiltered : new boolean[] {false, true}) {
      for (Set<Long> wanted : List.of(Set.of(2L), Set.of(1L, 3L))) {
        Map<Long, SeriesHistoryBuilder> decoded = builders(wanted);
        read(file, wanted, pageFiltered, decoded);
        Map<Long, SeriesHistoryBuilder> expected = builders(wanted);
        rows.stream().filter(r -> wanted.contains(r.seriesId()))
            .forEach(r -> expected.get(r.seriesId()).add(r.date(), r.revision(), r.value(), r.ingestMicros()));
        for (long id : wanted) {
          assertSameHistory(decoded.get(id).build(), expected.get(id).build());
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(WriterVersion.class)
  void extentsAreEachSeriesLatestDateAndStampOverEveryRowGroup(WriterVersion version) throws IOException {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 90; i++) {
      long series = i % 5 == 2 ? 9 : i < 45 ? 4 : 6; // series 9 interleaved with the others
      // Dates go down and up again, and stamps jump about, so the latest is neither the first nor the last row's.
      int date = 19_000 + (i * 37) % 61;
      long stamp = BASE_MICROS + 1_000L * ((i * 53) % 89);
      rows.add(new Row(series, date, date + 30, BigDecimal.ONE, stamp));
    }
    Path file = write(rows, version);
    Map<Long, long[]> expected = new HashMap<>();
    for (Row r : rows) {
      long[] e = expected.computeIfAbsent(r.seriesId(), id -> new long[] {Long.MIN_VALUE, Long.MIN_VALUE});
      e[0] = Math.max(e[0], r.date());
      e[1] = Math.max(e[1], r.ingestMicros());
    }

    Map<Long, long[]> extremes = new HashMap<>();
    extremes.put(9L, new long[] {25_000, Long.MIN_VALUE}); // folded into what is there: a later date stays
    try (ParquetFileReader reader = new ParquetFileReader(new LocalInputFile(file),
        new ParquetReadOptions.Builder(new PlainParquetConfiguration()).build())) {
      assertThat(reader.getFooter().getBlocks()).hasSizeGreaterThan(2);
      RowGroupDecoder.Projection projection =
          RowGroupDecoder.Projection.of(reader.getFooter().getFileMetaData().getSchema());
      reader.setRequestedSchema(projection.extentSchema());
      for (PageReadStore pages = reader.readNextRowGroup(); pages != null; pages = reader.readNextRowGroup()) {
        RowGroupDecoder.extents(pages, projection, extremes);
      }
    }
    assertThat(extremes).containsOnlyKeys(4L, 6L, 9L);
    assertThat(extremes.get(4L)).containsExactly(expected.get(4L));
    assertThat(extremes.get(6L)).containsExactly(expected.get(6L));
    assertThat(extremes.get(9L)).containsExactly(25_000, expected.get(9L)[1]);
  }

  private static Map<Long, SeriesHistoryBuilder> builders(Set<Long> ids) {
    Map<Long, SeriesHistoryBuilder> builders = new HashMap<>();
    ids.forEach(id -> builders.put(id, new SeriesHistoryBuilder(id)));
    return builders;
  }

  private static void assertSameHistory(SeriesHistory actual, SeriesHistory expected) {
    assertThat(actual.size()).isEqualTo(expected.size()).isGreaterThan(3);
    assertThat(actual.lastIngestMicros()).isEqualTo(expected.lastIngestMicros());
    for (int row = 0; row < expected.size(); row++) {
      assertThat(actual.epochDay(row)).isEqualTo(expected.epochDay(row));
      assertThat(actual.revisionDate(row)).isEqualTo(expected.revisionDate(row));
      assertThat(actual.value(row)).isEqualTo(expected.value(row));
      assertThat(Double.valueOf(actual.doubleValue(row))).isEqualTo(Double.valueOf(expected.doubleValue(row))); // NaN equals NaN
    }
  }

  private Path write(List<Row> rows, WriterVersion version) throws IOException {
    Path path = dir.resolve("observations-" + version + ".parquet");
    try (FileAppender<Record> appender = Parquet.write(Files.localOutput(path.toFile()))
        .schema(TimeseriesTables.OBSERVATIONS)
        .createWriterFunc(type -> GenericParquetWriter.create(TimeseriesTables.OBSERVATIONS, type))
        .writerVersion(version)
        .set("write.parquet.page-row-limit", "4")
        .set("write.parquet.row-group-size-bytes", "1024")
        .set("write.parquet.row-group-check-min-record-count", "5")
        .set("write.parquet.row-group-check-max-record-count", "10")
        .build()) {
      for (Row r : rows) {
        Record record = GenericRecord.create(TimeseriesTables.OBSERVATIONS);
        record.setField("series_id", r.seriesId());
        record.setField("date", LocalDate.ofEpochDay(r.date()));
        record.setField("revision_date", LocalDate.ofEpochDay(r.revision()));
        record.setField("value", r.value() == null ? null : r.value().setScale(TimeseriesTables.VALUE_SCALE));
        record.setField("ingested_at", BASE.plusNanos((r.ingestMicros() - BASE_MICROS) * 1000));
        record.setField("batch_id", "b");
        appender.add(record);
      }
    }
    return path;
  }

  private static void read(Path file, Set<Long> wanted, boolean pageFiltered, Map<Long, SeriesHistoryBuilder> builders)
      throws IOException {
    ParquetReadOptions options = new ParquetReadOptions.Builder(new PlainParquetConfiguration())
        .withRecordFilter(FilterCompat.get(FilterApi.in(FilterApi.longColumn("series_id"), new HashSet<>(wanted))))
        .useColumnIndexFilter(pageFiltered)
        .useRecordFilter(false)
        .build();
    int pagesFilteredGroups = 0;
    try (ParquetFileReader reader = new ParquetFileReader(new LocalInputFile(file), options)) {
      assertThat(reader.getFooter().getBlocks()).hasSizeGreaterThan(2);
      RowGroupDecoder.Projection requested =
          RowGroupDecoder.Projection.of(reader.getFooter().getFileMetaData().getSchema());
      reader.setRequestedSchema(requested.schema());
      for (PageReadStore pages = reader.readNextFilteredRowGroup(); pages != null;
          pages = reader.readNextFilteredRowGroup()) {
        if (pages.getRowIndexes().isPresent()) {
          pagesFilteredGroups++;
        }
        RowGroupDecoder.decode(pages, requested, builders);
      }
    }
    // The filtered reads must really have skipped pages, or they test nothing more than the others.
    assertThat(pagesFilteredGroups > 0).isEqualTo(pageFiltered && wanted.equals(Set.of(2L)));
  }
}
