package io.almanac.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Files;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Almanac's observation writer against Iceberg's generic reader: every value comes back in the column
 * of its name, so the writer's columns agree with the table schema.
 */
class ObservationParquetWriterTest {

  @TempDir
  Path dir;

  @Test
  void icebergsGenericReaderReadsBackEveryColumnAsWritten() throws IOException {
    OffsetDateTime t0 = OffsetDateTime.parse("2026-01-01T10:00:00.123456Z");
    List<ObservationRow> rows = List.of(
        new ObservationRow(1, LocalDate.parse("2024-01-01"), LocalDate.parse("2024-04-25"), new BigDecimal("1.5")),
        new ObservationRow(1, LocalDate.parse("2024-01-01"), LocalDate.parse("2024-05-30"), null),
        new ObservationRow(2, LocalDate.parse("1999-12-31"), LocalDate.parse("2000-01-01"),
            new BigDecimal("-0.0000000001")),
        new ObservationRow(3, LocalDate.parse("2024-02-29"), LocalDate.parse("2024-03-01"),
            new BigDecimal("-123456789012345678901234567.5"))); // needs more than a long unscaled
    List<String> batchIds = List.of("b-1", "b-1", "b-2", "b-2");
    List<Record> written = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      written.add(ObservationLayout.newRecord(rows.get(i), t0.plusSeconds(i), i == 3 ? null : batchIds.get(i)));
    }
    Path file = dir.resolve("observations.parquet");
    try (FileAppender<Record> out = Parquet.write(Files.localOutput(file.toFile()))
        .schema(TimeseriesTables.OBSERVATIONS)
        .createWriterFunc(ObservationParquetWriter.Records::new)
        .build()) {
      written.forEach(out::add);
    }

    List<Record> read = new ArrayList<>();
    try (CloseableIterable<Record> records = Parquet.read(Files.localInput(file.toFile()))
        .project(TimeseriesTables.OBSERVATIONS)
        .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(TimeseriesTables.OBSERVATIONS, fileSchema))
        .build()) {
      records.forEach(read::add);
    }
    assertThat(read).hasSize(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      Record r = read.get(i);
      ObservationRow expected = rows.get(i);
      assertThat(r.getField("series_id")).isEqualTo(expected.seriesId());
      assertThat(r.getField("date")).isEqualTo(expected.date());
      assertThat(r.getField("revision_date")).isEqualTo(expected.revisionDate());
      assertThat((BigDecimal) r.getField("value")).isEqualTo(expected.value());
      assertThat(r.getField("ingested_at")).isEqualTo(t0.plusSeconds(i));
      assertThat(r.getField("batch_id")).isEqualTo(i == 3 ? null : batchIds.get(i));
    }
  }
}
