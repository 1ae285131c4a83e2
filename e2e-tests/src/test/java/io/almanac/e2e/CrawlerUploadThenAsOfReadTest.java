package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.GraphQLClient;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * A crawler uploads vintages through the gateway; a client reads them back through the gateway,
 * as of several dates, and the answers are checked against a model the test keeps itself.
 */
@ExtendWith(RunningAlmanac.class)
class CrawlerUploadThenAsOfReadTest {

  private static final String BULK = """
      mutation($input: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $input) {
        batchId status replayed summary { totalProcessed successful failed } errors { index code message } } }""";

  private static GraphQLClient gateway;
  private static String providerId;
  private static String quarterlyId;
  /** date -> (revision date -> value): what the test uploaded, the independent model. */
  private static final Map<LocalDate, NavigableMap<LocalDate, BigDecimal>> uploaded = new TreeMap<>();

  @BeforeAll
  static void uploadVintages() {
    gateway = RunningAlmanac.get().gateway();
    providerId = gateway.data("mutation { createProvider(input: {name: \"E2E Bureau\", type: FILE}) { id } }")
        .path("createProvider").path("id").asString();
    JsonNode upserted = gateway.data("""
        mutation($p: ID!) { upsertSeries(input: [{providerId: $p, externalId: "E2E_GDP", title: "E2E growth",
          frequency: QUARTERLY, units: "Percent"}]) { series { id title } errors { code } } }""", Map.of("p", providerId));
    quarterlyId = upserted.path("upsertSeries").path("series").get(0).path("id").asString();
    // Read-your-writes: the returned Series entity is resolved by the financial subgraph right away.
    assertThat(upserted.path("upsertSeries").path("series").get(0).path("title").asString()).isEqualTo("E2E growth");

    Random random = new Random(42);
    LocalDate firstQuarter = LocalDate.of(2015, 1, 1);
    // Three vintages per quarter (advance, second, third), uploaded as three batches in release order.
    for (int vintage = 0; vintage < 3; vintage++) {
      List<Map<String, Object>> points = new ArrayList<>();
      for (int q = 0; q < 40; q++) {
        LocalDate date = firstQuarter.plusMonths(3L * q);
        LocalDate revision = date.plusMonths(4).plusDays(30L * vintage);
        BigDecimal value = BigDecimal.valueOf(random.nextGaussian() * 2 + 2).setScale(2, RoundingMode.HALF_EVEN);
        uploaded.computeIfAbsent(date, d -> new TreeMap<>()).put(revision, value);
        points.add(Map.of("providerId", providerId, "externalId", "E2E_GDP", "date", date.toString(),
            "value", value.toPlainString(), "revisionDate", revision.toString()));
      }
      JsonNode result = gateway.data(BULK, Map.of("input", Map.of("batchId", "e2e-vintage-" + vintage,
          "points", points))).path("bulkUpsertDataPoints");
      assertThat(result.path("status").asString()).isEqualTo("COMMITTED");
      assertThat(result.path("summary").path("successful").asInt()).isEqualTo(40);
    }
  }

  /** The ALFRED view computed from the test's own model. */
  private static Map<String, String> expectedView(LocalDate asOf) {
    Map<String, String> view = new TreeMap<>();
    uploaded.forEach((date, revisions) -> {
      Map.Entry<LocalDate, BigDecimal> entry = asOf == null ? revisions.lastEntry() : revisions.floorEntry(asOf);
      if (entry != null) {
        view.put(date.toString(), entry.getValue().stripTrailingZeros().toPlainString());
      }
    });
    return view;
  }

  private static Map<String, String> observedView(String asOf) {
    JsonNode nodes = gateway.data("""
        query($id: ID!, $asOf: Date) { series(id: $id) { observations(asOf: $asOf, first: 10000) { nodes { date value } } } }""",
        asOf == null ? Map.of("id", quarterlyId) : Map.of("id", quarterlyId, "asOf", asOf))
        .path("series").path("observations").path("nodes");
    Map<String, String> view = new TreeMap<>();
    nodes.forEach(n -> view.put(n.path("date").asString(), n.path("value").asString()));
    return view;
  }

