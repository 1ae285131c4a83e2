package io.almanac.crawler.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.junit.jupiter.api.Test;

/** The three HTTP upload formats, read into received points without Spring or a database. */
class BulkPointsParserTest {

  private static List<ReceivedPoint> parse(String contentType, String body) throws Exception {
    return parse(contentType, null, body.getBytes(StandardCharsets.UTF_8));
  }

  static List<ReceivedPoint> parse(String contentType, String delimiter, byte[] body) throws Exception {
    BulkPointsParser.Parsed parsed = BulkPointsParser.parse(BulkPointsParser.dialect(contentType, delimiter),
        new ByteArrayInputStream(body), 1_000_000);
    assertThat(parsed.more()).isFalse();
    return parsed.points();
  }

  private static ReceivedPoint point(int index, String seriesId, String providerId, String externalId, String date,
      String value, String revisionDate) {
    return new ReceivedPoint(index, seriesId, providerId, externalId, date, value, revisionDate, null, null, null);
  }

  private static ReceivedPoint malformed(int index, String reason) {
    return new ReceivedPoint(index, null, null, null, null, null, null, reason, null, null);
  }

  @Test
  void ndjsonReadsFieldsAsTextAndReportsMalformedLines() throws Exception {
    String body = """
        {"seriesId": "7", "date": "2024-03-01", "value": 1.25, "revision_date": "2024-03-02"}

        {not json
        [1, 2]
        {"provider_id": 3, "ExternalId": "GDP", "date": "2024-03-02", "value": null, "note": "ignored", "SERIESID": {"a": 1}}
        """;
    assertThat(parse("application/x-ndjson", body)).containsExactly(
        point(0, "7", null, null, "2024-03-01", "1.25", "2024-03-02"),
        malformed(1, "line is not a JSON object: {not json"),
        malformed(2, "line is not a JSON object: [1, 2]"),
        point(3, "{\"a\":1}", "3", "GDP", "2024-03-02", null, null));
  }

  /** A line naming a field twice, under one spelling or two, is malformed; unknown fields may repeat. */
  @Test
  void ndjsonLinesNamingAFieldTwiceAreMalformed() throws Exception {
    String body = """
        {"seriesId": "7", "date": "2024-03-01", "value": 1, "seriesId": "8"}
        {"seriesId": "7", "date": "2024-03-01", "value": 1, "VALUE": null}
        {"seriesId": "7", "date": "2024-03-01", "value": 2, "note": "a", "note": "b"}
        """;
    assertThat(parse("application/x-ndjson", body)).containsExactly(
        malformed(0, "line names the field seriesId twice: "
            + "{\"seriesId\": \"7\", \"date\": \"2024-03-01\", \"value\": 1, \"seriesId\": \"8\"}"),
        malformed(1, "line names the field value twice: "
            + "{\"seriesId\": \"7\", \"date\": \"2024-03-01\", \"value\": 1, \"VALUE\": null}"),
        point(2, "7", null, null, "2024-03-01", "2", null));
  }

  @Test
  void ndjsonQuotesAtMost500CharactersOfAMalformedLine() throws Exception {
    String line = "x".repeat(600);
    ReceivedPoint only = parse("application/x-ndjson; charset=utf-8", line).get(0);
    assertThat(only.malformed()).isEqualTo("line is not a JSON object: " + "x".repeat(500) + "...");
  }

