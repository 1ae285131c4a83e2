package io.almanac.financial.exports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import io.almanac.financial.FinancialSubgraphFixture;
import io.almanac.financial.observations.ObservationHistories;
import io.almanac.financial.observations.ResponseLimit;
import io.almanac.financial.series.SeriesCatalog;
import io.almanac.graphql.HttpErrorHandler;
import io.almanac.graphql.auth.HttpCallers;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The export endpoints over the application's real HTTP port, on the fixture's seeded series (GDPC1 with
 * three vintages of 2024Q1 and a missing value, SP500 daily): each file read back by its
 * format's own reader and compared with what GraphQL's {@code data} and {@code observations} answer for the
 * same arguments; refusals in GraphQL's error shape with their status.
 */
class ExportHttpTest extends FinancialSubgraphFixture {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final List<Column.Type> SERIES = List.of(Column.Type.DATE, Column.Type.DOUBLE);
  private static final List<Column.Type> SERIES_DECIMALS = List.of(Column.Type.DATE, Column.Type.DOUBLE,
      Column.Type.TEXT);

  @LocalServerPort int port;
  @Autowired SeriesCatalog catalog;
  @Autowired ObservationHistories histories;
  @Autowired HttpCallers httpCallers;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private HttpResponse<byte[]> fetch(String pathAndQuery, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> fetch(String pathAndQuery) throws Exception {
    return fetch(pathAndQuery, viewer());
  }

  private static ExportFiles.Table read(ExportFormat format, HttpResponse<byte[]> response, List<Column.Type> types)
      throws Exception {
    assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith(format.mediaType().split(";")[0]);
    return ExportFiles.read(format, response.body(), types);
  }

  /** {@code data}'s rows over GraphQL: date, then the value (null when missing). */
  @SuppressWarnings("unchecked")
  private List<List<Object>> data(String id, String arguments) throws Exception {
    Map<String, Object> data = (Map<String, Object>) ((Map<String, Object>) run(
        "{ series(id: \"" + id + "\") { data" + arguments + " { dates values } } }").get("series")).get("data");
    List<String> dates = (List<String>) data.get("dates");
    List<Number> values = (List<Number>) data.get("values");
    List<List<Object>> rows = new ArrayList<>();
    for (int i = 0; i < dates.size(); i++) {
      rows.add(Arrays.asList(LocalDate.parse(dates.get(i)), values.get(i) == null ? null : values.get(i).doubleValue()));
    }
    return rows;
  }

  /** {@code observations}' exact values by date over GraphQL. */
  @SuppressWarnings("unchecked")
  private Map<LocalDate, String> exact(String id, String arguments) throws Exception {
    List<Map<String, Object>> nodes = (List<Map<String, Object>>) ((Map<String, Object>) ((Map<String, Object>) run(
        "{ series(id: \"" + id + "\") { observations" + arguments + " { nodes { date value } } } }").get("series"))
        .get("observations")).get("nodes");
    Map<LocalDate, String> values = new TreeMap<>();
    nodes.forEach(n -> values.put(LocalDate.parse(n.get("date").toString()),
        n.get("value") == null ? null : n.get("value").toString()));
    return values;
  }

  private static JsonNode error(HttpResponse<byte[]> response, int status) {
    assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
    JsonNode errors = JSON.readTree(response.body()).path("errors");
    assertThat(errors.size()).isEqualTo(1);
    return errors.get(0);
  }

  @Test
  void aSeriesAsCsvIsWhatDataAnswers() throws Exception {
    HttpResponse<byte[]> response = fetch("/export/series/3.csv?from=2024-01-05&to=2024-01-20");
    assertThat(response.headers().firstValue("Content-Disposition").orElseThrow())
        .isEqualTo("attachment; filename=\"SP500.csv\"");
    ExportFiles.Table table = read(ExportFormat.CSV, response, SERIES);
    assertThat(table.columns()).containsExactly("date", "value");
    List<List<Object>> expected = data("3", "(from: \"2024-01-05\", to: \"2024-01-20\")");
    assertThat(expected).hasSizeGreaterThan(10);
    assertThat(table.rows()).isEqualTo(expected);
    // The whole series, and a range without observations (a header only).
    assertThat(read(ExportFormat.CSV, fetch("/export/series/3.csv"), SERIES).rows()).isEqualTo(data("3", ""));
    assertThat(new String(fetch("/export/series/3.csv?from=2030-01-01").body())).isEqualTo("date,value\r\n");
  }

  @Test
  void aSeriesAsArrowAndParquetWithDecimalsIsWhatDataAndObservationsAnswerAsOfEachDate() throws Exception {
    seed();
    for (String asOf : new String[] {"2024-05-01", "2024-06-01", "2024-12-31"}) {
      List<List<Object>> expected = new ArrayList<>();
      Map<LocalDate, String> exact = exact("1", "(asOf: \"" + asOf + "\")");
      for (List<Object> row : data("1", "(asOf: \"" + asOf + "\")")) {
        expected.add(Arrays.asList(row.get(0), row.get(1), exact.get((LocalDate) row.get(0))));
      }
      for (ExportFormat format : new ExportFormat[] {ExportFormat.ARROW, ExportFormat.PARQUET, ExportFormat.CSV}) {
        HttpResponse<byte[]> response = fetch("/export/series/1." + format.extension() + "?asOf=" + asOf
            + "&decimals=true");
        assertThat(response.headers().firstValue("Content-Disposition").orElseThrow())
            .isEqualTo("attachment; filename=\"GDPC1." + format.extension() + "\"");
        ExportFiles.Table table = read(format, response, SERIES_DECIMALS);
        assertThat(table.columns()).containsExactly("date", "value", "decimal");
        assertThat(table.rows()).as("%s as of %s", format, asOf).isEqualTo(expected);
      }
    }
    // As of the end of 2024, the third quarter is published as missing: a row with null value.
    assertThat(exact("1", "(asOf: \"2024-12-31\")")).containsEntry(LocalDate.parse("2024-07-01"), null)
        .containsEntry(LocalDate.parse("2024-01-01"), "1.4");
  }

  @Test
  void aWidePanelAlignsSeriesOnTheUnionOfTheirDatesAndALongOneListsThem() throws Exception {
    List<List<Object>> gdp = data("1", "");
    List<List<Object>> sp500 = data("3", "");
    TreeSet<LocalDate> union = new TreeSet<>();
    Map<LocalDate, Object> gdpByDate = new TreeMap<>();
    Map<LocalDate, Object> spByDate = new TreeMap<>();
    gdp.forEach(r -> gdpByDate.put((LocalDate) r.get(0), r.get(1)));
    sp500.forEach(r -> spByDate.put((LocalDate) r.get(0), r.get(1)));
    union.addAll(gdpByDate.keySet());
    union.addAll(spByDate.keySet());
    List<List<Object>> wide = new ArrayList<>();
    union.forEach(d -> wide.add(Arrays.asList(d, spByDate.get(d), gdpByDate.get(d))));
    for (ExportFormat format : ExportFormat.values()) {
      HttpResponse<byte[]> response = fetch("/export/panel." + format.extension() + "?ids=3,1");
      assertThat(response.headers().firstValue("Content-Disposition").orElseThrow())
          .isEqualTo("attachment; filename=\"panel." + format.extension() + "\"");
      ExportFiles.Table table = read(format, response, List.of(Column.Type.DATE, Column.Type.DOUBLE, Column.Type.DOUBLE));
      assertThat(table.columns()).containsExactly("date", "SP500", "GDPC1");
      assertThat(table.rows()).as(format.name()).isEqualTo(wide);

      List<List<Object>> tall = new ArrayList<>();
      gdp.forEach(r -> tall.add(Arrays.asList("1", r.get(0), r.get(1))));
      sp500.forEach(r -> tall.add(Arrays.asList("3", r.get(0), r.get(1))));
      ExportFiles.Table longTable = read(format, fetch("/export/panel." + format.extension() + "?ids=1&ids=3&layout=long"),
          List.of(Column.Type.TEXT, Column.Type.DATE, Column.Type.DOUBLE));
      assertThat(longTable.columns()).containsExactly("series_id", "date", "value");
      assertThat(longTable.rows()).as(format.name()).isEqualTo(tall);
    }
  }

  @Test
  void theVintagePanelHasOneColumnPerVintageAsDataAnswersAsOfIt() throws Exception {
    List<String> vintages = List.of("2024-12-31", "2024-05-01", "2024-06-01");
    List<Map<LocalDate, Object>> views = new ArrayList<>();
    TreeSet<LocalDate> dates = new TreeSet<>();
    for (String vintage : vintages) {
      Map<LocalDate, Object> view = new TreeMap<>();
      data("1", "(asOf: \"" + vintage + "\")").forEach(r -> view.put((LocalDate) r.get(0), r.get(1)));
      views.add(view);
      dates.addAll(view.keySet());
    }
    List<List<Object>> expected = new ArrayList<>();
    for (LocalDate date : dates) {
      List<Object> row = new ArrayList<>(List.of(date));
      views.forEach(view -> row.add(view.get(date)));
      expected.add(row);
    }
    for (ExportFormat format : ExportFormat.values()) {
      HttpResponse<byte[]> response = fetch("/export/vintages/1." + format.extension()
          + "?vintageDates=" + String.join(",", vintages));
      assertThat(response.headers().firstValue("Content-Disposition").orElseThrow())
          .isEqualTo("attachment; filename=\"GDPC1_vintages." + format.extension() + "\"");
      ExportFiles.Table table = read(format, response,
          List.of(Column.Type.DATE, Column.Type.DOUBLE, Column.Type.DOUBLE, Column.Type.DOUBLE));
      assertThat(table.columns()).containsExactly("date", "GDPC1_20241231", "GDPC1_20240501", "GDPC1_20240601");
      assertThat(table.rows()).as(format.name()).isEqualTo(expected);
    }
  }

  @Test
  void readsNeedAValidKeyLikeGraphQLReads() throws Exception {
    seed();
    assertThat(error(fetch("/export/series/3.csv", null), 401).path("extensions").path("code").asString())
        .isEqualTo("UNAUTHENTICATED");
    assertThat(error(fetch("/export/panel.arrow?ids=3", "Bearer alm_00000000_" + "0".repeat(48)), 401)
        .path("extensions").path("code").asString()).isEqualTo("UNAUTHENTICATED");
    // An unknown id is not revealed to a caller without a key.
    assertThat(error(fetch("/export/series/999.csv", null), 401).path("extensions").path("code").asString())
        .isEqualTo("UNAUTHENTICATED");
  }

  @Test
  void badParametersAreBadUserInputNamingTheParameterAndUnknownSeriesNotFound() throws Exception {
    Map<String, String> badInput = new TreeMap<>(Map.ofEntries(
        Map.entry("/export/series/3.xlsx", "format"),
        Map.entry("/export/series/3", "format"),
        Map.entry("/export/series/abc.csv", "id"),
        Map.entry("/export/series/3.csv?from=2024-13-01", "from"),
        Map.entry("/export/series/3.csv?from=2024-02-01&to=2024-01-01", "from"),
        Map.entry("/export/series/3.csv?asOf=yesterday", "asOf"),
        Map.entry("/export/series/3.csv?transform=PERCENT_CHANGE_FROM_LAST_WEEK", "transform"),
        Map.entry("/export/series/3.csv?aggregation=MEDIAN", "aggregation"),
        Map.entry("/export/series/3.csv?weekEnding=FRYDAY", "weekEnding"),
        Map.entry("/export/series/3.csv?firstRelease=maybe", "firstRelease"),
        Map.entry("/export/series/3.csv?decimals=yes", "decimals"),
        Map.entry("/export/series/3.csv?from=2024-01-01&from=2024-01-02", "from"),
        Map.entry("/export/panel.csv", "ids"),
        Map.entry("/export/panel.csv?ids=1,x", "ids"),
        Map.entry("/export/panel.csv?ids=1,3,1", "ids"),
        Map.entry("/export/panel.csv?ids=1&layout=diagonal", "layout"),
        Map.entry("/export/panel.txt?ids=1", "format"),
        Map.entry("/export/vintages/1.csv", "vintageDates"),
        Map.entry("/export/vintages/1.csv?vintageDates=2024-05-01,2024-05-01", "vintageDates"),
        Map.entry("/export/vintages/1.csv?vintageDates=2024-05-01,someday", "vintageDates"),
        Map.entry("/export/vintages/1.csv?vintageDates=2024-05-01&asOf=2024-06-01", "asOf"),
        Map.entry("/export/vintages/1.csv?vintageDates=2024-05-01&firstRelease=true", "firstRelease"),
        // Parameters the export does not read, and flags without a value, are refused, not ignored.
        Map.entry("/export/series/3.csv?last=2", "last"),
        Map.entry("/export/series/3.csv?fro=2024-01-01", "fro"),
        Map.entry("/export/series/3.csv?decimals", "decimals"),
        Map.entry("/export/series/3.csv?firstRelease=", "firstRelease"),
        Map.entry("/export/panel.csv?ids=1&vintageDates=2024-05-01", "vintageDates"),
        Map.entry("/export/vintages/1.csv?vintageDates=2024-05-01&layout=long", "layout")));
    for (var entry : badInput.entrySet()) {
      JsonNode error = error(fetch(entry.getKey()), 400);
      assertThat(error.path("extensions").path("code").asString()).as(entry.getKey()).isEqualTo("BAD_USER_INPUT");
      assertThat(error.path("extensions").path("argument").asString()).as(entry.getKey()).isEqualTo(entry.getValue());
    }
    assertThat(error(fetch("/export/series/3.csv?last=2"), 400).path("message").asString())
        .contains("this export reads from, to, asOf").contains("cut it with from and to");
    // Steps the series cannot take are refused by the read pipeline, as in GraphQL: daily is higher than quarterly.
    assertThat(error(fetch("/export/series/1.csv?frequency=DAILY"), 400).path("extensions").path("code").asString())
        .isEqualTo("BAD_USER_INPUT");
    assertThat(error(fetch("/export/panel.csv?ids=1,3&frequency=DAILY"), 400).path("extensions").path("code")
        .asString()).isEqualTo("BAD_USER_INPUT");

    for (String unknown : List.of("/export/series/999.csv", "/export/panel.parquet?ids=1,999",
        "/export/vintages/999.arrow?vintageDates=2024-05-01")) {
      JsonNode error = error(fetch(unknown), 404);
      assertThat(error.path("extensions").path("code").asString()).isEqualTo("NOT_FOUND");
      assertThat(error.path("message").asString()).contains("999");
    }
  }

  @Test
  void exportsPastTheResponsePointLimitAreRefusedBeforeAnyByteIsSent() throws Exception {
    seed();
    // The application's controller classes and beans, with a limit of 10 points.
    ExportController limited = new ExportController(catalog, histories, new ResponseLimit(10), httpCallers);
    MockMvc mvc = MockMvcBuilders.standaloneSetup(limited).setControllerAdvice(new HttpErrorHandler()).build();
    // Sizes counted here from GraphQL's answers: rows of a series or long panel, dates x columns otherwise.
    List<List<Object>> sp500 = data("3", "");
    List<List<Object>> gdp = data("1", "");
    TreeSet<Object> union = new TreeSet<>();
    sp500.forEach(r -> union.add(r.get(0)));
    gdp.forEach(r -> union.add(r.get(0)));
    List<String> vintages = List.of("2024-05-01", "2024-06-01", "2024-07-01", "2024-08-01", "2024-09-01", "2024-12-31");
    TreeSet<Object> vintageDates = new TreeSet<>();
    for (String vintage : vintages) {
      data("1", "(asOf: \"" + vintage + "\")").forEach(r -> vintageDates.add(r.get(0)));
    }
    Map<String, String> refused = Map.of(
        "/export/series/3.csv", String.format("%,d points", sp500.size()),
        "/export/panel.arrow?ids=1,3", String.format("%,d dates x 2 series would return %,d points", union.size(),
            2 * union.size()),
        "/export/panel.arrow?ids=1,3&layout=long", String.format("%,d points", sp500.size() + gdp.size()),
        "/export/vintages/1.parquet?vintageDates=" + String.join(",", vintages),
        String.format("%,d points", vintages.size() * vintageDates.size()));
    assertThat(sp500.size()).isGreaterThan(10);
    assertThat(vintages.size() * vintageDates.size()).isGreaterThan(10);
    for (var entry : refused.entrySet()) {
      MockHttpServletResponse response = mvc.perform(get(entry.getKey()).header("Authorization", viewer()))
          .andReturn().getResponse();
      assertThat(response.getStatus()).as(entry.getKey()).isEqualTo(429);
      JsonNode error = JSON.readTree(response.getContentAsString()).path("errors").get(0);
      assertThat(error.path("extensions").path("code").asString()).isEqualTo("LIMIT_EXCEEDED");
      assertThat(error.path("message").asString()).as(entry.getKey()).contains(entry.getValue(), "the limit is 10");
    }
    MockHttpServletResponse small = mvc.perform(get("/export/series/3.csv?to=2024-01-10").header("Authorization",
        viewer())).andReturn().getResponse();
    assertThat(small.getStatus()).isEqualTo(200);
    assertThat(ExportFiles.readCsv(new ByteArrayInputStream(small.getContentAsByteArray()), SERIES).rows()).hasSize(10);
  }

  /** A query string Tomcat cannot decode (a bad %-escape) is the client's mistake: 400 naming the query, not 500. */
  @Test
  void anUndecodableQueryStringIsBadUserInput() throws Exception {
    // Sent as raw bytes: java.net.URI refuses to build such a URL.
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET /export/series/1.csv?from=%ZZ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + viewer()
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 400");
      assertThat(answer).contains("\"code\":\"BAD_USER_INPUT\"", "\"argument\":\"query\"");
    }
  }
}