  @Test
  void asOfReadsMatchAnIndependentlyComputedView() {
    for (String asOf : List.of("2015-04-30", "2015-05-15", "2016-01-01", "2018-07-04", "2020-02-29", "2030-01-01")) {
      assertThat(observedView(asOf)).as("as of %s", asOf).isEqualTo(expectedView(LocalDate.parse(asOf)));
    }
    assertThat(observedView(null)).isEqualTo(expectedView(null));
    // The model covers the interesting cases: before any release, one release, every release.
    assertThat(expectedView(LocalDate.parse("2015-04-30"))).isEmpty();
    assertThat(expectedView(LocalDate.parse("2015-05-15"))).hasSize(1);
    assertThat(expectedView(LocalDate.parse("2018-07-04"))).isNotEmpty();
  }

  @Test
  void columnarDataAgreesWithObservationsAndVintagesAreListed() {
    JsonNode series = gateway.data("""
        query($id: ID!) { series(id: $id) { data(asOf: "2018-07-04") { count dates values }
          vintages(from: "2015-01-01", to: "2015-12-31") } }""", Map.of("id", quarterlyId)).path("series");
    Map<String, String> expected = expectedView(LocalDate.parse("2018-07-04"));
    assertThat(series.path("data").path("count").asInt()).isEqualTo(expected.size());
    List<String> dates = new ArrayList<>();
    series.path("data").path("dates").forEach(d -> dates.add(d.asString()));
    assertThat(dates).containsExactlyElementsOf(expected.keySet());
    assertThat(series.path("data").path("values").get(0).asDouble())
        .isEqualTo(new BigDecimal(expected.values().iterator().next()).doubleValue());
    List<String> vintages = new ArrayList<>();
    series.path("vintages").forEach(v -> vintages.add(v.asString()));
    List<String> expectedVintages = uploaded.values().stream().flatMap(r -> r.keySet().stream())
        .filter(d -> d.getYear() == 2015).distinct().sorted().map(LocalDate::toString).toList();
    assertThat(vintages).isEqualTo(expectedVintages);
  }

  @Test
  void resentKeyIsVisibleToTheNextQueryThroughTheRouter() {
    LocalDate date = LocalDate.of(2015, 1, 1);
    LocalDate revision = uploaded.get(date).lastKey();
    gateway.data(BULK, Map.of("input", Map.of("points", List.of(Map.of("seriesId", quarterlyId,
        "date", date.toString(), "value", "9.99", "revisionDate", revision.toString())))));
    uploaded.get(date).put(revision, new BigDecimal("9.99"));
    JsonNode latest = gateway.data("""
        query($id: ID!) { series(id: $id) { revisions(date: "2015-01-01") { value revisionDate supersededOn } } }""",
        Map.of("id", quarterlyId)).path("series").path("revisions");
    assertThat(latest).hasSize(3);
    assertThat(latest.get(2).path("value").asString()).isEqualTo("9.99");
    assertThat(latest.get(0).path("supersededOn").asString()).isEqualTo(latest.get(1).path("revisionDate").asString());
  }

  @Test
  void crossSubgraphQueriesResolveThroughFederation() {
    JsonNode byExternal = gateway.data("""
        query($p: ID!) { seriesByExternalId(providerId: $p, externalId: "E2E_GDP") {
          id provider { id name type series { totalCount nodes { externalId } } } } }""", Map.of("p", providerId))
        .path("seriesByExternalId");
    assertThat(byExternal.path("id").asString()).isEqualTo(quarterlyId);
    JsonNode provider = byExternal.path("provider");
    assertThat(provider.path("name").asString()).isEqualTo("E2E Bureau");
    assertThat(provider.path("type").asString()).isEqualTo("FILE");
    assertThat(provider.path("series").path("totalCount").asInt()).isEqualTo(1);

    String userId = gateway.data("mutation { createUser(input: {email: \"e2e@example.com\"}) { id } }")
        .path("createUser").path("id").asString();
    gateway.data("mutation($s: ID!, $u: ID!) { addToWatchlist(seriesId: $s, userId: $u) { id } }",
        Map.of("s", quarterlyId, "u", userId));
    JsonNode watchlist = gateway.data("""
        query($u: ID!) { user(id: $u) { watchlist { id title provider { name } latest { date } } } }""",
        Map.of("u", userId)).path("user").path("watchlist");
    assertThat(watchlist).hasSize(1);
    assertThat(watchlist.get(0).path("title").asString()).isEqualTo("E2E growth");
    assertThat(watchlist.get(0).path("provider").path("name").asString()).isEqualTo("E2E Bureau");
    assertThat(watchlist.get(0).path("latest").path("date").asString())
        .isEqualTo(((TreeMap<LocalDate, ?>) uploaded).lastKey().toString());
  }

