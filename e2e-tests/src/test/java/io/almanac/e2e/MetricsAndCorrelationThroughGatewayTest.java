package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.GraphQLClient;
import io.almanac.local.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An operator scrapes the subgraphs' {@code /actuator/prometheus} and the gateway's {@code /metrics} around an
 * upload and a read sent through the gateway: the named series move by at least what the test sent and read.
 * The correlation id a client sends comes back from the gateway and is in the logs of the subgraphs that served
 * it; one is made when none or a hostile one is sent; with {@code ALMANAC_LOG_FORMAT=json} the request's log line
 * is a JSON object with {@code correlationId}. Health groups name the database and the Iceberg catalog.
 */
@ExtendWith(RunningAlmanac.class)
class MetricsAndCorrelationThroughGatewayTest {

  private static final String HEADER = "X-Correlation-Id";
  private static final Pattern UUID_SHAPE =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static String seriesId;

  @BeforeAll
  static void createSeries() {
    GraphQLClient gateway = RunningAlmanac.get().gateway();
    String provider = gateway.data("mutation { createProvider(input: {name: \"Ops Bureau\", type: FILE}) { id } }")
        .path("createProvider").path("id").asString();
    seriesId = gateway.data("""
        mutation($p: ID!) { upsertSeries(input: [{providerId: $p, externalId: "OPS_DAILY", title: "Ops",
          frequency: DAILY}]) { series { id } } }""", Map.of("p", provider))
        .path("upsertSeries").path("series").get(0).path("id").asString();
  }

  @Test
  void uploadAndReadMoveTheNamedSeries() throws Exception {
    LocalStack stack = RunningAlmanac.get().stack();
    Scrape crawlerBefore = scrape(actuator(stack.crawler(), "prometheus"));
    Scrape financialBefore = scrape(actuator(stack.financial(), "prometheus"));
    Scrape gatewayBefore = scrape(stack.gateway().resolve("/metrics"));

    int points = 250;
    List<Map<String, Object>> sent = new ArrayList<>();
    LocalDate start = LocalDate.of(2001, 1, 1);
    for (int i = 0; i < points; i++) {
      sent.add(Map.of("seriesId", seriesId, "date", start.plusDays(i).toString(), "value", i + ".5",
          "revisionDate", "2024-01-02"));
    }
    JsonNode upload = graphql("mutation OpsUpload($input: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $input) "
        + "{ summary { successful } } }", Map.of("input", Map.of("batchId", "ops-" + UUID.randomUUID(),
            "points", sent)), null).json;
    assertThat(upload.path("data").path("bulkUpsertDataPoints").path("summary").path("successful").asInt())
        .isEqualTo(points);
    JsonNode read = graphql("query OpsRead($id: ID!) { series(id: $id) { data { count } } }",
        Map.of("id", seriesId), null).json;
    int readPoints = read.path("data").path("series").path("data").path("count").asInt();
    assertThat(readPoints).isEqualTo(points);

    Scrape crawler = scrape(actuator(stack.crawler(), "prometheus"));
    Scrape financial = scrape(actuator(stack.financial(), "prometheus"));
    Scrape gateway = scrape(stack.gateway().resolve("/metrics"));

    assertThat(crawler.delta(crawlerBefore, "almanac_points_written_total", Map.of())).isGreaterThanOrEqualTo(points);
    assertThat(crawler.delta(crawlerBefore, "almanac_store_rows_committed_total", Map.of("table", "observations")))
        .isGreaterThanOrEqualTo(points);
    assertThat(crawler.delta(crawlerBefore, "almanac_store_commit_seconds_count",
        Map.of("table", "observations", "outcome", "committed"))).isGreaterThanOrEqualTo(1);
    assertThat(crawler.delta(crawlerBefore, "almanac_graphql_request_seconds_count",
        Map.of("type", "mutation", "outcome", "ok"))).isGreaterThanOrEqualTo(1);

    assertThat(financial.delta(financialBefore, "almanac_points_read_total", Map.of())).isGreaterThanOrEqualTo(readPoints);
    // the series was never read before: its history came from storage
    assertThat(financial.delta(financialBefore, "almanac_cache_misses_total", Map.of())).isGreaterThanOrEqualTo(1);
    assertThat(financial.has("almanac_cache_hits_total")).isTrue();
    assertThat(financial.sum("almanac_cache_rows", Map.of())).isGreaterThanOrEqualTo(points);
    assertThat(financial.delta(financialBefore, "almanac_graphql_request_seconds_count",
        Map.of("type", "query", "outcome", "ok"))).isGreaterThanOrEqualTo(1);
    // every series names its subgraph
    assertThat(financial.sum("almanac_points_read_total", Map.of("application", "financial-subgraph"))).isPositive();

    assertThat(gateway.delta(gatewayBefore, "graphql_envelop_request", Map.of("operationName", "OpsUpload")))
        .isEqualTo(1);
    assertThat(gateway.delta(gatewayBefore, "graphql_envelop_request", Map.of("operationName", "OpsRead")))
        .isEqualTo(1);
    assertThat(gateway.delta(gatewayBefore, "graphql_gateway_subgraph_execute_duration_count",
        Map.of("subgraphName", "crawler"))).isGreaterThanOrEqualTo(1);

    // Every series the Grafana dashboard queries is served by a subgraph or the gateway.
    String dashboard = Files.readString(Path.of("..", "ops", "grafana", "almanac-dashboard.json"));
    Matcher names = Pattern.compile("\\b(?:almanac|graphql|jvm|http_server)_[a-z_]+").matcher(dashboard);
    int checked = 0;
    while (names.find()) {
      String name = names.group();
      assertThat(crawler.has(name) || financial.has(name) || gateway.has(name)).as("dashboard series %s", name).isTrue();
      checked++;
    }
    assertThat(checked).isGreaterThan(20);
  }

