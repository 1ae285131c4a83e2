package io.almanac.crawler.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.graphql.dgs.DgsQueryExecutor;
import io.almanac.graphql.auth.ApiKeyStore;
import io.almanac.graphql.auth.Role;
import io.almanac.graphql.auth.TestCallers;
import io.almanac.graphql.auth.TestDatabases;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code ObservationSource} as the gateway asks it for a page of observations: one representation per
 * row (1,200 rows of three batches), each asking the point of one key. The archive is read once per
 * batch, not per row; the point is the text as sent; run and provider come from the ledger.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "almanac.maintenance.enabled=false")
class ObservationSourceBatchingTest {

  @Autowired DgsQueryExecutor graphql;
  @Autowired ApiKeyStore keys;
  @Autowired ArchivedPoints archivedPoints;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestDatabases.register(registry);
  }

  private static final String ENTITIES = """
      query($reps: [_Any!]!) { _entities(representations: $reps) { ... on ObservationSource {
        batchId receivedAt run { id } provider { name }
        point(seriesId: "%s", date: "2020-01-05", revisionDate: "2024-02-01") { index value } } } }""";

  @SuppressWarnings("unchecked")
  private static <T> T at(Object data, Object... path) {
    Object node = data;
    for (Object step : path) {
      node = step instanceof Integer i ? ((List<Object>) node).get(i) : ((Map<String, Object>) node).get(step);
    }
    return (T) node;
  }

  private Map<String, Object> ok(TestCallers callers, String key, String query, Map<String, Object> variables) {
    return callers.data(key, query, variables);
  }

  @Test
  void aPageOfObservationsReadsEachBatchOnce() {
    TestCallers callers = new TestCallers(keys, graphql);
    String crawler = callers.key(31, Role.CRAWLER);
    String name = "Source Bureau " + System.nanoTime();
    String providerId = at(ok(callers, crawler, "mutation($n: String!) { createProvider(input: {name: $n, type: API}) { id } }",
        Map.of("n", name)), "createProvider", "id");
    String seriesId = at(ok(callers, crawler, """
        mutation($p: ID!) { upsertSeries(input: [{providerId: $p, externalId: "SRC", title: "Source",
          frequency: DAILY}]) { series { id } } }""", Map.of("p", providerId)), "upsertSeries", "series", 0, "id");
    String runId = at(ok(callers, crawler, "mutation($p: ID!) { startRun(providerId: $p) { id } }",
        Map.of("p", providerId)), "startRun", "id");

    // Three batches of 400 rows: the same dates, revision dates 2024-01-01, 02-01, 03-01; only the
    // second one names the run. Point 4 of each is 2020-01-05, written with an odd text in batch 1.
    List<Map<String, Object>> reps = new ArrayList<>();
    LocalDate start = LocalDate.of(2020, 1, 1);
    for (int b = 0; b < 3; b++) {
      String batchId = "src-" + System.nanoTime() + "-" + b;
      List<Map<String, Object>> points = new ArrayList<>();
      for (int d = 0; d < 400; d++) {
        String value = b == 1 && d == 4 ? "  0042.1000" : String.valueOf(b * 1000 + d);
        points.add(Map.of("seriesId", seriesId, "date", start.plusDays(d).toString(), "value", value,
            "revisionDate", "2024-0" + (b + 1) + "-01"));
        reps.add(Map.of("__typename", "ObservationSource", "batchId", batchId));
      }
      Map<String, Object> input = b == 1 ? Map.of("batchId", batchId, "runId", runId, "points", points)
          : Map.of("batchId", batchId, "points", points);
      assertThat((String) at(ok(callers, crawler, "mutation($i: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $i)"
          + " { status } }", Map.of("i", input)), "bulkUpsertDataPoints", "status")).isEqualTo("COMMITTED");
    }

    long readsBefore = archivedPoints.archiveReads();
    List<Map<String, Object>> sources = at(ok(callers, crawler, ENTITIES.formatted(seriesId), Map.of("reps", reps)),
        "_entities");
    assertThat(archivedPoints.archiveReads() - readsBefore).as("archive reads for 1,200 rows of 3 batches")
        .isEqualTo(3);
    assertThat(sources).hasSize(1200);
    for (int i = 0; i < 1200; i++) {
      Map<String, Object> source = sources.get(i);
      int batch = i / 400;
      assertThat((String) source.get("batchId")).isEqualTo(reps.get(i).get("batchId"));
      assertThat((String) at(source, "provider", "name")).isEqualTo(name);
      if (batch == 1) {
        assertThat((String) at(source, "run", "id")).isEqualTo(runId);
        assertThat((Map<String, Object>) source.get("point")).isEqualTo(Map.of("index", 4, "value", "  0042.1000"));
      } else {
        assertThat(source.get("run")).isNull();
        assertThat(source.get("point")).as("batch %d wrote no 2024-02-01 vintage", batch).isNull();
      }
    }
  }
}
