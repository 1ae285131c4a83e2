package io.almanac.store;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Files;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Files another writer made with a narrower {@code value} column (an observations table whose decimal was
 * widened later, or written by Spark at a lower precision) read through {@link EncodedObservationFile}: Parquet
 * stores decimal(18, 10) as INT64 and decimal(20, 10) as a 9-byte fixed array, which the reader widens to
 * the 16 bytes the table's own writer uses. Written by Iceberg's generic Parquet writer, and the expected
 * bytes computed from {@link BigInteger#toByteArray()}, not by Almanac's encoder.
 */
class EncodedObservationFileTest {

  private static final OffsetDateTime STAMP = OffsetDateTime.of(2026, 3, 1, 12, 0, 0, 0, ZoneOffset.UTC);

  @TempDir
  Path dir;

  @ParameterizedTest
  @CsvSource({"18, INT64, 0", "20, FIXED_LEN_BYTE_ARRAY, 9"})
  void narrowerDecimalsWidenToSixteenBytesWithTheirSign(int precision, PrimitiveTypeName stored, int width)
      throws IOException {
    Schema schema = new Schema(
        required(1, "series_id", Types.LongType.get()),
        required(2, "date", Types.DateType.get()),
        required(3, "revision_date", Types.DateType.get()),
        optional(4, "value", Types.DecimalType.of(precision, 10)),
        required(5, "ingested_at", Types.TimestampType.withZone()),
        optional(6, "batch_id", Types.StringType.get()));
    String largest = "9".repeat(precision - 10) + "." + "9".repeat(10);
    List<BigDecimal> values = Arrays.asList(new BigDecimal(largest), new BigDecimal(largest).negate(),
        new BigDecimal("-0.0000000001"), new BigDecimal("0.0000000001"), BigDecimal.ZERO.setScale(10), null,
        new BigDecimal("-12345.6789012345"), new BigDecimal("255.0000000000"), new BigDecimal("-256.0000000000"));
    Path file = dir.resolve("narrow-" + precision + ".parquet");
    List<Record> rows = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      Record row = GenericRecord.create(schema);
      row.setField("series_id", 7L);
      row.setField("date", LocalDate.of(2024, 1, 1).plusDays(i));
      row.setField("revision_date", LocalDate.of(2024, 6, 1));
      row.setField("value", values.get(i));
      row.setField("ingested_at", STAMP.plusSeconds(i));
      row.setField("batch_id", i % 2 == 0 ? "b-" + i : null);
      rows.add(row);
    }
    try (FileAppender<Record> writer = Parquet.write(Files.localOutput(file.toFile())).schema(schema)
        .createWriterFunc(type -> GenericParquetWriter.create(schema, type)).build()) {
      writer.addAll(rows);
    }
    // The file holds what the test claims to cover.
    try (ParquetFileReader footer = new ParquetFileReader(new LocalInputFile(file),
        new ParquetReadOptions.Builder(new PlainParquetConfiguration()).build())) {
      PrimitiveType value = footer.getFooter().getFileMetaData().getSchema().getType("value").asPrimitiveType();
      assertThat(value.getPrimitiveTypeName()).isEqualTo(stored);
      assertThat(value.getTypeLength()).isEqualTo(width);
    }

    DataFile data = DataFiles.builder(PartitionSpec.unpartitioned()).withPath(file.toString())
        .withFileSizeInBytes(java.nio.file.Files.size(file)).withRecordCount(rows.size())
        .withFormat(FileFormat.PARQUET).build();
    List<EncodedObservation> read = new ArrayList<>();
    try (EncodedObservationFile encoded = EncodedObservationFile.open(new LocalFileIO(), data)) {
      for (EncodedObservation row = encoded.next(); row != null; row = encoded.next()) {
        read.add(row);
      }
    }

    assertThat(read).hasSize(values.size());
    for (int i = 0; i < values.size(); i++) {
      EncodedObservation row = read.get(i);
      BigDecimal expected = values.get(i);
      assertThat(row.seriesId()).isEqualTo(7L);
      assertThat(row.date()).isEqualTo((int) LocalDate.of(2024, 1, 1).plusDays(i).toEpochDay());
      assertThat(row.ingestedAt()).isEqualTo(STAMP.plusSeconds(i).toEpochSecond() * 1_000_000);
      assertThat(row.batchId() == null ? null : row.batchId().toStringUsingUTF8()).isEqualTo(i % 2 == 0 ? "b-" + i : null);
      if (expected == null) {
        assertThat(row.value()).as("row %d", i).isNull();
        continue;
      }
      byte[] bytes = row.value().getBytes();
      assertThat(bytes).as("row %d", i).containsExactly(sixteenBytes(expected.unscaledValue()));
      assertThat(new BigDecimal(new BigInteger(bytes), 10)).as("row %d", i).isEqualTo(expected);
    }
  }

  /** Two's complement, big-endian, sign-extended to 16 bytes. */
  private static byte[] sixteenBytes(BigInteger unscaled) {
    byte[] minimal = unscaled.toByteArray();
    byte[] out = new byte[16];
    Arrays.fill(out, unscaled.signum() < 0 ? (byte) 0xFF : 0);
    System.arraycopy(minimal, 0, out, 16 - minimal.length, minimal.length);
    return out;
  }
}
