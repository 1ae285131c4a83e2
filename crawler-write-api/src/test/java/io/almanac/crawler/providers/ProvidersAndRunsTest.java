package io.almanac.crawler.providers;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.graphql.dgs.DgsQueryExecutor;
import io.almanac.crawler.runs.RunService;
import io.almanac.graphql.auth.ApiKeyStore;
import io.almanac.graphql.auth.Role;
import io.almanac.graphql.auth.TestCallers;
import io.almanac.graphql.auth.TestDatabases;
import io.almanac.store.SeriesDirectory;
import io.almanac.store.TimeseriesReader;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Providers in full and ingestion runs, against a real PostgreSQL (jOOQ) and real Iceberg tables. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "almanac.runs.timeout=1h")
class ProvidersAndRunsTest {


  @Autowired DgsQueryExecutor graphql;
  @Autowired ApiKeyStore keys;
  @Autowired RunService runService;
  @Autowired TimeseriesReader reader;
  @Autowired SeriesDirectory directory;

  private TestCallers callers;
  private String crawler;
  private String viewer;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestDatabases.register(registry);
  }

  @BeforeEach
  void keys() {
    callers = new TestCallers(keys, graphql);
    crawler = callers.key(1, Role.CRAWLER);
    viewer = callers.key(2, Role.VIEWER);
  }

  private Map<String, Object> ok(String query, Map<String, Object> variables) {
    return callers.data(crawler, query, variables);
  }

  private Map<String, Object> error(String auth, String query, Map<String, Object> variables) {
    return callers.errorExtensions(auth, query, variables);
  }

  private String provider(String name) {
    return (String) ((Map<String, Object>) ok("""
        mutation($n: String!) { createProvider(input: {name: $n, type: API, config: {base: "https://x", pages: 3},
          schedule: "15 6 * * 1-5"}) { id config schedule nextRunAt totalRuns successRate lastRunAt } }""",
        Map.of("n", name)).get("createProvider")).get("id");
  }

  @Test
  void createValidatesConfigAndScheduleAndUpdateIsPartial() {
    String id = provider("Validated " + System.nanoTime());
    Map<String, Object> p = (Map<String, Object>) ok("query($id: ID!) { provider(id: $id) { config schedule nextRunAt totalRuns successRate } }",
        Map.of("id", id)).get("provider");
    assertThat(p.get("config")).isEqualTo(Map.of("base", "https://x", "pages", 3));
    assertThat(p.get("nextRunAt")).isNotNull();
    assertThat(p).containsEntry("totalRuns", 0).containsEntry("successRate", null);

    assertThat(error(crawler, "mutation { createProvider(input: {name: \"bad cron\", type: API, schedule: \"every day\"}) { id } }",
        Map.of())).containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "input.schedule");
    assertThat(error(crawler, "mutation { createProvider(input: {name: \"bad config\", type: API, config: [1, 2]}) { id } }",
        Map.of())).containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "input.config");

    Map<String, Object> updated = (Map<String, Object>) ok("""
        mutation($id: ID!) { updateProvider(id: $id, input: {status: PAUSED, schedule: null}) {
          name status schedule nextRunAt config } }""", Map.of("id", id)).get("updateProvider");
    assertThat(updated).containsEntry("status", "PAUSED").containsEntry("schedule", null).containsEntry("nextRunAt", null);
    assertThat((String) updated.get("name")).startsWith("Validated");
    assertThat(updated.get("config")).isEqualTo(p.get("config"));
    assertThat(error(crawler, "mutation { updateProvider(id: \"999999\", input: {status: ACTIVE}) { id } }", Map.of()))
        .containsEntry("code", "NOT_FOUND");
  }

  @Test
  void searchIsCaseInsensitiveAndInjectionIsPlainText() {
    String id = provider("Federal Reserve Economic " + System.nanoTime());
    List<Object> found = (List<Object>) ((Map<String, Object>) ok(
        "{ providers(search: \"reserve ECONOMIC\") { nodes { id } } }", Map.of()).get("providers")).get("nodes");
    assertThat(found).contains(Map.of("id", id));
    for (String attack : List.of("' OR '1'='1", "%", "_", "'; DROP TABLE crawler.providers; --", "\\", "%' --")) {
      List<Object> none = (List<Object>) ((Map<String, Object>) ok(
          "query($s: String) { providers(search: $s) { nodes { id } } }", Map.of("s", attack)).get("providers"))
          .get("nodes");
      assertThat(none).as("search %s", attack).isEmpty();
    }
    assertThat(ok("query($id: ID!) { provider(id: $id) { id } }", Map.of("id", id)).get("provider")).isNotNull();
  }

  @Test
  void runsFinishOnceAccumulateUploadsAndDeriveProviderStats() {
    String providerId = provider("Runs " + System.nanoTime());
    String series = (String) ((Map<String, Object>) ((List<Object>) ((Map<String, Object>) ok("""
        mutation($p: ID!) { upsertSeries(input: [{providerId: $p, externalId: "R", title: "R", frequency: DAILY}]) {
          series { id } } }""", Map.of("p", providerId)).get("upsertSeries")).get("series")).get(0)).get("id");
    String runId = (String) ((Map<String, Object>) ok("""
        mutation($p: ID!) { startRun(providerId: $p, parameters: {since: "2024-01-01"}) { id status parameters } }""",
        Map.of("p", providerId)).get("startRun")).get("id");
    Map<String, Object> points = Map.of("runId", runId, "points", List.of(
        Map.of("seriesId", series, "date", "2024-01-01", "value", "1"),
        Map.of("seriesId", series, "date", "2024-01-02", "value", "x")));
    ok("mutation($i: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $i) { status } }", Map.of("i", points));

    Map<String, Object> finished = (Map<String, Object>) ok("""
        mutation($r: ID!) { finishRun(runId: $r, status: SUCCEEDED, logs: ["fetched 2", "done"]) {
          status durationMs recordsIngested recordsFailed logs completedAt provider { id } } }""", Map.of("r", runId))
        .get("finishRun");
    assertThat(finished).containsEntry("status", "SUCCEEDED").containsEntry("recordsIngested", 1.0)
        .containsEntry("recordsFailed", 1.0).containsEntry("logs", List.of("fetched 2", "done"));
    assertThat((Double) finished.get("durationMs")).isGreaterThanOrEqualTo(0.0);
    assertThat(finished.get("provider")).isEqualTo(Map.of("id", providerId));

    assertThat(error(crawler, "mutation($r: ID!) { finishRun(runId: $r, status: FAILED) { id } }", Map.of("r", runId)))
        .containsEntry("code", "CONFLICT");
    Map<String, Object> refused = (Map<String, Object>) ok(
        "mutation($i: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $i) { status errors { code } } }",
        Map.of("i", points)).get("bulkUpsertDataPoints");
    assertThat(refused.get("errors")).isEqualTo(List.of(Map.of("code", "RUN_NOT_RUNNING")));

    String failedRun = (String) ((Map<String, Object>) ok("mutation($p: ID!) { startRun(providerId: $p) { id } }",
        Map.of("p", providerId)).get("startRun")).get("id");
    ok("mutation($r: ID!) { finishRun(runId: $r, status: FAILED, errorMessage: \"HTTP 503\") { id } }", Map.of("r", failedRun));
    Map<String, Object> stats = (Map<String, Object>) ok(
        "query($p: ID!) { provider(id: $p) { totalRuns successRate lastRunAt runs(orderBy: {field: STARTED_AT, direction: ASC}) { nodes { id } } } }",
        Map.of("p", providerId)).get("provider");
    assertThat(stats).containsEntry("totalRuns", 2).containsEntry("successRate", 0.5);
    assertThat(stats.get("lastRunAt")).isNotNull();
    assertThat(((Map<String, Object>) stats.get("runs")).get("nodes"))
        .isEqualTo(List.of(Map.of("id", runId), Map.of("id", failedRun)));
  }

  @Test
  void runPagesStayStableWhileRunsAreInserted() {
    String providerId = provider("Paging " + System.nanoTime());
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add((String) ((Map<String, Object>) ok("mutation($p: ID!) { startRun(providerId: $p) { id } }",
          Map.of("p", providerId)).get("startRun")).get("id"));
    }
    String page = "query($p: ID, $a: String) { runs(providerId: $p, first: 2, after: $a) { pageInfo { hasNextPage endCursor } nodes { id } } }";
    Map<String, Object> first = (Map<String, Object>) ok(page, vars("p", providerId, "a", null)).get("runs");
    // New runs arrive between pages: they are newer than the cursor, so later pages neither shift nor repeat.
    ok("mutation($p: ID!) { startRun(providerId: $p) { id } }", Map.of("p", providerId));
    String cursor = (String) ((Map<String, Object>) first.get("pageInfo")).get("endCursor");
    Map<String, Object> second = (Map<String, Object>) ok(page, vars("p", providerId, "a", cursor)).get("runs");
    Map<String, Object> third = (Map<String, Object>) ok(page, vars("p", providerId, "a",
        ((Map<String, Object>) second.get("pageInfo")).get("endCursor"))).get("runs");
    List<Object> seen = new ArrayList<>();
    for (Map<String, Object> p : List.of(first, second, third)) {
      ((List<Map<String, Object>>) p.get("nodes")).forEach(n -> seen.add(n.get("id")));
    }
    assertThat(seen).containsExactly(created.get(4), created.get(3), created.get(2), created.get(1), created.get(0));
    assertThat(((Map<String, Object>) third.get("pageInfo")).get("hasNextPage")).isEqualTo(false);
    assertThat(error(crawler, "query($a: String) { runs(first: 2, after: $a, orderBy: {field: DURATION}) { nodes { id } } }",
        vars("a", cursor))).containsEntry("code", "BAD_USER_INPUT");
  }

  @Test
  void sweepFailsRunsLeftRunning() {
    String providerId = provider("Sweep " + System.nanoTime());
    String runId = (String) ((Map<String, Object>) ok("mutation($p: ID!) { startRun(providerId: $p) { id } }",
        Map.of("p", providerId)).get("startRun")).get("id");
    assertThat(runService.sweep(OffsetDateTime.now())).isZero();
    assertThat(runService.sweep(OffsetDateTime.now().plusHours(2))).isGreaterThanOrEqualTo(1);
    Map<String, Object> run = (Map<String, Object>) ok("query($r: ID!) { run(id: $r) { status errorMessage } }",
        Map.of("r", runId)).get("run");
    assertThat(run).containsEntry("status", "FAILED");
    assertThat((String) run.get("errorMessage")).contains("Timed out");
  }

  @Test
  void deleteIsRefusedWhileSeriesRemainUnlessForced() {
    String providerId = provider("Deletable " + System.nanoTime());
    String series = (String) ((Map<String, Object>) ((List<Object>) ((Map<String, Object>) ok("""
        mutation($p: ID!) { upsertSeries(input: [{providerId: $p, externalId: "D", title: "D", frequency: DAILY}]) {
          series { id } } }""", Map.of("p", providerId)).get("upsertSeries")).get("series")).get(0)).get("id");
    ok("mutation($i: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $i) { status } }", Map.of("i",
        Map.of("points", List.of(Map.of("seriesId", series, "date", "2024-01-01", "value", "1")))));
    ok("mutation($p: ID!) { startRun(providerId: $p) { id } }", Map.of("p", providerId));

    assertThat(error(crawler, "mutation($p: ID!) { deleteProvider(id: $p) }", Map.of("p", providerId)))
        .containsEntry("code", "CONFLICT").containsEntry("series", 1);
    assertThat(ok("mutation($p: ID!) { deleteProvider(id: $p, force: true) }", Map.of("p", providerId))
        .get("deleteProvider")).isEqualTo(true);
    assertThat(ok("query($p: ID!) { provider(id: $p) { id } }", Map.of("p", providerId)).get("provider")).isNull();
    long id = Long.parseLong(series);
    assertThat(reader.readHistories(List.of(id), reader.observationsSnapshot()).get(id).isEmpty()).isTrue();
    assertThat(directory.current().byId()).doesNotContainKey(id);
    assertThat(ok("mutation($p: ID!) { deleteProvider(id: $p) }", Map.of("p", providerId)).get("deleteProvider"))
        .isEqualTo(false);
  }

  @Test
  void mutationsNeedACrawlerOrAdminKey() {
    String create = "mutation { createProvider(input: {name: \"nope\", type: API}) { id } }";
    assertThat(error(null, create, Map.of())).containsEntry("code", "UNAUTHENTICATED");
    assertThat(error(viewer, create, Map.of())).containsEntry("code", "FORBIDDEN");
    assertThat(callers.execute(viewer, "{ providers { nodes { id } } }", Map.of()).getErrors()).isEmpty();
    assertThat(callers.execute(callers.key(3, Role.ADMIN), "mutation { createProvider(input: {name: \"by admin "
        + System.nanoTime() + "\", type: API}) { id } }", Map.of()).getErrors()).isEmpty();
  }

  @Test
  void runsResolveAsEntitiesWithTheirProvider() {
    String providerId = provider("Entities " + System.nanoTime());
    Map<String, Object> started = (Map<String, Object>) ok("""
        mutation($p: ID!) {
          startRun(providerId: $p, parameters: {since: "2024-01-01", pages: [1, 2]}) { id parameters } }""",
        Map.of("p", providerId)).get("startRun");
    assertThat(started.get("parameters")).isEqualTo(Map.of("since", "2024-01-01", "pages", List.of(1, 2)));
    String runId = (String) started.get("id");
    List<Map<String, Object>> entities = (List<Map<String, Object>>) ok("""
        query($reps: [_Any!]!) { _entities(representations: $reps) {
          ... on IngestionRun { id status provider { id totalRuns } } } }""",
        Map.of("reps", List.of(Map.of("__typename", "IngestionRun", "id", runId),
            Map.of("__typename", "IngestionRun", "id", "987654")))).get("_entities");
    assertThat(entities.get(0)).isEqualTo(Map.of("id", runId, "status", "RUNNING",
        "provider", Map.of("id", providerId, "totalRuns", 1)));
    assertThat(entities.get(1)).isNull();
  }

  @Test
  void providersFilterByStatus() {
    String name = "Filtered " + System.nanoTime();
    String id = provider(name);
    String query = "query($s: ProviderStatus, $q: String) { providers(status: $s, search: $q) { nodes { id } } }";
    assertThat(((Map<String, Object>) ok(query, vars("s", "ACTIVE", "q", name)).get("providers")).get("nodes"))
        .isEqualTo(List.of(Map.of("id", id)));
    assertThat(((Map<String, Object>) ok(query, vars("s", "PAUSED", "q", name)).get("providers")).get("nodes"))
        .isEqualTo(List.of());
  }

  private static Map<String, Object> vars(Object... pairs) {
    Map<String, Object> map = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], pairs[i + 1]);
    }
    return map;
  }
}
