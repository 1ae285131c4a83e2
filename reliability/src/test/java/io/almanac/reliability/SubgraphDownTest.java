package io.almanac.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.GraphQLClient;
import io.almanac.local.LocalStack;
import io.almanac.local.ManagedProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Partial answers with a subgraph down or hung (issue 14, item 1): the gateway bounds every subgraph
 * request by ALMANAC_UPSTREAM_TIMEOUT, answers what the live subgraphs serve, nulls only the fields of
 * the failed one and names it in an UNAVAILABLE error; once the subgraph is back, answers are whole again.
 * Its own stack (processes are paused and killed), with a short timeout so the quick run stays short.
 */
class SubgraphDownTest {

  /** Short for a quick run, long enough that a live subgraph on a loaded 2-core machine answers within it. */
  private static final int TIMEOUT_MS = 5000;
  /** "Within the timeout": the timeout plus generous slack for a loaded machine. */
  private static final Duration WITHIN_TIMEOUT = Duration.ofMillis(TIMEOUT_MS).plusSeconds(10);
  private static final Duration RECOVERY = Duration.ofSeconds(60);

  private static final String TITLE = "Series whose provider lives in another subgraph";
  private static final String LATEST = "2.5";
  private static final String PROVIDER = "Down Test Bureau";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static final String PROVIDERS_QUERY = "{ providers { nodes { name series { nodes { title } } } } }";

  private static LocalStack stack;
  private static GraphQLClient gateway;
  private static String seriesId;

  @BeforeAll
  static void start() throws IOException {
    Path home = Path.of("..").toAbsolutePath().normalize();
    Path runDir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "subgraph-down");
    stack = LocalStack.start(new LocalStack.Options(home, runDir, null, null, null, 0, 0, 0, 0, false,
        Map.of("ALMANAC_UPSTREAM_TIMEOUT", String.valueOf(TIMEOUT_MS))));
    gateway = new GraphQLClient(stack.gateway(), stack.adminAuthorization());
    // The data goes straight to the crawler API: a cold first write (tables created) may take longer than
    // the short gateway timeout this stack runs with.
    GraphQLClient crawler = new GraphQLClient(stack.crawler(), stack.adminAuthorization());
    String providerId = crawler.data("mutation($n: String!) { createProvider(input: {name: $n, type: API}) { id } }",
        Map.of("n", PROVIDER)).path("createProvider").path("id").asString();
    seriesId = crawler.data("""
        mutation($p: ID!, $t: String!) { upsertSeries(input: [{providerId: $p, externalId: "DOWN", title: $t,
          frequency: MONTHLY}]) { series { id } } }""", Map.of("p", providerId, "t", TITLE))
        .path("upsertSeries").path("series").get(0).path("id").asString();
    JsonNode upload = crawler.data("""
        mutation($s: ID!) { bulkUpsertDataPoints(input: {batchId: "subgraph-down", points: [
          {seriesId: $s, date: "2024-01-01", value: "1.5"}, {seriesId: $s, date: "2024-02-01", value: "2.5"}]}) {
          status } }""", Map.of("s", seriesId));
    assertThat(upload.path("bulkUpsertDataPoints").path("status").asString()).isEqualTo("COMMITTED");
    // Warm every subgraph's read path through the gateway (reads may be retried): a cold first read must
    // not be mistaken for a hung subgraph.
    awaitWholeAnswer();
    awaitNoErrors("{ me { email } }");
    awaitNoErrors(PROVIDERS_QUERY);
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  private static String seriesQuery() {
    return "{ series(id: \"" + seriesId + "\") { title latest { value } provider { name } } }";
  }

  /** The response, and how long it took. */
  private record Timed(JsonNode response, Duration took) {}

  private static Timed timed(String query) {
    long start = System.nanoTime();
    JsonNode response = gateway.execute(query, Map.of());
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.println("SubgraphDownTest: answered in " + took.toMillis() + " ms: " + query);
    return new Timed(response, took);
  }

  /** Title and latest value from the financial subgraph, provider null, one UNAVAILABLE naming crawler. */
  private static void assertPartialWithoutProvider(Timed answer) {
    JsonNode series = answer.response().path("data").path("series");
    assertThat(series.path("title").asString()).as(answer.response().toString()).isEqualTo(TITLE);
    assertThat(series.path("latest").path("value").asString()).isEqualTo(LATEST);
    assertThat(series.has("provider")).isTrue();
    assertThat(series.path("provider").isNull()).as(answer.response().toString()).isTrue();
    assertOnlyUnavailable(answer.response(), "crawler");
    assertThat(answer.took()).isLessThan(WITHIN_TIMEOUT);
  }

  /** Every error is UNAVAILABLE naming {@code subgraph}, and there is at least one. */
  private static void assertOnlyUnavailable(JsonNode response, String subgraph) {
    JsonNode errors = response.path("errors");
    assertThat(errors.isArray() && !errors.isEmpty()).as(response.toString()).isTrue();
    for (JsonNode error : errors) {
      assertThat(error.path("extensions").path("code").asString()).as(response.toString()).isEqualTo("UNAVAILABLE");
      assertThat(error.path("extensions").path("subgraph").asString()).isEqualTo(subgraph);
      assertThat(error.path("message").asString()).contains(subgraph).doesNotContain("http://");
    }
  }