  @Test
  void csvHonoursQuotesAndReportsRowsThatDoNotFitTheHeader() throws Exception {
    String body = "provider_id,externalId,Date,value,revision_date,comment\n"
        + "3,\"GDP, real\",2024-04-01,\"1000.5\",2024-04-02,\"says \"\"hi\"\", twice\"\n"
        + "3,\"say \"\"hi\"\"\",2024-04-02,,,\n"
        + "\n"
        + "3,GDP,2024-04-03,1\n"
        + "3,\"GDP,2024-04-04,2,,\n";
    assertThat(parse("text/csv", body)).containsExactly(
        point(0, null, "3", "GDP, real", "2024-04-01", "1000.5", "2024-04-02"),
        point(1, null, "3", "say \"hi\"", "2024-04-02", null, null),
        malformed(2, "row on line 5 has 4 fields, the header 6: 3,GDP,2024-04-03,1"),
        malformed(3, "row on line 6 could not be read: (startline 6) EOF reached before encapsulated token finished"));
    assertThat(parse("text/csv", "seriesId,date,value\n")).isEmpty();
    assertThat(parse("text/csv", "")).isEmpty();
  }

  @Test
  void arrowStreamsReadEachColumnTypeAsText() throws Exception {
    byte[] stream;
    try (RootAllocator allocator = new RootAllocator();
        BigIntVector series = new BigIntVector("series_id", allocator);
        DateDayVector date = new DateDayVector("date", allocator);
        DecimalVector value = new DecimalVector("value", allocator, 10, 3);
        VarCharVector revision = new VarCharVector("revisionDate", allocator);
        Float8Vector other = new Float8Vector("weight", allocator)) {
      List<FieldVector> vectors = List.of(series, date, value, revision, other);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (VectorSchemaRoot root = new VectorSchemaRoot(vectors);
          ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
        writer.start();
        for (int batch = 0; batch < 2; batch++) {
          root.allocateNew();
          for (int i = 0; i < 2; i++) {
            int n = batch * 2 + i;
            series.setSafe(i, 7);
            date.setSafe(i, (int) LocalDate.parse("2024-05-01").plusDays(n).toEpochDay());
            if (n == 1) {
              value.setNull(i);
              revision.setNull(i);
            } else {
              value.setSafe(i, new BigDecimal("1.001").multiply(BigDecimal.valueOf(n + 1)));
              revision.setSafe(i, "2024-05-10".getBytes(StandardCharsets.UTF_8));
            }
            other.setSafe(i, 0.5);
          }
          root.setRowCount(2);
          writer.writeBatch();
        }
        writer.end();
      }
      stream = out.toByteArray();
    }
    List<ReceivedPoint> points = parse("application/vnd.apache.arrow.stream", null, stream);
    assertThat(points).containsExactly(
        point(0, "7", null, null, "2024-05-01", "1.001", "2024-05-10"),
        point(1, "7", null, null, "2024-05-02", null, null),
        point(2, "7", null, null, "2024-05-03", "3.003", "2024-05-10"),
        point(3, "7", null, null, "2024-05-04", "4.004", "2024-05-10"));
  }