  @Test
  void authRefusalsAreCounted() throws Exception {
    LocalStack stack = RunningAlmanac.get().stack();
    Scrape before = scrape(actuator(stack.crawler(), "prometheus"));
    Answer refused = graphql("mutation { createProvider(input: {name: \"x\", type: FILE}) { id } }", Map.of(), null,
        "Bearer alm_not_a_key");
    assertThat(refused.json.path("errors").get(0).path("extensions").path("code").asString())
        .isEqualTo("UNAUTHENTICATED");
    Scrape after = scrape(actuator(stack.crawler(), "prometheus"));
    assertThat(after.delta(before, "almanac_auth_refusals_total", Map.of("code", "UNAUTHENTICATED",
        "transport", "graphql"))).isGreaterThanOrEqualTo(1);
  }

  @Test
  void theClientsCorrelationIdComesBackAndIsInTheSubgraphsLogs() throws Exception {
    String id = "ops-" + UUID.randomUUID();
    Answer upload = graphql("mutation($input: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $input) "
        + "{ summary { successful } } }", Map.of("input", Map.of("points", List.of(Map.of("seriesId", seriesId,
            "date", "1999-01-01", "value", "1")))), id);
    assertThat(upload.correlationId).isEqualTo(id);
    Answer read = graphql("query($id: ID!) { series(id: $id) { title latest { value } provider { name } } }",
        Map.of("id", seriesId), id);
    assertThat(read.correlationId).isEqualTo(id);
    assertThat(read.json.path("data").path("series").path("provider").path("name").asString()).isEqualTo("Ops Bureau");

    LocalStack stack = RunningAlmanac.get().stack();
    awaitInLog(stack.process("crawler-write-api").log(), id);
    awaitInLog(stack.process("financial-subgraph").log(), id);

    // exports, forwarded by the gateway
    HttpResponse<String> export = http.send(HttpRequest.newBuilder(stack.gateway().resolve("/export/series/"
        + seriesId + ".csv")).header(HEADER, id + "-export").header("Authorization", stack.adminAuthorization())
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(export.statusCode()).isEqualTo(200);
    assertThat(export.headers().firstValue(HEADER)).contains(id + "-export");
    awaitInLog(stack.process("financial-subgraph").log(), id + "-export");
  }

  @Test
  void aCorrelationIdIsMadeWhenNoneOrAHostileOneIsSent() throws Exception {
    String query = "{ searchSeries(first: 1) { totalCount } }";
    Answer none = graphql(query, Map.of(), null);
    Answer again = graphql(query, Map.of(), null);
    assertThat(none.correlationId).matches(UUID_SHAPE).isNotEqualTo(again.correlationId);
    awaitInLog(RunningAlmanac.get().stack().process("financial-subgraph").log(), none.correlationId);

    String huge = "a".repeat(10_000);
    String forged = "x\tlevel=ERROR message=forged";
    String spaced = "drop table; <script>";
    for (String hostile : List.of(huge, forged, spaced, "a".repeat(65))) {
      Answer answer = graphql(query, Map.of(), hostile);
      assertThat(answer.correlationId).as("replacing %.20s", hostile).matches(UUID_SHAPE);
    }
    // A page on another origin may read it.
    HttpResponse<String> cors = http.send(HttpRequest.newBuilder(GraphQLClient.request(RunningAlmanac.get().stack()
        .gateway(), null, query, Map.of(), Duration.ofSeconds(30)), (n, v) -> true).header("Origin",
        "http://example.org").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(cors.headers().firstValue("Access-Control-Expose-Headers")).get().asString()
        .containsIgnoringCase(HEADER);
    // Directly to a subgraph (no gateway) the same rules apply. (A newline cannot be sent in a header value:
    // the JDK client refuses it, and HTTP parsers end the header there.)
    LocalStack stack = RunningAlmanac.get().stack();
    for (URI subgraph : List.of(stack.financial(), stack.crawler(), stack.users())) {
      HttpResponse<String> direct = http.send(GraphQLClient.request(subgraph, stack.adminAuthorization(),
          "{ __typename }", Map.of(), Duration.ofSeconds(30)), HttpResponse.BodyHandlers.ofString());
      assertThat(direct.headers().firstValue(HEADER)).get().asString().matches(UUID_SHAPE);
      HttpResponse<String> hostile = http.send(HttpRequest.newBuilder(GraphQLClient.request(subgraph,
          stack.adminAuthorization(), "{ __typename }", Map.of(), Duration.ofSeconds(30)), (n, v) -> true)
          .header(HEADER, huge).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(hostile.headers().firstValue(HEADER)).get().asString().matches(UUID_SHAPE);
      HttpResponse<String> kept = http.send(HttpRequest.newBuilder(GraphQLClient.request(subgraph,
          stack.adminAuthorization(), "{ __typename }", Map.of(), Duration.ofSeconds(30)), (n, v) -> true)
          .header(HEADER, "direct-1.2:3_x").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(kept.headers().firstValue(HEADER)).contains("direct-1.2:3_x");
    }
  }

  @Test
  void jsonLogsCarryTheCorrelationIdAsAField() throws Exception {
    LocalStack stack = RunningAlmanac.get().stack();
    LocalStack.Instance json = stack.startAnother("financial-subgraph", Map.of("ALMANAC_LOG_FORMAT", "json"));
    try {
      String id = "json-" + UUID.randomUUID();
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(GraphQLClient.request(json.graphql(),
          stack.adminAuthorization(), "query JsonRead($id: ID!) { series(id: $id) { title } }", Map.of("id", seriesId),
          Duration.ofSeconds(60)), (n, v) -> true).header(HEADER, id).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).isEqualTo(200);
      awaitInLog(json.process().log(), id);
      List<JsonNode> lines = new ArrayList<>();
      for (String line : Files.readAllLines(json.process().log())) {
        if (line.contains(id)) {
          lines.add(JSON.readTree(line)); // fails unless the whole line is one JSON object
        }
      }
      assertThat(lines).anySatisfy(line -> {
        assertThat(line.path("correlationId").asString()).isEqualTo(id);
        assertThat(line.path("logger_name").asString()).isEqualTo("io.almanac.requests");
        assertThat(line.path("level").asString()).isEqualTo("INFO");
        assertThat(line.path("message").asString()).startsWith("POST /graphql 200 in ");
        assertThat(line.path("@timestamp").asString()).isNotEmpty();
      });
    } finally {
      json.process().close();
    }
  }

  @Test
  void healthGroupsNameTheDatabaseAndTheCatalog() throws Exception {
    LocalStack stack = RunningAlmanac.get().stack();
    for (URI subgraph : List.of(stack.financial(), stack.crawler())) {
      JsonNode readiness = getJson(actuator(subgraph, "health/readiness"));
      assertThat(readiness.path("status").asString()).isEqualTo("UP");
      assertThat(readiness.path("components").path("db").path("status").asString()).isEqualTo("UP");
      assertThat(readiness.path("components").path("iceberg").path("status").asString()).isEqualTo("UP");
      JsonNode liveness = getJson(actuator(subgraph, "health/liveness"));
      assertThat(liveness.path("status").asString()).isEqualTo("UP");
    }
    JsonNode users = getJson(actuator(stack.users(), "health/readiness"));
    assertThat(users.path("components").path("db").path("status").asString()).isEqualTo("UP");
  }

  // --- helpers

  private record Answer(JsonNode json, String correlationId) {}

  private Answer graphql(String document, Map<String, Object> variables, String correlationId) throws Exception {
    return graphql(document, variables, correlationId, RunningAlmanac.get().stack().adminAuthorization());
  }

  private Answer graphql(String document, Map<String, Object> variables, String correlationId, String authorization)
      throws Exception {
    HttpRequest base = GraphQLClient.request(RunningAlmanac.get().stack().gateway(), authorization, document,
        variables, Duration.ofSeconds(120));
    HttpRequest.Builder request = HttpRequest.newBuilder(base, (name, value) -> true);
    if (correlationId != null) {
      request.header(HEADER, correlationId);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(JSON.readTree(response.body()), response.headers().firstValue(HEADER).orElse(null));
  }

  private static URI actuator(URI subgraphGraphql, String path) {
    return subgraphGraphql.resolve("/actuator/" + path);
  }

  private JsonNode getJson(URI uri) throws Exception {
    return JSON.readTree(http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString())
        .body());
  }

  /**
   * Waits (at most 20 s) until {@code log} holds {@code text}: the request's line is written as it ends, which
   * may be just after its response reached us.
   */
  private static void awaitInLog(Path log, String text) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!Files.readString(log).contains(text)) {
      assertThat(System.nanoTime()).as("%s in %s", text, log).isLessThan(deadline);
      Thread.sleep(20); // polling interval of the condition
    }
  }

  private Scrape scrape(URI uri) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s", uri).isEqualTo(200);
    List<Sample> samples = new ArrayList<>();
    for (String line : response.body().split("\n")) {
      if (line.startsWith("# TYPE ")) {
        // a series declared but not observed yet (prom-client lists every metric it has)
        samples.add(new Sample(line.split(" ")[2], Map.of("declared", "true"), 0));
        continue;
      }
      Matcher sample = SAMPLE.matcher(line.trim());
      if (line.startsWith("#") || !sample.matches()) {
        continue;
      }
      Map<String, String> labels = new java.util.HashMap<>();
      if (sample.group(3) != null) {
        Matcher label = LABEL.matcher(sample.group(3));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(4))));
    }
    return new Scrape(samples);
  }

  private record Sample(String name, Map<String, String> labels, double value) {}

  /** One scrape of a Prometheus text exposition. */
  private record Scrape(List<Sample> samples) {
    double sum(String name, Map<String, String> labels) {
      return samples.stream().filter(s -> s.name().equals(name))
          .filter(s -> labels.entrySet().stream().allMatch(e -> e.getValue().equals(s.labels().get(e.getKey()))))
          .mapToDouble(Sample::value).sum();
    }

    /** Whether {@code name} is served (for a histogram declared as {@code x}: {@code x_bucket}, {@code x_count}). */
    boolean has(String name) {
      return samples.stream().anyMatch(s -> s.name().equals(name) || s.labels().containsKey("declared")
          && name.matches(Pattern.quote(s.name()) + "(_bucket|_count|_sum)?"));
    }

    double delta(Scrape before, String name, Map<String, String> labels) {
      assertThat(has(name)).as("series %s", name).isTrue();
      return sum(name, labels) - before.sum(name, labels);
    }
  }
}
