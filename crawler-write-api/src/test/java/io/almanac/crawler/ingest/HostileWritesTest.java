package io.almanac.crawler.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.crawler.Json;
import io.almanac.graphql.ErrorCode;
import io.almanac.graphql.auth.ApiKeyStore;
import io.almanac.graphql.auth.Role;
import io.almanac.graphql.auth.TestDatabases;
import io.almanac.store.TimeseriesReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A corpus of hostile uploads over real HTTP, against a real PostgreSQL and real Iceberg tables, through
 * both write paths ({@code POST /bulk/points} in its three formats, {@code bulkUpsertDataPoints}) and the
 * other crawler mutations' text fields: every answer is a documented one (no 5xx, codes from
 * {@link ErrorCode} and {@link PointErrorCode}, no stack trace or SQL), an atomic batch with a bad point
 * writes nothing, and every batch answered with a result is in the raw archive with all its points.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HostileWritesTest {

  /** Text fields of every kind: SQL, paths, control and bidi characters, unicode, empty, giant. */
  static final List<String> HOSTILE = List.of("", " ", "'; DROP TABLE crawler.series_keys; --", "1 OR 1=1",
      "../../../../etc/passwd", "..\\..\\windows\\win.ini", "%00%2e%2e/", "\u0000", "a\u0000b", "\u0007\b\f\u001b[31m",
      "\u202Eevil\u202C", "\uFEFF", "\uD800", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ﷽", "NaN", "Infinity", "-Infinity", "1e400",
      "1E+2147483647", "99999999999999999999999999999.5", "0.00000000001", "1,5", "0x1F", "2024-02-30",
      "0000-01-01", "10000-01-01", "+10000-01-01", "-0001-12-31", "2024-13-45", "20240101", "\"", "{\"a\":1}",
      "<script>alert(1)</script>", "${jndi:ldap://x/a}", "x".repeat(70_000));

  @LocalServerPort int port;
  @Autowired ApiKeyStore keys;
  @Autowired TimeseriesReader reader;
  @Autowired org.jooq.DSLContext db;
  /** {@code archivedBatch}'s source. */
  @Autowired BulkUpsertService service;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private String crawler;
  private static long seriesId;
  private static long providerId;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestDatabases.register(registry);
  }

  @BeforeEach
  void seriesAndKey() {
    crawler = "Bearer " + keys.create(1, Role.CRAWLER, "hostile").secret();
    if (seriesId == 0) {
      providerId = db.insertInto(io.almanac.crawler.db.Tables.PROVIDERS)
          .set(io.almanac.crawler.db.Tables.PROVIDERS.NAME, "Hostile").set(io.almanac.crawler.db.Tables.PROVIDERS.TYPE, "FILE")
          .set(io.almanac.crawler.db.Tables.PROVIDERS.STATUS, "ACTIVE").returning().fetchOne().getId();
      seriesId = db.insertInto(io.almanac.crawler.db.Tables.SERIES_KEYS)
          .set(io.almanac.crawler.db.Tables.SERIES_KEYS.PROVIDER_ID, providerId)
          .set(io.almanac.crawler.db.Tables.SERIES_KEYS.EXTERNAL_ID, "H").returning().fetchOne().getId();
    }
  }

  private HttpResponse<String> send(String path, String contentType, byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Content-Type", contentType).header("Authorization", crawler)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private int rows() {
    var history = reader.readHistories(List.of(seriesId), reader.observationsSnapshot()).get(seriesId);
    return history == null ? 0 : history.size();
  }

  /** The answer is documented; returns the result of a batch that was received, else null. */
  private static JsonNode checkAnswer(String what, HttpResponse<String> response) {
    assertThat(response.statusCode()).as(what).isIn(200, 400, 413, 415);
    assertThat(response.body()).as(what).doesNotContain("Exception", "\tat ", "SELECT", "INSERT ", "org.")
        .doesNotContain("INTERNAL");
    JsonNode json = Json.MAPPER.readTree(response.body());
    if (response.statusCode() != 200) {
      JsonNode extensions = json.path("errors").get(0).path("extensions");
      assertThat(names(ErrorCode.class)).as(what).contains(extensions.path("code").asString());
      return null;
    }
    if (json.has("data") && !json.path("errors").isEmpty()) {
      // GraphQL refused the request as a whole (a bad batch id): documented codes only.
      for (JsonNode error : json.path("errors")) {
        assertThat(names(ErrorCode.class)).as(what).contains(error.path("extensions").path("code").asString());
      }
      return null;
    }
    JsonNode result = json.has("data") ? json.path("data").path("bulkUpsertDataPoints") : json;
    assertThat(result.path("status").asString()).as(what).isIn("COMMITTED", "PARTIAL", "REJECTED");
    for (JsonNode error : result.path("errors")) {
      assertThat(names(PointErrorCode.class)).as(what).contains(error.path("code").asString());
    }
    return result;
  }

  private static <E extends Enum<E>> Set<String> names(Class<E> type) {
    return EnumSet.allOf(type).stream().map(Enum::name).collect(Collectors.toSet());
  }

  /** Every received batch is archived with all its points; an atomic one with errors wrote nothing. */
  private void checkBatch(String what, String batchId, boolean atomic, JsonNode result, int rowsBefore) {
    if (result == null) {
      return;
    }
    io.almanac.store.RawBatch archived = service.archived(batchId).orElse(null);
    assertThat(archived).as(what + ": archived").isNotNull();
    int points = result.path("summary").path("totalProcessed").asInt();
    assertThat(archived.points().stream().filter(p -> p.index() != null).count()).as(what).isEqualTo(points);
    if (atomic && !result.path("errors").isEmpty()) {
      assertThat(result.path("summary").path("successful").asInt()).as(what).isZero();
      assertThat(rows()).as(what + ": atomic batch with errors wrote nothing").isEqualTo(rowsBefore);
    }
  }


  /** Lines and rows made of the hostile strings in every field, around a valid point. */
  private List<Map<String, Object>> hostilePoints(int dateOffset) {
    List<Map<String, Object>> points = new ArrayList<>();
    String validDate = java.time.LocalDate.of(1700, 1, 1).plusDays(dateOffset).toString();
    points.add(new LinkedHashMap<>(Map.of("seriesId", String.valueOf(seriesId), "date", validDate, "value", "1.5")));
    for (String text : HOSTILE) {
      for (String field : List.of("seriesId", "providerId", "externalId", "date", "value", "revisionDate")) {
        Map<String, Object> p = new LinkedHashMap<>(Map.of("seriesId", String.valueOf(seriesId), "date", validDate));
        if (field.equals("externalId")) {
          p.put("providerId", String.valueOf(providerId));
        }
        p.put(field, text);
        points.add(p);
      }
    }
    return points;
  }

  @Test
  void hostileNdjsonCsvAndArrowBodiesGetDocumentedAnswers() throws Exception {
    List<Map<String, Object>> points = hostilePoints(0);
    StringBuilder ndjson = new StringBuilder();
    for (Map<String, Object> p : points) {
      ndjson.append(Json.MAPPER.writeValueAsString(p)).append('\n');
    }
    ndjson.append("{\"seriesId\": ").append(seriesId).append(", \"date\": \"1700-01-02\", \"value\": NaN}\n")
        .append("{\"seriesId\": [1], \"date\": 20240101, \"value\": true}\n")
        .append("{\"value\": 1e400, \"date\": {\"y\": 2024}}\n")
        .append("{\"seriesId\": \"").append(seriesId).append("\", \"date\": \"1700-01-03\", \"value\": 1234567890.12345678901}\n")
        .append("[\"not\", \"an\", \"object\"]\n{\"unterminated\": \"\n\u0000\u0001\u0002\n");
    StringBuilder csv = new StringBuilder("seriesId;providerId;externalId;date;value;revisionDate\r\n");
    for (Map<String, Object> p : points) {
      List<String> cells = new ArrayList<>();
      for (String f : List.of("seriesId", "providerId", "externalId", "date", "value", "revisionDate")) {
        Object v = p.get(f);
        cells.add(v == null ? "" : "\"" + v.toString().replace("\"", "\"\"") + "\"");
      }
      csv.append(String.join(";", cells)).append("\r\n");
    }
    csv.append("7;only three;cells\r\n\"unclosed;1;2\r\n");
    Map<String, byte[]> bodies = new LinkedHashMap<>();
    bodies.put("application/x-ndjson", ndjson.toString().getBytes(StandardCharsets.UTF_8));
    bodies.put("text/csv", csv.toString().getBytes(StandardCharsets.UTF_8));
    bodies.put("text/csv; charset=UTF-16", csv.toString().getBytes(StandardCharsets.UTF_16));
    bodies.put("text/csv; charset=ISO-8859-1", csv.toString().getBytes(StandardCharsets.ISO_8859_1));
    bodies.put("text/csv; charset=no-such-charset", csv.toString().getBytes(StandardCharsets.UTF_8));
    bodies.put("application/vnd.apache.arrow.stream", Arrays.copyOf(ndjson.toString().getBytes(StandardCharsets.UTF_8), 64));
    bodies.put("application/vnd.apache.arrow.stream; x=1", new byte[] {-1, -1, -1, -1, -16, -1, -1, 127});
    bodies.put("application/x-ndjson; charset=utf-8", new byte[] {(byte) 0xC3, (byte) 0x28, 0x0A, (byte) 0xFF, 0x0A});
    bodies.put("text/csv ", "seriesId,date\n\"a\"b,2024-01-01\n".getBytes(StandardCharsets.UTF_8));
    bodies.put("application/json", "{}".getBytes(StandardCharsets.UTF_8));
    int n = 0;
    for (Map.Entry<String, byte[]> body : bodies.entrySet()) {
      for (boolean atomic : new boolean[] {true, false}) {
        String batchId = "hostile-http-" + (n++);
        int before = rows();
        HttpResponse<String> response = send("/bulk/points?batchId=" + batchId + "&atomic=" + atomic,
            body.getKey(), body.getValue());
        String what = body.getKey() + " atomic=" + atomic;
        checkBatch(what, batchId, atomic, checkAnswer(what, response), before);
      }
    }
  }

  @Test
  void hostileGraphQLUploadsAndMutationTextGetDocumentedAnswers() throws Exception {
    List<Map<String, Object>> points = hostilePoints(100);
    points.add(new HashMap<>(Map.of("seriesId", String.valueOf(seriesId), "date", "1700-05-01", "value",
        1234567890.1234567)));
    points.add(new HashMap<>(Map.of("seriesId", String.valueOf(seriesId), "date", "1700-05-02", "value", true)));
    for (boolean atomic : new boolean[] {true, false}) {
      String batchId = "hostile-graphql-" + atomic;
      int before = rows();
      HttpResponse<String> response = graphql("""
          mutation($input: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $input) {
            status summary { totalProcessed successful } errors { index code message } } }""",
          Map.of("input", Map.of("batchId", batchId, "atomic", atomic, "points", points)));
      checkBatch("graphql atomic=" + atomic, batchId, atomic, checkAnswer("graphql atomic=" + atomic, response),
          before);
    }
    for (String text : HOSTILE) {
      // As a batch id: over HTTP and GraphQL, a result or BAD_USER_INPUT naming it.
      byte[] one = ("{\"seriesId\": \"" + seriesId + "\", \"date\": \"1700-06-01\", \"value\": \"2\"}")
          .getBytes(StandardCharsets.UTF_8);
      HttpResponse<String> byHttp = send("/bulk/points?batchId="
          + java.net.URLEncoder.encode(text, StandardCharsets.UTF_8), "application/x-ndjson", one);
      if (text.length() > 8 * 1024) {
        // Past Tomcat's 8 KiB request line and headers: refused by the container before Spring, as 400.
        assertThat(byHttp.statusCode()).isEqualTo(400);
      } else {
        checkAnswer("batchId " + text.length(), byHttp);
      }
      checkAnswer("graphql batchId " + text.length(), graphql("""
          mutation($input: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $input) { status
            summary { totalProcessed successful } errors { index code message } } }""", Map.of("input", Map.of(
          "batchId", text, "points", List.of(Map.of("seriesId", String.valueOf(seriesId), "date", "1700-06-02"))))));
      Map<String, Object> series = new HashMap<>(Map.of("providerId", String.valueOf(providerId), "externalId", text,
          "title", text, "frequency", "DAILY"));
      series.put("description", text);
      series.put("units", text);
      checkMutation(graphql("mutation($s: [SeriesInput!]!) { upsertSeries(input: $s) { series { id } "
          + "errors { index field code } } }", Map.of("s", List.of(series))), "upsertSeries " + text.length());
      checkMutation(graphql("mutation($n: String!) { createProvider(input: {name: $n, type: API, description: $n}) "
          + "{ id name } }", Map.of("n", text)), "createProvider " + text.length());
    }
  }

  private static final Set<String> MUTATION_CODES = Set.of("BAD_USER_INPUT", "CONFLICT", "NOT_FOUND",
      "GRAPHQL_VALIDATION_FAILED", "LIMIT_EXCEEDED");

  private static void checkMutation(HttpResponse<String> response, String what) {
    assertThat(response.statusCode()).as(what).isLessThan(500);
    assertThat(response.body()).as(what).doesNotContain("Exception", "\tat ", "SELECT", "INSERT ");
    JsonNode json = Json.MAPPER.readTree(response.body());
    for (JsonNode error : json.path("errors")) {
      assertThat(error.path("extensions").path("code").asString()).as(what + ": " + error).isIn(MUTATION_CODES);
    }
  }

  private HttpResponse<String> graphql(String query, Map<String, Object> variables) throws Exception {
    Map<String, Object> body = new HashMap<>();
    body.put("query", query);
    body.put("variables", variables);
    return send("/graphql", "application/json", Json.MAPPER.writeValueAsBytes(body));
  }
}
