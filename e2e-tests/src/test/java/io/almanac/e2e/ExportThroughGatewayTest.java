package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.GraphQLClient;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * An analyst downloads series as CSV and Arrow from the gateway's origin (which forwards {@code /export/*}
 * to the financial subgraph) and gets what {@code data} answers over GraphQL through the same gateway.
 */
@ExtendWith(RunningAlmanac.class)
class ExportThroughGatewayTest {

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** date and value (null when missing) of each row. */
  private record Row(LocalDate date, Double value) {}

  private HttpResponse<byte[]> download(String pathAndQuery, String authorization) throws Exception {
    URI gateway = RunningAlmanac.get().stack().gateway();
    HttpRequest.Builder request = HttpRequest.newBuilder(gateway.resolve(pathAndQuery)).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static List<Row> data(String id, String asOf) {
    GraphQLClient gateway = RunningAlmanac.get().gateway();
    JsonNode data = gateway.data("query($id: ID!, $asOf: Date) { series(id: $id) { data(asOf: $asOf) { dates values } } }",
        asOf == null ? Map.of("id", id) : Map.of("id", id, "asOf", asOf)).path("series").path("data");
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < data.path("dates").size(); i++) {
      JsonNode value = data.path("values").get(i);
      rows.add(new Row(LocalDate.parse(data.path("dates").get(i).asString()), value.isNull() ? null : value.asDouble()));
    }
    return rows;
  }

  private static List<Row> csv(byte[] body) throws Exception {
    try (CSVParser parser = CSVParser.builder()
        .setReader(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8))
        .setFormat(CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()).get()) {
      assertThat(parser.getHeaderNames()).containsExactly("date", "value");
      List<Row> rows = new ArrayList<>();
      for (CSVRecord record : parser) {
        rows.add(new Row(LocalDate.parse(record.get(0)), record.get(1).isEmpty() ? null : Double.valueOf(record.get(1))));
      }
      return rows;
    }
  }

  private static List<Row> arrow(byte[] body) throws Exception {
    try (RootAllocator allocator = new RootAllocator();
        ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(body), allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      assertThat(root.getSchema().getFields()).extracting(f -> f.getName()).containsExactly("date", "value");
      List<Row> rows = new ArrayList<>();
      while (reader.loadNextBatch()) {
        DateDayVector dates = (DateDayVector) root.getVector(0);
        Float8Vector values = (Float8Vector) root.getVector(1);
        for (int i = 0; i < root.getRowCount(); i++) {
          rows.add(new Row(LocalDate.ofEpochDay(dates.get(i)), values.isNull(i) ? null : values.get(i)));
        }
      }
      return rows;
    }
  }

  @Test
  void csvAndArrowExportsThroughTheGatewayAreWhatDataAnswers() throws Exception {
    RunningAlmanac.Almanac almanac = RunningAlmanac.get();
    String admin = almanac.stack().adminAuthorization();
    String equity = almanac.demo().seriesIds().get("EQUITY_INDEX");
    String gdp = almanac.demo().seriesIds().get("GDP_GROWTH");
    for (String[] read : new String[][] {{equity, null}, {gdp, null}, {gdp, "2021-01-01"}}) {
      String query = read[1] == null ? "" : "?asOf=" + read[1];
      List<Row> expected = data(read[0], read[1]);
      assertThat(expected).isNotEmpty();

      HttpResponse<byte[]> csv = download("/export/series/" + read[0] + ".csv" + query, admin);
      assertThat(csv.statusCode()).isEqualTo(200);
      assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
      assertThat(csv.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment; filename=");
      assertThat(csv(csv.body())).as("csv of %s as of %s", read[0], read[1]).isEqualTo(expected);

      HttpResponse<byte[]> arrow = download("/export/series/" + read[0] + ".arrow" + query, admin);
      assertThat(arrow.statusCode()).isEqualTo(200);
      assertThat(arrow.headers().firstValue("Content-Type").orElseThrow())
          .isEqualTo("application/vnd.apache.arrow.stream");
      assertThat(arrow(arrow.body())).as("arrow of %s as of %s", read[0], read[1]).isEqualTo(expected);
    }
    assertThat(csv(download("/export/series/" + equity + ".csv", admin).body())).hasSizeGreaterThan(3_000);
  }

  @Test
  void refusalsComeBackThroughTheGatewayWithTheirStatusAndCode() throws Exception {
    String equity = RunningAlmanac.get().demo().seriesIds().get("EQUITY_INDEX");
    HttpResponse<byte[]> anonymous = download("/export/series/" + equity + ".csv", null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(new String(anonymous.body(), StandardCharsets.UTF_8)).contains("\"UNAUTHENTICATED\"");

    HttpResponse<byte[]> badDate = download("/export/series/" + equity + ".csv?from=2024-02-30",
        RunningAlmanac.get().stack().adminAuthorization());
    assertThat(badDate.statusCode()).isEqualTo(400);
    assertThat(new String(badDate.body(), StandardCharsets.UTF_8)).contains("\"BAD_USER_INPUT\"", "\"argument\":\"from\"");
  }
}
