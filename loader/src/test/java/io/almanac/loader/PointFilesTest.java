package io.almanac.loader;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three input formats read into points with the bulk path's column rules. */
class PointFilesTest {

  @TempDir Path dir;

  private static List<Point> all(Path file) throws IOException {
    List<Point> points = new ArrayList<>();
    try (PointFiles.PointReader reader = PointFiles.open(file, PointFiles.Format.of(file))) {
      for (Point p; (p = reader.next()) != null; ) {
        points.add(p);
      }
    }
    return points;
  }

  @Test
  void csvColumnsByAnyNamingSeparatorDetectedOtherColumnsIgnored() throws IOException {
    Path file = dir.resolve("a.csv");
    Files.writeString(file, "\uFEFF\"External ID\";TIME_PERIOD;OBS_VALUE;revision_date;OBS_STATUS\r\n"
        + "GDP;2024-01-01;\"1,5\";2024-02-01;A\r\n"
        + ";;;;\r\n"
        + "\r\n"
        + "GDP;2024-04-01;  2.25 ;;E\r\n"
        + "GDP;2024-07-01\r\n", StandardCharsets.UTF_8);
    List<Point> points = all(file);
    assertThat(points).hasSize(3);
    assertThat(points.get(0)).isEqualTo(new Point(2, null, null, "GDP", "2024-01-01", "1,5", "2024-02-01", null));
    assertThat(points.get(1)).isEqualTo(new Point(5, null, null, "GDP", "2024-04-01", "2.25", null, null));
    assertThat(points.get(2).malformed()).contains("2 cells", "header 5");
    assertThat(PointFiles.fingerprint(file, PointFiles.Format.CSV).points()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void csvWithoutKnownColumnsIsRefused() throws IOException {
    Path file = dir.resolve("b.csv");
    Files.writeString(file, "a,b\n1,2\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> all(file)).hasMessageContaining("names none of the columns");
  }

  @Test
  void ndjsonNumbersStayExactAndBadLinesAreMalformed() throws IOException {
    Path file = dir.resolve("c.ndjson");
    Files.writeString(file, "{\"series_id\": 7, \"date\": \"2024-01-02\", \"value\": 1234567890.12345678901, \"x\": 1}\n"
        + "\n"
        + "{broken\n"
        + "[1]\n"
        + "{\"seriesId\": \"7\", \"date\": \"2024-01-03\", \"value\": null, \"revisionDate\": \"2024-02-01\"}\n");
    List<Point> points = all(file);
    assertThat(points).hasSize(4);
    assertThat(points.get(0)).isEqualTo(new Point(1, "7", null, null, "2024-01-02", "1234567890.12345678901", null, null));
    assertThat(points.get(1).record()).isEqualTo(3);
    assertThat(points.get(1).malformed()).contains("{broken");
    assertThat(points.get(2).malformed()).isNotNull();
    assertThat(points.get(3)).isEqualTo(new Point(5, "7", null, null, "2024-01-03", null, "2024-02-01", null));
  }

  @Test
  void parquetDatesDecimalsDoublesAndStrings() throws IOException {
    Path file = dir.resolve("d.parquet");
    MessageType schema = MessageTypeParser.parseMessageType("message points { required int64 series_id;"
        + " required int32 date (DATE); optional fixed_len_byte_array(16) value (DECIMAL(38,10));"
        + " optional double value_f; optional binary revisionDate (STRING); }");
    // value_f is no field of the bulk path: ignored.
    try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema).build()) {
      SimpleGroupFactory groups = new SimpleGroupFactory(schema);
      Group first = groups.newGroup().append("series_id", 42L)
          .append("date", (int) LocalDate.parse("2024-03-01").toEpochDay())
          .append("value", Binary.fromConstantByteArray(fixed16(new BigDecimal("-12.5000000001"))))
          .append("value_f", 0.1).append("revisionDate", "2024-03-05");
      writer.write(first);
      writer.write(groups.newGroup().append("series_id", 42L)
          .append("date", (int) LocalDate.parse("2024-03-02").toEpochDay()));
    }
    List<Point> points = all(file);
    assertThat(points).containsExactly(
        new Point(1, "42", null, null, "2024-03-01", "-12.5000000001", "2024-03-05", null),
        new Point(2, "42", null, null, "2024-03-02", null, null, null));
    assertThat(PointFiles.fingerprint(file, PointFiles.Format.PARQUET).points()).isEqualTo(2);
  }

  @Test
  void doubleColumnsAreReadAsTheirShortestText() throws IOException {
    Path file = dir.resolve("e.parquet");
    MessageType schema = MessageTypeParser.parseMessageType("message points { required binary externalId (STRING);"
        + " required binary date (STRING); required double value; }");
    try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema).build()) {
      writer.write(new SimpleGroupFactory(schema).newGroup().append("externalId", "X").append("date", "2024-01-01")
          .append("value", 0.1));
    }
    assertThat(all(file)).containsExactly(new Point(1, null, null, "X", "2024-01-01", "0.1", null, null));
  }

  private static byte[] fixed16(BigDecimal value) {
    byte[] unscaled = value.setScale(10).unscaledValue().toByteArray();
    byte[] out = new byte[16];
    byte pad = (byte) (value.signum() < 0 ? 0xFF : 0);
    java.util.Arrays.fill(out, 0, 16 - unscaled.length, pad);
    System.arraycopy(unscaled, 0, out, 16 - unscaled.length, unscaled.length);
    return out;
  }
}
