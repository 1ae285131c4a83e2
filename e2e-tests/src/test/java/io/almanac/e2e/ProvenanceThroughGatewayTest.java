package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.GraphQLClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 17 items 6 and 7 through the gateway: "where did this number come from?" answered in one
 * query (the batch, its run and provider, and the point's text exactly as sent, odd decimals and
 * white space included), for a GraphQL upload in a run and an NDJSON upload without one; derived
 * rows have no source. A series' metadata versions and the series as of a day.
 */
@ExtendWith(RunningAlmanac.class)
class ProvenanceThroughGatewayTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static final String BULK = """
      mutation($input: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $input) { status } }""";

  /** The question, for the value of 2024-01-01 first published on 2024-05-01 and its later revision. */
  private static final String WHERE_FROM = """
      query($id: ID!) { series(id: $id) {
        revisions(date: "2024-01-01") { value revisionDate source { batchId receivedAt run { id status }
          provider { id name }
          may: point(seriesId: $id, date: "2024-01-01", revisionDate: "2024-05-01") { index date value revisionDate }
          aug: point(seriesId: $id, date: "2024-01-01", revisionDate: "2024-08-01") { index date value revisionDate } } }
        observations { nodes { date value revisionDate source { batchId } } }
        changes: observations(transform: CHANGE) { nodes { source { batchId } } } } }""";

  private static Map<String, Object> point(String seriesId, String date, String value, String revisionDate) {
    return Map.of("seriesId", seriesId, "date", date, "value", value, "revisionDate", revisionDate);
  }

  @Test
  void whereDidThisNumberComeFromIsOneQuery() throws Exception {
    RunningAlmanac.Almanac almanac = RunningAlmanac.get();
    GraphQLClient admin = almanac.gateway();
    String providerId = admin.data("mutation { createProvider(input: {name: \"Provenance Bureau\", type: API}) { id } }")
        .path("createProvider").path("id").asString();
    String id = admin.data("""
        mutation($p: ID!) { upsertSeries(input: [{providerId: $p, externalId: "PROV_GDP", title: "Provenance GDP",
          frequency: QUARTERLY}]) { series { id } } }""", Map.of("p", providerId))
        .path("upsertSeries").path("series").get(0).path("id").asString();
    String runId = admin.data("mutation($p: ID!) { startRun(providerId: $p) { id } }", Map.of("p", providerId))
        .path("startRun").path("id").asString();

    // Through GraphQL, in the run: decimals with leading zeros, a plus sign, trailing zeros and spaces.
    assertThat(admin.data(BULK, Map.of("input", Map.of("batchId", "prov-run", "runId", runId, "points", List.of(
        point(id, "2024-01-01", " +0012.50 ", "2024-05-01"), point(id, "2024-04-01", "7.000", "2024-05-01")))))
        .path("bulkUpsertDataPoints").path("status").asString()).isEqualTo("COMMITTED");
    // NDJSON to the crawler API, no run: a number keeps its own text.
    String ndjson = "{\"seriesId\": " + id + ", \"date\": \"2024-01-01\", \"value\": 12.60, \"revisionDate\": \"2024-08-01\"}\n"
        + "{\"seriesId\": \"" + id + "\",\"date\":\"2024-07-01\",\"value\":\"-0.0100\",\"revisionDate\":\"2024-08-01\"}\n";
    HttpResponse<String> uploaded = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
        HttpRequest.newBuilder(almanac.stack().crawler().resolve("/bulk/points?batchId=prov-http"))
            .header("Content-Type", "application/x-ndjson").header("Authorization", almanac.stack().adminAuthorization())
            .POST(HttpRequest.BodyPublishers.ofString(ndjson)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);
    assertThat(JSON.readTree(uploaded.body()).path("status").asString()).isEqualTo("COMMITTED");

    JsonNode series = null;
    for (String round : List.of("first (archive and batch ids read)", "second (archive decoded, cached)")) {
      long started = System.nanoTime();
      series = admin.data(WHERE_FROM, Map.of("id", id)).path("series");
      System.out.printf("Provenance query, %s: %.1f ms%n", round, (System.nanoTime() - started) / 1e6);
    }

    JsonNode may = series.path("revisions").get(0);
    assertThat(may.path("revisionDate").asString()).isEqualTo("2024-05-01");
    JsonNode mayFrom = may.path("source");
    assertThat(mayFrom.path("batchId").asString()).isEqualTo("prov-run");
    assertThat(mayFrom.path("run").path("id").asString()).isEqualTo(runId);
    assertThat(mayFrom.path("run").path("status").asString()).isEqualTo("RUNNING");
    assertThat(mayFrom.path("provider").path("name").asString()).isEqualTo("Provenance Bureau");
    assertThat(OffsetDateTime.parse(mayFrom.path("receivedAt").asString()))
        .isAfter(OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(10));
    assertThat(fields(mayFrom.path("may"))).isEqualTo(Map.of("index", "0", "date", "2024-01-01",
        "value", " +0012.50 ", "revisionDate", "2024-05-01"));
    assertThat(mayFrom.path("aug").isNull()).as("prov-run wrote no August vintage").isTrue();

    JsonNode augFrom = series.path("revisions").get(1).path("source");
    assertThat(augFrom.path("batchId").asString()).isEqualTo("prov-http");
    assertThat(augFrom.path("run").isNull()).isTrue();
    assertThat(augFrom.path("provider").path("id").asString()).as("the one provider of its series").isEqualTo(providerId);
    assertThat(fields(augFrom.path("aug"))).isEqualTo(Map.of("index", "0", "date", "2024-01-01", "value", "12.60",
        "revisionDate", "2024-08-01"));

    List<String> rows = new ArrayList<>();
    series.path("observations").path("nodes").forEach(n -> rows.add(n.path("date").asString() + " "
        + n.path("revisionDate").asString() + " " + n.path("source").path("batchId").asString()));
    assertThat(rows).containsExactly("2024-01-01 2024-08-01 prov-http", "2024-04-01 2024-05-01 prov-run",
        "2024-07-01 2024-08-01 prov-http");
    assertThat(series.path("changes").path("nodes")).as("a change for each date after the first").hasSize(2)
        .allSatisfy(n -> assertThat(n.path("source").isNull()).as("derived rows have no source").isTrue());
  }

  @Test
  void aPageOfAThousandObservationsWithTheirSources() {
    GraphQLClient admin = RunningAlmanac.get().gateway();
    String providerId = admin.data("mutation { createProvider(input: {name: \"Page Bureau\", type: API}) { id } }")
        .path("createProvider").path("id").asString();
    String id = admin.data("""
        mutation($p: ID!) { upsertSeries(input: [{providerId: $p, externalId: "PAGE", title: "Page",
          frequency: DAILY}]) { series { id } } }""", Map.of("p", providerId))
        .path("upsertSeries").path("series").get(0).path("id").asString();
    LocalDate start = LocalDate.of(2021, 1, 1);
    for (int b = 0; b < 2; b++) {
      List<Map<String, Object>> points = new ArrayList<>();
      for (int d = b * 500; d < (b + 1) * 500; d++) {
        points.add(point(id, start.plusDays(d).toString(), String.valueOf(d), "2024-01-02"));
      }
      assertThat(admin.data(BULK, Map.of("input", Map.of("batchId", "page-" + b, "points", points)))
          .path("bulkUpsertDataPoints").path("status").asString()).isEqualTo("COMMITTED");
    }
    String page = """
        query($id: ID!) { series(id: $id) { observations(first: 1000) { nodes { date
          source { batchId receivedAt provider { name } } } } } }""";
    JsonNode nodes = null;
    for (String round : List.of("first", "second")) {
      long started = System.nanoTime();
      nodes = admin.data(page, Map.of("id", id)).path("series").path("observations").path("nodes");
      System.out.printf("A page of 1,000 observations with source, receivedAt and provider, %s: %.1f ms%n", round,
          (System.nanoTime() - started) / 1e6);
    }
    assertThat(nodes).hasSize(1000);
    for (int d = 0; d < 1000; d++) {
      assertThat(nodes.get(d).path("source").path("batchId").asString()).isEqualTo("page-" + (d / 500));
      assertThat(nodes.get(d).path("source").path("provider").path("name").asString()).isEqualTo("Page Bureau");
    }
  }

  @Test
  void metadataVersionsAndTheSeriesAsOfADay() {
    GraphQLClient admin = RunningAlmanac.get().gateway();
    String providerId = admin.data("mutation { createProvider(input: {name: \"Versions Bureau\", type: API}) { id } }")
        .path("createProvider").path("id").asString();
    String upsert = """
        mutation($p: ID!, $t: String!, $u: String, $g: [TagInput!]) { upsertSeries(input: [{providerId: $p,
          externalId: "VERS", title: $t, units: $u, frequency: MONTHLY, tags: $g}]) { series { id } } }""";
    // Title, units and a tag ("" for none); the last changes the tags alone, which is a version too.
    String[][] sent = {{"Retail sales", "USD", ""}, {"Retail sales", "USD", ""}, {"Retail sales", "bn USD", ""},
        {"Retail sales", "bn USD", ""}, {"Retail and food services sales", "bn USD", ""},
        {"Retail and food services sales", "bn USD", "retail"}};
    String id = null;
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < sent.length; i++) {
      List<Map<String, String>> tags = sent[i][2].isEmpty() ? List.of() : List.of(Map.of("name", sent[i][2]));
      Map<String, Object> vars = new LinkedHashMap<>(Map.of("p", providerId, "t", sent[i][0], "u", sent[i][1],
          "g", tags));
      id = admin.data(upsert, vars).path("upsertSeries").path("series").get(0).path("id").asString();
      if (i == 0 || !List.of(sent[i]).equals(List.of(sent[i - 1]))) {
        expected.add(sent[i][0] + " | " + sent[i][1] + " | " + sent[i][2]);
      }
    }
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    JsonNode answer = admin.data("""
        query($id: ID!, $today: Date!, $before: Date!) {
          now: series(id: $id) { title metadataVersions { title units frequency tags { name } validFrom } }
          today: series(id: $id, asOf: $today) { title units }
          before: series(id: $id, asOf: $before) { title } }""",
        Map.of("id", id, "today", today.toString(), "before", today.minusDays(1).toString()));
    List<String> versions = new ArrayList<>();
    List<OffsetDateTime> validFrom = new ArrayList<>();
    answer.path("now").path("metadataVersions").forEach(v -> {
      StringBuilder tagNames = new StringBuilder();
      v.path("tags").forEach(t -> tagNames.append(t.path("name").asString()));
      versions.add(v.path("title").asString() + " | " + v.path("units").asString() + " | " + tagNames);
      validFrom.add(OffsetDateTime.parse(v.path("validFrom").asString()));
      assertThat(v.path("frequency").asString()).isEqualTo("MONTHLY");
    });
    assertThat(versions).isEqualTo(expected);
    assertThat(validFrom).isSorted();
    assertThat(answer.path("now").path("title").asString()).isEqualTo("Retail and food services sales");
    assertThat(answer.path("today").path("units").asString()).isEqualTo("bn USD");
    assertThat(answer.path("before").isNull()).as("no metadata before the series was created").isTrue();
  }

  private static Map<String, String> fields(JsonNode node) {
    Map<String, String> fields = new LinkedHashMap<>();
    node.properties().forEach(e -> fields.put(e.getKey(), e.getValue().asString()));
    return fields;
  }
}