  @Test
  void badPointsGetTheirCodesAndTheArchiveKeepsEverythingSent() {
    List<Map<String, Object>> points = new ArrayList<>();
    points.add(point(quarterlyId, "2030-01-01", "1.5", "2030-02-01"));
    points.add(point("0", "2030-01-01", "1.5", null));
    points.add(point(quarterlyId, "2030-02-30", "1.5", null));
    points.add(point(quarterlyId, "2030-04-01", "-Infinity", null));
    points.add(point(quarterlyId, "2030-04-01", "one", null));
    points.add(point(quarterlyId, "2030-01-01", "1.6", "2030-02-01"));
    String runId = gateway.data("mutation($p: ID!) { startRun(providerId: $p) { id } }", Map.of("p", providerId))
        .path("startRun").path("id").asString();
    JsonNode result = gateway.data(BULK, Map.of("input", Map.of("batchId", "e2e-bad", "atomic", true,
        "runId", runId, "points", points))).path("bulkUpsertDataPoints");
    assertThat(result.path("status").asString()).isEqualTo("REJECTED");
    List<String> codes = new ArrayList<>();
    result.path("errors").forEach(e -> codes.add(
        (e.path("index").isNull() ? "null" : e.path("index").asString()) + ":" + e.path("code").asString()));
    assertThat(codes).containsExactly("1:UNKNOWN_SERIES", "2:INVALID_DATE", "3:NON_FINITE_VALUE",
        "4:INVALID_VALUE", "5:DUPLICATE_KEY", "null:ATOMIC_BATCH_FAILED");
    assertThat(observedView("2031-01-01")).doesNotContainKey("2030-01-01");

    JsonNode archived = gateway.data("""
        { archivedBatch(batchId: "e2e-bad") { runId atomic status points { index seriesId date value revisionDate errorCode } } }""")
        .path("archivedBatch");
    assertThat(archived.path("runId").asString()).isEqualTo(runId);
    JsonNode run = gateway.data("query($r: ID!) { run(id: $r) { recordsIngested recordsFailed provider { name } } }",
        Map.of("r", runId)).path("run");
    assertThat(run.path("recordsIngested").asDouble()).isZero();
    assertThat(run.path("recordsFailed").asDouble()).isEqualTo(points.size());
    assertThat(archived.path("status").asString()).isEqualTo("REJECTED");
    assertThat(archived.path("points")).hasSize(points.size());
    for (int i = 0; i < points.size(); i++) {
      JsonNode p = archived.path("points").get(i);
      assertThat(p.path("index").asInt()).isEqualTo(i);
      assertThat(p.path("date").asString()).isEqualTo(points.get(i).get("date"));
      assertThat(p.path("value").asString()).isEqualTo(points.get(i).get("value"));
    }

    JsonNode replay = gateway.data(BULK, Map.of("input", Map.of("batchId", "e2e-bad", "points",
        List.of(point(quarterlyId, "2030-01-01", "1", null))))).path("bulkUpsertDataPoints");
    assertThat(replay.path("replayed").asBoolean()).isTrue();
    assertThat(replay.path("status").asString()).isEqualTo("REJECTED");
  }

  @Test
  void argumentErrorsCarryCodesThroughTheGateway() {
    JsonNode response = gateway.execute("""
        query($id: ID!) { series(id: $id) { observations(first: 100000) { totalCount } } }""", Map.of("id", quarterlyId));
    assertThat(response.path("errors").get(0).path("extensions").path("code").asString()).isEqualTo("LIMIT_EXCEEDED");
    JsonNode bad = gateway.execute("{ createProvider }", Map.of());
    assertThat(bad.path("errors")).isNotEmpty();
  }

  private static Map<String, Object> point(String seriesId, String date, String value, String revisionDate) {
    Map<String, Object> p = new HashMap<>();
    p.put("seriesId", seriesId);
    p.put("date", date);
    p.put("value", value);
    if (revisionDate != null) {
      p.put("revisionDate", revisionDate);
    }
    return p;
  }
}