  @Test
  void floatValuesAreTheirShortestText() throws Exception {
    byte[] stream;
    try (RootAllocator allocator = new RootAllocator();
        VarCharVector series = new VarCharVector("seriesId", allocator);
        VarCharVector date = new VarCharVector("date", allocator);
        Float8Vector value = new Float8Vector("value", allocator)) {
      series.setSafe(0, "7".getBytes(StandardCharsets.UTF_8));
      date.setSafe(0, "2024-02-30".getBytes(StandardCharsets.UTF_8));
      value.setSafe(0, 2.5);
      for (FieldVector v : List.<FieldVector>of(series, date, value)) {
        v.setValueCount(1);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (VectorSchemaRoot root = VectorSchemaRoot.of(series, date, value);
          ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
        writer.start();
        writer.writeBatch();
        writer.end();
      }
      stream = out.toByteArray();
    }
    assertThat(parse("application/vnd.apache.arrow.stream", null, stream))
        .containsExactly(point(0, "7", null, null, "2024-02-30", "2.5", null));
  }

  @Test
  void otherContentTypesAreRefusedNamingTheAcceptedOnes() {
    for (String type : new String[] {"application/json", "text/plain", null}) {
      assertThatThrownBy(() -> parse(type, "{}")).isInstanceOf(BulkPointsParser.UnsupportedBody.class)
          .hasMessageContaining("application/x-ndjson").hasMessageContaining("text/csv")
          .hasMessageContaining("application/vnd.apache.arrow.stream");
    }
  }

  private static final List<ReceivedPoint> SPREADSHEET_POINTS = List.of(
      point(0, null, "3", "GDP", "2024-04-01", "1000.5", "2024-04-02"),
      point(1, null, "3", "Zürich €", "2024-04-02", null, null));

  /** What Excel ("CSV UTF-8") and LibreOffice write: a BOM, CRLF, quoted names, a blank row at the end. */
  @Test
  void csvAsSpreadsheetsWriteIt() throws Exception {
    String table = "\uFEFF\"Provider_ID\",\" EXTERNALID \",\"Date\",\"Value\",\"Revision Date\"\r\n"
        + "3,GDP,2024-04-01,1000.5,2024-04-02\r\n"
        + "3,\"Zürich €\",2024-04-02,,\r\n"
        + ",,,,\r\n"
        + "\r\n";
    assertThat(parse("text/csv", table)).isEqualTo(SPREADSHEET_POINTS);
    assertThat(parse("text/csv; charset=UTF-8", table.replace("\r\n", "\n"))).isEqualTo(SPREADSHEET_POINTS);
    assertThat(parse("text/csv", table.replace("\r\n", "\r"))).isEqualTo(SPREADSHEET_POINTS);
    assertThat(parse("TEXT/CSV", table.substring(1).replace(",", " , "))).isEqualTo(SPREADSHEET_POINTS);
  }

  @Test
  void csvSeparatorIsDetectedFromTheHeaderOrGiven() throws Exception {
    String comma = "providerId,externalId,date,value,revisionDate\n3,GDP,2024-04-01,1000.5,2024-04-02\n"
        + "3,Zürich €,2024-04-02,,\n";
    for (String separator : new String[] {";", "\t"}) {
      String table = comma.replace(",", separator);
      assertThat(parse("text/csv", table)).isEqualTo(SPREADSHEET_POINTS);
      assertThat(parse("text/csv", separator.equals(";") ? ";" : "tab", table.getBytes(StandardCharsets.UTF_8)))
          .isEqualTo(SPREADSHEET_POINTS);
    }
    // A header with one column has no separator to count: comma, and the data rows are read with it.
    assertThat(parse("text/csv", "seriesId\n7\n")).containsExactly(point(0, "7", null, null, null, null, null));
    // Given, the parameter wins over what the header suggests.
    assertThat(parse("text/csv", ",", "date;value,seriesId\n2024-01-01;5,7\n".getBytes(StandardCharsets.UTF_8)))
        .containsExactly(point(0, "7", null, null, null, null, null));
    assertThatThrownBy(() -> BulkPointsParser.dialect("text/csv", "|")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("','").hasMessageContaining("tab");
  }

  @Test
  void csvCharsetsAreDecodedAndAByteOrderMarkDecides() throws Exception {
    String table = "providerId;externalId;date;value;revisionDate\r\n3;GDP;2024-04-01;1000.5;2024-04-02\r\n"
        + "3;Zürich €;2024-04-02;;\r\n";
    assertThat(parse("text/csv; charset=windows-1252", null, table.getBytes("windows-1252")))
        .isEqualTo(SPREADSHEET_POINTS);
    String latin = table.replace(" €", "");
    List<ReceivedPoint> latinPoints = parse("text/csv; charset=\"ISO-8859-1\"", null, latin.getBytes("ISO-8859-1"));
    assertThat(latinPoints.get(1).externalId()).isEqualTo("Zürich");
    // Excel's "Unicode text" is UTF-16LE with a BOM; the BOM is read whatever the declared charset.
    for (String charset : new String[] {"UTF-16LE", "UTF-16BE"}) {
      byte[] bom = charset.endsWith("LE") ? new byte[] {(byte) 0xFF, (byte) 0xFE} : new byte[] {(byte) 0xFE, (byte) 0xFF};
      byte[] text = table.getBytes(charset);
      byte[] body = new byte[bom.length + text.length];
      System.arraycopy(bom, 0, body, 0, 2);
      System.arraycopy(text, 0, body, 2, text.length);
      assertThat(parse("text/csv", null, body)).isEqualTo(SPREADSHEET_POINTS);
      assertThat(parse("text/csv; charset=utf-16", null, body)).isEqualTo(SPREADSHEET_POINTS);
    }
    assertThatThrownBy(() -> BulkPointsParser.dialect("text/csv; charset=klingon-8", null))
        .isInstanceOf(BulkPointsParser.UnsupportedBody.class).hasMessageContaining("klingon-8");
    assertThatThrownBy(() -> BulkPointsParser.dialect("application/x-ndjson; charset=ISO-8859-1", null))
        .isInstanceOf(BulkPointsParser.UnsupportedBody.class).hasMessageContaining("UTF-8");
    // Only separators: an unsupported (empty) type, not an index out of bounds.
    for (String separators : List.of(";", ";;;", " ; ", "")) {
      assertThatThrownBy(() -> BulkPointsParser.dialect(separators, null)).as("'%s'", separators)
          .isInstanceOf(BulkPointsParser.UnsupportedBody.class).hasMessageContaining("Unsupported Content-Type");
    }
  }

  /** ECB / Eurostat SDMX-CSV: dimension columns ignored, TIME_PERIOD and OBS_VALUE read as date and value. */
  @Test
  void sdmxCsvKeepsItsDateAndValueAndIgnoresOtherColumns() throws Exception {
    String table = "KEY,FREQ,CURRENCY,TIME_PERIOD,OBS_VALUE,OBS_STATUS,seriesId\n"
        + "EXR.D.USD.EUR.SP00.A,D,USD,2024-01-02,1.0956,A,7\n";
    assertThat(parse("text/csv", table)).containsExactly(point(0, "7", null, null, "2024-01-02", "1.0956", null));
  }

  @Test
  void csvHeadersNamingNoFieldOrOneTwiceRefuseTheBody() {
    assertThatThrownBy(() -> parse("text/csv", "7,2024-01-01,5\n8,2024-01-01,6\n"))
        .isInstanceOf(BulkPointsParser.UnreadableBody.class).hasMessageContaining("names none of the columns");
    assertThatThrownBy(() -> parse("text/csv", "date,value,Date\n2024-01-01,5,2024-01-02\n"))
        .isInstanceOf(BulkPointsParser.UnreadableBody.class).hasMessageContaining("date twice");
  }

  @Test
  void csvTextAfterAClosingQuoteLosesThatRowOnly() throws Exception {
    List<ReceivedPoint> points = parse("text/csv", "seriesId,value\n7,\"1\"x\n8,2\n");
    assertThat(points).last().isEqualTo(point(points.size() - 1, "8", null, null, null, "2", null));
    assertThat(points.get(0).malformed()).startsWith("row on line 2 could not be read");
  }

  @Test
  void ndjsonWithBomCrlfAndBlankLinesKeepsNumbersExact() throws Exception {
    String body = "\uFEFF{\"seriesId\": 7, \"date\": \"2024-01-01\", \"value\": 1234567890.1234567891}\r\n"
        + "\r\n   \r\n"
        + "{\"seriesId\": \"7\", \"date\": \"2024-01-02\", \"value\": -1.5e3}\r\n"
        + "{\"seriesId\": \"7\", \"date\": \"2024-01-03\", \"value\": 0.1000000000000000055511151231257827}";
    assertThat(parse("application/x-ndjson", body)).containsExactly(
        point(0, "7", null, null, "2024-01-01", "1234567890.1234567891", null),
        point(1, "7", null, null, "2024-01-02", "-1.5e3", null),
        point(2, "7", null, null, "2024-01-03", "0.1000000000000000055511151231257827", null));
  }

  @Test
  void ndjsonLinesOverTheRecordLimitAreMalformedAndTheNextLineIsRead() throws Exception {
    String huge = "{\"externalId\": \"" + "x".repeat(BulkPointsParser.MAX_RECORD_CHARS) + "\"}";
    List<ReceivedPoint> points = parse("application/x-ndjson", huge + "\n{\"seriesId\": \"7\"}\n");
    assertThat(points).hasSize(2);
    assertThat(points.get(0).malformed()).startsWith("line is longer than " + BulkPointsParser.MAX_RECORD_CHARS)
        .hasSizeLessThan(700);
    assertThat(points.get(1)).isEqualTo(point(1, "7", null, null, null, null, null));
  }

  @Test
  void readingStopsOneRecordPastTheLimit() throws Exception {
    StringBuilder ndjson = new StringBuilder();
    StringBuilder csv = new StringBuilder("seriesId,date\n");
    for (int i = 0; i < 5; i++) {
      ndjson.append("{\"seriesId\": \"").append(i).append("\"}\n\n");
      csv.append(i).append(",2024-01-01\n");
    }
    for (String[] format : new String[][] {{"application/x-ndjson", ndjson.toString()}, {"text/csv", csv.toString()}}) {
      BulkPointsParser.Dialect dialect = BulkPointsParser.dialect(format[0], null);
      byte[] bytes = format[1].getBytes(StandardCharsets.UTF_8);
      BulkPointsParser.Parsed three = BulkPointsParser.parse(dialect, new ByteArrayInputStream(bytes), 3);
      assertThat(three.more()).isTrue();
      assertThat(three.points()).extracting(ReceivedPoint::seriesId).containsExactly("0", "1", "2");
      BulkPointsParser.Parsed five = BulkPointsParser.parse(dialect, new ByteArrayInputStream(bytes), 5);
      assertThat(five.more()).isFalse();
      assertThat(five.points()).hasSize(5);
    }
  }

  /** Eight bytes claiming 2 GiB of metadata: Arrow's reader would allocate it on the heap. */
  @Test
  void arrowFramesClaimingHugeSizesAreRefusedBeforeAllocating() {
    byte[] hostile = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xF0, (byte) 0xFF, (byte) 0xFF, 0x7F};
    assertThatThrownBy(() -> parse("application/vnd.apache.arrow.stream", null, hostile))
        .isInstanceOf(BulkPointsParser.UnreadableBody.class).hasMessageContaining("metadata");
    byte[] legacy = {(byte) 0xF0, (byte) 0xFF, (byte) 0xFF, 0x7F, 1, 2, 3};
    assertThatThrownBy(() -> parse("application/vnd.apache.arrow.stream", null, legacy))
        .isInstanceOf(BulkPointsParser.UnreadableBody.class);
  }

  @Test
  void arrowFloatsAreTheirShortestPlainText() throws Exception {
    double[] values = {0.1, 1e-5, 1e23, 2.5, -0.0, 123456789.123};
    String[] texts = {"0.1", "0.00001", "100000000000000000000000", "2.5", "0", "123456789.123"};
    byte[] stream;
    try (RootAllocator allocator = new RootAllocator();
        VarCharVector series = new VarCharVector("seriesId", allocator);
        Float8Vector value = new Float8Vector("value", allocator)) {
      for (int i = 0; i < values.length; i++) {
        series.setSafe(i, "7".getBytes(StandardCharsets.UTF_8));
        value.setSafe(i, values[i]);
      }
      series.setValueCount(values.length);
      value.setValueCount(values.length);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (VectorSchemaRoot root = VectorSchemaRoot.of(series, value);
          ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
        writer.start();
        writer.writeBatch();
        writer.end();
      }
      stream = out.toByteArray();
    }
    assertThat(parse("application/vnd.apache.arrow.stream", null, stream)).extracting(ReceivedPoint::value)
        .containsExactly(texts);
  }
}
