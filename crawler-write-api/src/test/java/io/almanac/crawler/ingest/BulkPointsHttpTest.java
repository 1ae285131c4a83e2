package io.almanac.crawler.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.crawler.Json;
import io.almanac.graphql.auth.ApiKeyStore;
import io.almanac.graphql.auth.Role;
import io.almanac.graphql.auth.TestDatabases;
import io.almanac.store.SeriesHistory;
import io.almanac.store.TimeseriesReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** {@code POST /bulk/points} over real HTTP, in its three formats. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BulkPointsHttpTest {


  @LocalServerPort int port;
  @Autowired ApiKeyStore keys;
  @Autowired TimeseriesReader reader;
  @Autowired org.jooq.DSLContext db;
  @Autowired BulkUpsertService service;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private String crawler;
  private static long seriesId;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestDatabases.register(registry);
  }

  @BeforeEach
  void seriesAndKey() {
    crawler = "Bearer " + keys.create(1, Role.CRAWLER, "http").secret();
    if (seriesId == 0) {
      long provider = db.insertInto(io.almanac.crawler.db.Tables.PROVIDERS)
          .set(io.almanac.crawler.db.Tables.PROVIDERS.NAME, "HTTP").set(io.almanac.crawler.db.Tables.PROVIDERS.TYPE, "FILE")
          .set(io.almanac.crawler.db.Tables.PROVIDERS.STATUS, "ACTIVE").returning().fetchOne().getId();
      seriesId = db.insertInto(io.almanac.crawler.db.Tables.SERIES_KEYS)
          .set(io.almanac.crawler.db.Tables.SERIES_KEYS.PROVIDER_ID, provider)
          .set(io.almanac.crawler.db.Tables.SERIES_KEYS.EXTERNAL_ID, "X").returning().fetchOne().getId();
    }
  }

  private HttpResponse<String> post(String query, String contentType, byte[] body, String auth) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/bulk/points" + query))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (auth != null) {
      request.header("Authorization", auth);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private SeriesHistory history() {
    return reader.readHistories(List.of(seriesId), reader.observationsSnapshot()).get(seriesId);
  }

  @Test
  void ndjsonReportsMalformedLinesAndBadValuesAndWritesTheRest() throws Exception {
    String body = "{\"seriesId\": \"" + seriesId + "\", \"date\": \"2024-03-01\", \"value\": 1.25, \"revisionDate\": \"2024-03-02\"}\n"
        + "{not json\n"
        + "{\"seriesId\": " + seriesId + ", \"date\": \"2024-03-02\", \"value\": \"abc\"}\n";
    HttpResponse<String> response = post("?batchId=nd-1", "application/x-ndjson", body.getBytes(StandardCharsets.UTF_8), crawler);
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode result = Json.MAPPER.readTree(response.body());
    assertThat(result.path("status").asString()).isEqualTo("PARTIAL");
    assertThat(result.path("errors").get(0).path("code").asString()).isEqualTo("MALFORMED_RECORD");
    assertThat(result.path("errors").get(0).path("index").asInt()).isEqualTo(1);
    assertThat(result.path("errors").get(1).path("code").asString()).isEqualTo("INVALID_VALUE");
    int[] rows = history().view(LocalDate.parse("2024-03-02"), LocalDate.parse("2024-03-01"), LocalDate.parse("2024-03-01"));
    assertThat(history().value(rows[0]).toPlainString()).isEqualTo("1.25");

    HttpResponse<String> again = post("?batchId=nd-1", "application/x-ndjson", "{}".getBytes(StandardCharsets.UTF_8), crawler);
    assertThat(Json.MAPPER.readTree(again.body()).path("replayed").asBoolean()).isTrue();
  }

  @Test
  void csvWithQuotesAndArrowStreamsAreCommitted() throws Exception {
    String csv = "seriesId,date,value,revision_date\n"
        + seriesId + ",2024-04-01,\"1000.5\",2024-04-02\n"
        + seriesId + ",2024-04-02,,2024-04-03\n";
    JsonNode csvResult = Json.MAPPER.readTree(post("", "text/csv", csv.getBytes(StandardCharsets.UTF_8), crawler).body());
    assertThat(csvResult.path("status").asString()).isEqualTo("COMMITTED");
    assertThat(csvResult.path("summary").path("successful").asInt()).isEqualTo(2);

    JsonNode arrowResult = Json.MAPPER.readTree(post("?atomic=true", "application/vnd.apache.arrow.stream", arrow(), crawler).body());
    assertThat(arrowResult.path("status").asString()).isEqualTo("COMMITTED");
    SeriesHistory h = history();
    int[] may = h.view(null, LocalDate.parse("2024-05-01"), LocalDate.parse("2024-05-03"));
    assertThat(may).hasSize(3);
    assertThat(h.value(may[2]).toPlainString()).isEqualTo("3.003");
    int[] april = h.view(null, LocalDate.parse("2024-04-02"), LocalDate.parse("2024-04-02"));
    assertThat(h.value(april[0])).isNull();
  }

  /** Excel's "CSV UTF-8" in a German locale: BOM, CRLF, quoted names, semicolons; NDJSON numbers exact. */
  @Test
  void spreadsheetCsvAndExactNdjsonNumbersAreCommitted() throws Exception {
    String csv = "\uFEFF\"Series ID\";\"DATE\";\"Value\";\"revision_date\"\r\n"
        + seriesId + ";2024-06-01;1000.25;2024-06-02\r\n"
        + ";;;\r\n";
    JsonNode csvResult = Json.MAPPER.readTree(post("?batchId=excel-1", "text/csv; charset=UTF-8",
        csv.getBytes(StandardCharsets.UTF_8), crawler).body());
    assertThat(csvResult.path("status").asString()).isEqualTo("COMMITTED");
    assertThat(csvResult.path("summary").path("successful").asInt()).isEqualTo(1);
    String ndjson = "\uFEFF{\"seriesId\": " + seriesId + ", \"date\": \"2024-06-03\", \"value\": 1234567890.1234567891,"
        + " \"revisionDate\": \"2024-06-04\"}\r\n\r\n";
    JsonNode ndjsonResult = Json.MAPPER.readTree(post("", "application/x-ndjson", ndjson.getBytes(StandardCharsets.UTF_8),
        crawler).body());
    assertThat(ndjsonResult.path("status").asString()).isEqualTo("COMMITTED");
    SeriesHistory h = history();
    int[] june = h.view(null, LocalDate.parse("2024-06-01"), LocalDate.parse("2024-06-03"));
    assertThat(june).hasSize(2);
    assertThat(h.value(june[0]).stripTrailingZeros().toPlainString()).isEqualTo("1000.25");
    assertThat(h.value(june[1]).stripTrailingZeros().toPlainString()).isEqualTo("1234567890.1234567891");
  }

  @Test
  void refusalsUseHttpStatusAndTheGraphQLErrorShape() throws Exception {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> anonymous = post("", "application/x-ndjson", body, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(Json.MAPPER.readTree(anonymous.body()).path("errors").get(0).path("extensions").path("code").asString())
        .isEqualTo("UNAUTHENTICATED");
    String viewer = "Bearer " + keys.create(2, Role.VIEWER, "viewer").secret();
    assertThat(post("", "application/x-ndjson", body, viewer).statusCode()).isEqualTo(403);
    HttpResponse<String> xml = post("", "application/xml", body, crawler);
    assertThat(xml.statusCode()).isEqualTo(415);
    assertThat(xml.body()).contains("BAD_USER_INPUT", "application/x-ndjson");
    HttpResponse<String> unknownCharset = post("", "text/csv; charset=x-unknown-9", body, crawler);
    assertThat(unknownCharset.statusCode()).isEqualTo(415);
    JsonNode charsetError = Json.MAPPER.readTree(unknownCharset.body()).path("errors").get(0);
    assertThat(charsetError.path("message").asString()).contains("x-unknown-9");
    assertThat(charsetError.path("extensions").path("argument").asString()).isEqualTo("Content-Type");
    HttpResponse<String> headerless = post("", "text/csv", "1,2024-01-01,5\n".getBytes(StandardCharsets.UTF_8), crawler);
    assertThat(headerless.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(headerless.body()).path("errors").get(0).path("extensions").path("argument")
        .asString()).isEqualTo("body");
    HttpResponse<String> pipe = post("?delimiter=%7C", "text/csv", body, crawler);
    assertThat(pipe.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(pipe.body()).path("errors").get(0).path("extensions").path("argument").asString())
        .isEqualTo("delimiter");
  }

  /**
   * Requests no endpoint is chosen for (an unknown path, another method, no Content-Type) are answered in
   * the same error shape with a code, not Spring Boot's default {@code {timestamp,status,error,path}} body.
   */
  @Test
  void requestsNoEndpointTakesAreRefusedInTheSameShape() throws Exception {
    String base = "http://127.0.0.1:" + port;
    HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(base + "/bulk/pointz"))
        .header("Authorization", crawler).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    JsonNode notFound = Json.MAPPER.readTree(unknown.body()).path("errors").get(0);
    assertThat(notFound.path("extensions").path("code").asString()).isEqualTo("NOT_FOUND");
    assertThat(notFound.path("message").asString()).isEqualTo("No endpoint at /bulk/pointz");

    for (String method : List.of("GET", "PUT", "DELETE")) {
      HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create(base + "/bulk/points"))
          .header("Authorization", crawler).header("Content-Type", "application/x-ndjson")
          .method(method, HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(other.statusCode()).as(method).isEqualTo(405);
      assertThat(other.headers().firstValue("Allow")).as(method).hasValue("POST");
      JsonNode notAllowed = Json.MAPPER.readTree(other.body()).path("errors").get(0);
      assertThat(notAllowed.path("extensions").path("code").asString()).as(method).isEqualTo("BAD_USER_INPUT");
      assertThat(notAllowed.path("message").asString()).as(method)
          .isEqualTo(method + " is not allowed on /bulk/points; allowed: POST");
    }

    // The GraphQL endpoint: another method, a body that is no JSON object, a type it does not read.
    for (String method : List.of("GET", "PUT", "DELETE")) {
      HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create(base + "/graphql"))
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString("{\"query\": \"{ __typename }\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(other.statusCode()).as(method).isEqualTo(405);
      assertThat(other.headers().firstValue("Allow")).as(method).hasValue("POST");
      assertThat(Json.MAPPER.readTree(other.body()).path("errors").get(0).path("extensions").path("code").asString())
          .as(method).isEqualTo("BAD_USER_INPUT");
    }
    for (String body : List.of("null", " [1]", "\"query\"", "")) {
      HttpResponse<String> notAnObject = http.send(HttpRequest.newBuilder(URI.create(base + "/graphql"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(notAnObject.statusCode()).as("'%s'", body).isEqualTo(400);
      JsonNode error = Json.MAPPER.readTree(notAnObject.body()).path("errors").get(0);
      assertThat(error.path("extensions").path("argument").asString()).as("'%s'", body).isEqualTo("body");
      assertThat(error.path("message").asString()).as("'%s'", body).startsWith("A GraphQL request body is a JSON object");
    }
    HttpResponse<String> broken = http.send(HttpRequest.newBuilder(URI.create(base + "/graphql"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"query\": ")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(broken.body()).path("errors").get(0).path("message").asString())
        .startsWith("The request body is not a GraphQL request in JSON");
    HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create(base + "/graphql"))
        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{ __typename }")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(plain.statusCode()).isEqualTo(415);
    JsonNode unreadType = Json.MAPPER.readTree(plain.body()).path("errors").get(0);
    assertThat(unreadType.path("extensions").path("argument").asString()).isEqualTo("Content-Type");
    assertThat(unreadType.path("message").asString()).startsWith("Content-Type 'text/plain' is not read at /graphql");
    HttpResponse<String> xml = http.send(HttpRequest.newBuilder(URI.create(base + "/graphql"))
        .header("Content-Type", "application/json").header("Accept", "application/xml")
        .POST(HttpRequest.BodyPublishers.ofString("{\"query\": \"{ __typename }\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(xml.statusCode()).isBetween(406, 415);
    assertThat(Json.MAPPER.readTree(xml.body()).path("errors").get(0).path("extensions").path("code").asString())
        .isEqualTo("BAD_USER_INPUT");
    // A request the endpoint takes still works through the filter.
    HttpResponse<String> fine = http.send(HttpRequest.newBuilder(URI.create(base + "/graphql"))
        .header("Content-Type", "application/json").header("Authorization", crawler)
        .POST(HttpRequest.BodyPublishers.ofString("  {\"query\": \"{ __typename }\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(fine.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(fine.body()).path("data").path("__typename").asString()).isEqualTo("Query");

    // An upload without a Content-Type is told so, not quoted a 'null' type.
    HttpResponse<String> untyped = http.send(HttpRequest.newBuilder(URI.create(base + "/bulk/points"))
        .header("Authorization", crawler).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(untyped.statusCode()).isEqualTo(415);
    JsonNode noType = Json.MAPPER.readTree(untyped.body()).path("errors").get(0);
    assertThat(noType.path("message").asString()).startsWith("No Content-Type: send application/x-ndjson");
    assertThat(noType.path("extensions").path("argument").asString()).isEqualTo("Content-Type");
  }

  @Test
  void badParametersAreBadUserInputInTheSameShape() throws Exception {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> mistyped = post("?atomic=maybe", "application/x-ndjson", body, crawler);
    assertThat(mistyped.statusCode()).isEqualTo(400);
    JsonNode extensions = Json.MAPPER.readTree(mistyped.body()).path("errors").get(0).path("extensions");
    assertThat(extensions.path("code").asString()).isEqualTo("BAD_USER_INPUT");
    assertThat(extensions.path("argument").asString()).isEqualTo("atomic");

    HttpResponse<String> longId = post("?batchId=" + "x".repeat(201), "application/x-ndjson", body, crawler);
    assertThat(longId.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(longId.body()).path("errors").get(0).path("extensions").path("argument").asString())
        .isEqualTo("input.batchId");

    // releaseId is a query parameter here, and is named as one.
    HttpResponse<String> unknownRelease = post("?releaseId=987654", "application/x-ndjson", body, crawler);
    assertThat(unknownRelease.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(unknownRelease.body()).path("errors").get(0).path("extensions").path("argument")
        .asString()).isEqualTo("releaseId");
  }

  /**
   * A dry run answers what the upload answers (compared with the real upload of the same body and batch id
   * that follows it) and leaves no trace: no rows, no archive, no ledger entry, the batch id still free.
   */
  @Test
  void dryRunValidatesLikeAnUploadAndWritesNothing() throws Exception {
    String csv = "seriesId,date,value,revisionDate\n"
        + seriesId + ",2023-07-01,7.5,2023-07-02\n"
        + seriesId + ",2023-07-02,abc,2023-07-02\n"
        + "999999999,2023-07-03,1,2023-07-02\n";
    byte[] body = csv.getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> dry = post("?batchId=dry-1&dryRun=true", "text/csv", body, crawler);
    assertThat(dry.statusCode()).isEqualTo(200);
    JsonNode dryResult = Json.MAPPER.readTree(dry.body());
    assertThat(dryResult.path("dryRun").asBoolean()).isTrue();
    assertThat(dryResult.path("batchId").asString()).isEqualTo("dry-1");
    assertThat(dryResult.path("status").asString()).isEqualTo("PARTIAL");
    assertThat(dryResult.path("summary").path("totalProcessed").asInt()).isEqualTo(3);
    assertThat(dryResult.path("summary").path("successful").asInt()).isEqualTo(1);
    assertThat(dryResult.path("errors").get(0).path("index").asInt()).isEqualTo(1);
    assertThat(dryResult.path("errors").get(0).path("code").asString()).isEqualTo("INVALID_VALUE");
    assertThat(dryResult.path("errors").get(1).path("index").asInt()).isEqualTo(2);
    assertThat(dryResult.path("errors").get(1).path("code").asString()).isEqualTo("UNKNOWN_SERIES");
    assertThat(history() == null ? new int[0]
        : history().view(null, LocalDate.parse("2023-07-01"), LocalDate.parse("2023-07-03"))).isEmpty();
    assertThat(service.archived("dry-1")).isEmpty();
    assertThat(db.fetchCount(io.almanac.crawler.db.Tables.INGEST_BATCHES,
        io.almanac.crawler.db.Tables.INGEST_BATCHES.BATCH_ID.eq("dry-1"))).isZero();

    JsonNode atomic = Json.MAPPER.readTree(post("?batchId=dry-1&dryRun=true&atomic=true", "text/csv", body, crawler).body());
    assertThat(atomic.path("status").asString()).isEqualTo("REJECTED");
    assertThat(atomic.path("summary").path("successful").asInt()).isZero();
    assertThat(atomic.path("errors").get(2).path("code").asString()).isEqualTo("ATOMIC_BATCH_FAILED");

    JsonNode real = Json.MAPPER.readTree(post("?batchId=dry-1", "text/csv", body, crawler).body());
    assertThat(real.path("replayed").asBoolean()).isFalse();
    assertThat(real.has("dryRun")).isFalse();
    for (String field : List.of("batchId", "status", "summary", "errors")) {
      assertThat(real.path(field)).as(field).isEqualTo(dryResult.path(field));
    }
    int[] july = history().view(null, LocalDate.parse("2023-07-01"), LocalDate.parse("2023-07-03"));
    assertThat(july).hasSize(1);
    assertThat(history().value(july[0]).stripTrailingZeros().toPlainString()).isEqualTo("7.5");
    assertThat(service.archived("dry-1")).isPresent();
  }

  /** Batch refusals and bad parameters are the upload's too; an unknown run is reported, no run touched. */
  @Test
  void dryRunReportsBatchRefusalsAndBadParametersAsAnUploadDoes() throws Exception {
    JsonNode empty = Json.MAPPER.readTree(post("?dryRun=true", "application/x-ndjson", new byte[0], crawler).body());
    assertThat(empty.path("status").asString()).isEqualTo("REJECTED");
    assertThat(empty.path("batchId").isNull()).isTrue();
    assertThat(empty.path("errors").get(0).path("code").asString()).isEqualTo("EMPTY_BATCH");
    String point = "{\"seriesId\": " + seriesId + ", \"date\": \"2023-08-01\", \"value\": 1}\n";
    JsonNode unknownRun = Json.MAPPER.readTree(post("?dryRun=true&runId=987654", "application/x-ndjson",
        point.getBytes(StandardCharsets.UTF_8), crawler).body());
    assertThat(unknownRun.path("errors").get(0).path("code").asString()).isEqualTo("UNKNOWN_RUN");
    HttpResponse<String> longId = post("?dryRun=true&batchId=" + "x".repeat(201), "application/x-ndjson",
        point.getBytes(StandardCharsets.UTF_8), crawler);
    assertThat(longId.statusCode()).isEqualTo(400);
    HttpResponse<String> mistyped = post("?dryRun=perhaps", "application/x-ndjson", point.getBytes(StandardCharsets.UTF_8),
        crawler);
    assertThat(mistyped.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(mistyped.body()).path("errors").get(0).path("extensions").path("argument")
        .asString()).isEqualTo("dryRun");
    // A misspelt, valueless or repeated flag was read as false: the "dry run" wrote. Each is refused, naming it.
    Map<String, String> refused = new java.util.LinkedHashMap<>();
    refused.put("?dryRun", "dryRun");
    refused.put("?dryRun=", "dryRun");
    refused.put("?dryrun=true", "dryrun");
    refused.put("?dry_run=true", "dry_run");
    refused.put("?dryRun=true&dryRun=false", "dryRun");
    refused.put("?atomic&batchId=flag-check", "atomic");
    for (Map.Entry<String, String> query : refused.entrySet()) {
      HttpResponse<String> answer = post(query.getKey(), "application/x-ndjson", point.getBytes(StandardCharsets.UTF_8),
          crawler);
      assertThat(answer.statusCode()).as(query.getKey()).isEqualTo(400);
      assertThat(Json.MAPPER.readTree(answer.body()).path("errors").get(0).path("extensions").path("argument")
          .asString()).as(query.getKey()).isEqualTo(query.getValue());
    }
    assertThat(service.archived("flag-check")).isEmpty();
    String viewer = "Bearer " + keys.create(2, Role.VIEWER, "viewer").secret();
    assertThat(post("?dryRun=true", "application/x-ndjson", point.getBytes(StandardCharsets.UTF_8), viewer).statusCode())
        .isEqualTo(403);
  }

  private static byte[] arrow() throws IOException {
    try (RootAllocator allocator = new RootAllocator();
        BigIntVector series = new BigIntVector("series_id", allocator);
        DateDayVector date = new DateDayVector("date", allocator);
        DecimalVector value = new DecimalVector("value", allocator, 10, 3);
        DateDayVector revision = new DateDayVector("revisionDate", allocator)) {
      for (int i = 0; i < 3; i++) {
        series.setSafe(i, seriesId);
        date.setSafe(i, (int) LocalDate.parse("2024-05-01").plusDays(i).toEpochDay());
        value.setSafe(i, new BigDecimal("1.001").multiply(BigDecimal.valueOf(i + 1)));
        revision.setSafe(i, (int) LocalDate.parse("2024-05-10").toEpochDay());
      }
      for (var v : List.of(series, date, value, revision)) {
        v.setValueCount(3);
      }
      try (VectorSchemaRoot root = VectorSchemaRoot.of(series, date, value, revision)) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
          writer.start();
          writer.writeBatch();
          writer.end();
        }
        return out.toByteArray();
      }
    }
  }
}