  /** Waits (bounded) until the whole answer is back: the subgraph serves again. */
  private static void awaitWholeAnswer() {
    JsonNode series = awaitNoErrors(seriesQuery()).path("series");
    assertThat(series.path("title").asString()).isEqualTo(TITLE);
    assertThat(series.path("provider").path("name").asString()).isEqualTo(PROVIDER);
  }

  /**
   * {@code data} of the first answer to {@code query} without errors, asked again until one comes or
   * {@link #RECOVERY} has passed (a subgraph just resumed or restarted answers its first requests slowly).
   */
  private static JsonNode awaitNoErrors(String query) {
    long deadline = System.nanoTime() + RECOVERY.toNanos();
    JsonNode last;
    do {
      last = gateway.execute(query, Map.of());
      if (last.path("errors").isMissingNode() && last.path("data").isObject()) {
        return last.path("data");
      }
    } while (System.nanoTime() < deadline);
    throw new AssertionError("No whole answer to " + query + " within " + RECOVERY + ": " + last);
  }

  @Test
  void crawlerPausedGivesAPartialAnswerWithinTheTimeoutAndAWholeOneOnceResumed() {
    ManagedProcess crawler = stack.process("crawler-write-api");
    crawler.pause();
    try {
      assertPartialWithoutProvider(timed(seriesQuery()));
    } finally {
      crawler.resume();
    }
    awaitWholeAnswer();
  }

  @Test
  void crawlerKilledGivesAPartialAnswerAndAWholeOneOnceRestarted() throws IOException {
    stack.process("crawler-write-api").kill();
    try {
      assertPartialWithoutProvider(timed(seriesQuery()));
      // A mutation owned by the dead subgraph: nothing to serve, but named, and no 5xx.
      JsonNode refused = gateway.execute("mutation { createProvider(input: {name: \"while down\", type: API}) { id } }",
          Map.of());
      assertOnlyUnavailable(refused, "crawler");
    } finally {
      stack.restart("crawler-write-api");
    }
    awaitWholeAnswer();
  }

  @Test
  void usersPausedNullsOnlyTheUsersFields() {
    ManagedProcess users = stack.process("user-subgraph");
    users.pause();
    try {
      Timed answer = timed("{ me { email } series(id: \"" + seriesId + "\") { title provider { name } } }");
      JsonNode data = answer.response().path("data");
      assertThat(data.path("me").isNull()).as(answer.response().toString()).isTrue();
      assertThat(data.path("series").path("title").asString()).isEqualTo(TITLE);
      assertThat(data.path("series").path("provider").path("name").asString()).isEqualTo(PROVIDER);
      assertOnlyUnavailable(answer.response(), "users");
      assertThat(answer.took()).isLessThan(WITHIN_TIMEOUT);
    } finally {
      users.resume();
    }
    assertThat(awaitNoErrors("{ me { email } }").path("me").path("email").asString()).isNotEmpty();
  }

  @Test
  void financialPausedKeepsProvidersAndBoundsExports() throws Exception {
    ManagedProcess financial = stack.process("financial-subgraph");
    financial.pause();
    try {
      Timed answer = timed(PROVIDERS_QUERY);
      JsonNode nodes = answer.response().path("data").path("providers").path("nodes");
      List<String> names = new ArrayList<>();
      nodes.forEach(n -> {
        names.add(n.path("name").asString());
        assertThat(n.path("series").isNull()).as(answer.response().toString()).isTrue();
      });
      assertThat(names).contains(PROVIDER);
      assertOnlyUnavailable(answer.response(), "financial");
      assertThat(answer.took()).isLessThan(WITHIN_TIMEOUT);

      // A read only the financial subgraph answers goes by the gateway's single-fetch pass-through: its
      // late answer is reported as the planner's would be, after one timeout, not a second wait.
      Timed search = timed("{ searchSeries(first: 1) { totalCount } }");
      assertOnlyUnavailable(search.response(), "financial");
      assertThat(search.response().path("data").isNull()).as(search.response().toString()).isTrue();
      assertThat(search.took()).isLessThan(Duration.ofMillis(2L * TIMEOUT_MS));

      long start = System.nanoTime();
      HttpResponse<String> export = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
          HttpRequest.newBuilder(URI.create(stack.gateway().resolve("/export/series/" + seriesId + ".csv").toString()))
              .header("Authorization", stack.adminAuthorization()).timeout(Duration.ofSeconds(60)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WITHIN_TIMEOUT);
      assertThat(export.statusCode()).isEqualTo(504);
      assertOnlyUnavailable(JSON.readTree(export.body()), "financial");
    } finally {
      financial.resume();
    }
    awaitWholeAnswer();
  }
}
