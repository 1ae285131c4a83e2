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

  private static List<ReceivedPoint> parse(String contentType, String body) throws IOException {
    return BulkPointsParser.parse(contentType, new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static ReceivedPoint point(int index, String seriesId, String providerId, String externalId, String date,
      String value, String revisionDate) {
    return new ReceivedPoint(index, seriesId, providerId, externalId, date, value, revisionDate, null, null, null);
  }

  private static ReceivedPoint malformed(int index, String reason) {
    return new ReceivedPoint(index, null, null, null, null, null, null, reason, null, null);
  }

  @Test
  void ndjsonReadsFieldsAsTextAndReportsMalformedLines() throws IOException {
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

  @Test
  void ndjsonQuotesAtMost500CharactersOfAMalformedLine() throws IOException {
    String line = "x".repeat(600);
    ReceivedPoint only = parse("application/x-ndjson; charset=utf-8", line).get(0);
    assertThat(only.malformed()).isEqualTo("line is not a JSON object: " + "x".repeat(500) + "...");
  }

  @Test
  void csvHonoursQuotesAndReportsRowsThatDoNotFitTheHeader() throws IOException {
    String body = "provider_id,externalId,Date,value,revision_date,comment\n"
        + "3,\"GDP, real\",2024-04-01,\"1000.5\",2024-04-02,\"says \"\"hi\"\", twice\"\n"
        + "3,\"say \"\"hi\"\"\",2024-04-02,,,\n"
        + "\n"
        + "3,GDP,2024-04-03,1\n"
        + "3,\"GDP,2024-04-04,2,,\n";
    assertThat(parse("text/csv", body)).containsExactly(
        point(0, null, "3", "GDP, real", "2024-04-01", "1000.5", "2024-04-02"),
        point(1, null, "3", "say \"hi\"", "2024-04-02", null, null),
        malformed(2, "row has 4 fields, the header 6: 3,GDP,2024-04-03,1"),
        malformed(3, "row has an unclosed quote: 3,\"GDP,2024-04-04,2,,"));
    assertThat(parse("text/csv", "seriesId,date,value\n")).isEmpty();
    assertThat(parse("text/csv", "")).isEmpty();
  }

  @Test
  void arrowStreamsReadEachColumnTypeAsText() throws IOException {
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
    List<ReceivedPoint> points =
        BulkPointsParser.parse("application/vnd.apache.arrow.stream", new ByteArrayInputStream(stream));
    assertThat(points).containsExactly(
        point(0, "7", null, null, "2024-05-01", "1.001", "2024-05-10"),
        point(1, "7", null, null, "2024-05-02", null, null),
        point(2, "7", null, null, "2024-05-03", "3.003", "2024-05-10"),
        point(3, "7", null, null, "2024-05-04", "4.004", "2024-05-10"));
  }

  @Test
  void floatValuesAreTheirShortestText() throws IOException {
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
    assertThat(BulkPointsParser.parse("application/vnd.apache.arrow.stream", new ByteArrayInputStream(stream)))
        .containsExactly(point(0, "7", null, null, "2024-02-30", "2.5", null));
  }

  @Test
  void otherContentTypesAreRefusedNamingTheAcceptedOnes() {
    for (String type : new String[] {"application/json", "text/plain", null}) {
      assertThatThrownBy(() -> parse(type, "{}")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("application/x-ndjson").hasMessageContaining("text/csv")
          .hasMessageContaining("application/vnd.apache.arrow.stream");
    }
  }
}
