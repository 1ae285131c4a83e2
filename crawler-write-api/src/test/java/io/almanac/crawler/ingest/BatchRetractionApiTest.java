package io.almanac.crawler.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.graphql.dgs.DgsQueryExecutor;
import graphql.ExecutionResult;
import graphql.GraphQLError;
import io.almanac.graphql.auth.ApiKeyStore;
import io.almanac.graphql.auth.Role;
import io.almanac.graphql.auth.TestCallers;
import io.almanac.graphql.auth.TestDatabases;
import io.almanac.store.SeriesHistory;
import io.almanac.store.TableMaintenance;
import io.almanac.store.TimeseriesReader;
import io.almanac.store.TimeseriesStore;
import io.almanac.store.TimeseriesWriter;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code retractBatch} through DGS against a real PostgreSQL and real Iceberg tables: a bad batch that
 * added a date, overwrote keys and added a vintage is taken back after compaction dropped the rows it
 * had overwritten, so they come back from the raw archive. Expected histories are written out by hand
 * from the uploads. Maintenance is run by the test (the scheduler is off), so what was compacted is known.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "almanac.maintenance.enabled=false")
class BatchRetractionApiTest {

  private static final long ADMIN_USER = 7;

  @Autowired DgsQueryExecutor graphql;
  @Autowired TimeseriesReader reader;
  @Autowired TimeseriesStore store;
  @Autowired TimeseriesWriter writer;
  @Autowired ApiKeyStore keys;

  private TestCallers callers;
  private String admin;
  private String crawler;
  private String viewer;
  private String providerId;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestDatabases.register(registry);
  }

  private static final String BULK = """
      mutation($input: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $input) {
        batchId status replayed summary { totalProcessed successful failed } } }""";

  private static final String RETRACT = """
      mutation($id: ID!, $reason: String!) { retractBatch(batchId: $id, reason: $reason) {
        batchId observationsRemoved keysRestored keysRestoredFromArchive filesRewritten
        retraction { reason retractedBy retractedAt } } }""";

  @BeforeEach
  void keysAndProvider() {
    callers = new TestCallers(keys, graphql);
    admin = callers.key(ADMIN_USER, Role.ADMIN);
    crawler = callers.key(8, Role.CRAWLER);
    viewer = callers.key(9, Role.VIEWER);
    providerId = (String) ((Map<String, Object>) ok(crawler, """
        mutation { createProvider(input: {name: "Retraction Bureau %s", type: API}) { id } }"""
        .formatted(System.nanoTime()), Map.of()).get("createProvider")).get("id");
  }

  private Map<String, Object> ok(String key, String query, Map<String, Object> variables) {
    return callers.data(key, query, variables);
  }

  private GraphQLError refused(String key, String query, Map<String, Object> variables) {
    ExecutionResult result = callers.execute(key, query, variables);
    assertThat(result.getErrors()).hasSize(1);
    return result.getErrors().get(0);
  }

  private String series(String externalId) {
    Map<String, Object> upserted = ok(crawler, """
        mutation($input: [SeriesInput!]!) { upsertSeries(input: $input) { series { id } } }""",
        Map.of("input", List.of(Map.of("providerId", providerId, "externalId", externalId, "title", externalId,
            "frequency", "QUARTERLY"))));
    return (String) ((List<Map<String, Object>>) ((Map<String, Object>) upserted.get("upsertSeries")).get("series"))
        .get(0).get("id");
  }

  private Map<String, Object> upload(String batchId, boolean atomic, List<Map<String, Object>> points) {
    return (Map<String, Object>) ok(crawler, BULK, Map.of("input",
        Map.of("batchId", batchId, "atomic", atomic, "points", points))).get("bulkUpsertDataPoints");
  }

  private static Map<String, Object> point(String seriesId, String date, String value, String revisionDate) {
    Map<String, Object> p = new HashMap<>();
    p.put("seriesId", seriesId);
    p.put("date", date);
    p.put("value", value);
    p.put("revisionDate", revisionDate);
    return p;
  }

  /** A point naming its series by provider and external id, as many crawlers do. */
  private Map<String, Object> byExternalId(String externalId, String date, String value, String revisionDate) {
    Map<String, Object> p = point(null, date, value, revisionDate);
    p.put("providerId", providerId);
    p.put("externalId", externalId);
    return p;
  }

  private Map<String, Object> retract(String key, String batchId, String reason) {
    return (Map<String, Object>) ok(key, RETRACT, Map.of("id", batchId, "reason", reason)).get("retractBatch");
  }

  private SeriesHistory history(String seriesId) {
    long id = Long.parseLong(seriesId);
    return reader.readHistories(List.of(id), reader.observationsSnapshot()).get(id);
  }

  /** Every stored vintage, "date@revision=value", in the reader's order. */
  private String vintages(String seriesId) {
    SeriesHistory h = history(seriesId);
    List<String> rows = new ArrayList<>();
    for (int row = 0; row < h.size(); row++) {
      rows.add(h.date(row) + "@" + h.revisionDate(row) + "=" + h.value(row).stripTrailingZeros().toPlainString());
    }
    return String.join(" ", rows);
  }

  /** The ALFRED view as of a day: "date=value" of each date's latest vintage published by then. */
  private String asOf(String seriesId, String day) {
    SeriesHistory h = history(seriesId);
    List<String> rows = new ArrayList<>();
    for (int row : h.view(LocalDate.parse(day), null, null)) {
      rows.add(h.date(row) + "=" + h.value(row).stripTrailingZeros().toPlainString());
    }
    return String.join(" ", rows);
  }

  private void compact() {
    new TableMaintenance(store, writer, new TableMaintenance.Settings(2, 2_000_000, 0.1, Duration.ZERO,
        Duration.ofMinutes(1), 50)).runUntilSettled();
  }

  @Test
  void aBadBatchIsTakenBackAfterCompactionAndTheKeysItOverwroteComeBackFromTheArchive() {
    String tag = Long.toString(System.nanoTime());
    String gdp = series("GDP" + tag);
    String cpi = series("CPI" + tag);
    // "first" is PARTIAL (one bad point), names GDP by external id, and publishes Q1..Q3 in May.
    assertThat(upload("first-" + tag, false, List.of(
        byExternalId("GDP" + tag, "2024-01-01", "1.1", "2024-05-01"),
        point(gdp, "2024-04-01", "1.2", "2024-05-01"),
        point(gdp, "2024-07-01", "not a number", "2024-05-01"),
        point(gdp, "2024-07-01", "1.3", "2024-05-01"),
        point(cpi, "2024-01-01", "300", "2024-05-01")))).containsEntry("status", "PARTIAL");
    // "bad" overwrites Q1 and Q2 (same keys), adds a date (Q4) and a vintage of Q3 (August).
    assertThat(upload("bad-" + tag, false, List.of(
        point(gdp, "2024-01-01", "91.1", "2024-05-01"),
        point(gdp, "2024-04-01", "91.2", "2024-05-01"),
        point(gdp, "2024-10-01", "91.4", "2024-05-01"),
        point(gdp, "2024-07-01", "91.3", "2024-08-01")))).containsEntry("status", "COMMITTED");
    // "later" overwrites bad's Q2: the retraction must leave it.
    upload("later-" + tag, false, List.of(point(gdp, "2024-04-01", "2.2", "2024-05-01")));
    compact();
    Table observations = store.observations();
    observations.refresh();
    assertThat(TableMaintenance.filesHolding(observations, Long.parseLong(gdp))).as("compacted to one file").isEqualTo(1);
    assertThat(vintages(gdp)).as("compaction kept bad's Q1 only").isEqualTo(
        "2024-01-01@2024-05-01=91.1 2024-04-01@2024-05-01=2.2 2024-07-01@2024-05-01=1.3 2024-07-01@2024-08-01=91.3 "
            + "2024-10-01@2024-05-01=91.4");

    // Only admins; a reason is required.
    Map<String, Object> badArgs = Map.of("id", "bad-" + tag, "reason", "crawler loaded a test feed");
    assertThat(refused(crawler, RETRACT, badArgs).getExtensions()).containsEntry("code", "FORBIDDEN");
    assertThat(refused(viewer, RETRACT, badArgs).getExtensions()).containsEntry("code", "FORBIDDEN");
    assertThat(refused(admin, RETRACT, Map.of("id", "bad-" + tag, "reason", "  ")).getExtensions())
        .containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "reason");
    assertThat(refused(admin, RETRACT, Map.of("id", "no-such-" + tag, "reason", "x")).getExtensions())
        .containsEntry("code", "NOT_FOUND");
    assertThat(vintages(gdp)).as("refusals changed nothing").contains("2024-01-01@2024-05-01=91.1");

    Map<String, Object> result = retract(admin, "bad-" + tag, "crawler loaded a test feed");
    assertThat(result).containsEntry("batchId", "bad-" + tag)
        .containsEntry("observationsRemoved", 3)   // Q1, Q4, Q3@Aug; its Q2 was compacted away under "later"
        .containsEntry("keysRestored", 1)          // Q1 reads as "first" again
        .containsEntry("keysRestoredFromArchive", 1)
        .containsEntry("filesRewritten", 1);
    Map<String, Object> mark = (Map<String, Object>) result.get("retraction");
    assertThat(mark).containsEntry("reason", "crawler loaded a test feed").containsEntry("retractedBy", "7");
    assertThat(mark.get("retractedAt")).isNotNull();

    assertThat(vintages(gdp)).isEqualTo("2024-01-01@2024-05-01=1.1 2024-04-01@2024-05-01=2.2 2024-07-01@2024-05-01=1.3");
    assertThat(vintages(cpi)).isEqualTo("2024-01-01@2024-05-01=300");
    assertThat(asOf(gdp, "2024-06-01")).isEqualTo("2024-01-01=1.1 2024-04-01=2.2 2024-07-01=1.3");
    assertThat(asOf(gdp, "2024-12-31")).as("no August vintage, no Q4").isEqualTo(
        "2024-01-01=1.1 2024-04-01=2.2 2024-07-01=1.3");
    assertThat(asOf(gdp, "2024-04-30")).as("before any publication").isEmpty();
    observations.refresh();
    assertThat(observations.currentSnapshot().summary()).containsEntry("total-delete-files", "0");

    // The archive keeps the batch, marked; the id stays taken; a second retraction is refused.
    Map<String, Object> archived = (Map<String, Object>) ok(admin, """
        query($id: ID!) { archivedBatch(batchId: $id) { status points { index value }
          retraction { reason retractedBy retractedAt } } }""", Map.of("id", "bad-" + tag)).get("archivedBatch");
    assertThat(archived).containsEntry("status", "COMMITTED").containsEntry("retraction", mark);
    assertThat((List<?>) archived.get("points")).hasSize(4);
    assertThat(ok(admin, "query($id: ID!) { archivedBatch(batchId: $id) { retraction { reason } } }",
        Map.of("id", "first-" + tag)).get("archivedBatch")).isEqualTo(Collections.singletonMap("retraction", null));
    GraphQLError resent = refused(crawler, BULK, Map.of("input", Map.of("batchId", "bad-" + tag,
        "points", List.of(point(gdp, "2024-01-01", "91.1", "2024-05-01")))));
    assertThat(resent.getExtensions()).containsEntry("code", "CONFLICT").containsEntry("argument", "input.batchId");
    assertThat(resent.getMessage()).contains("retracted");
    assertThat(refused(admin, RETRACT, badArgs).getExtensions()).containsEntry("code", "CONFLICT");
    assertThat(vintages(gdp)).as("neither wrote anything").isEqualTo(
        "2024-01-01@2024-05-01=1.1 2024-04-01@2024-05-01=2.2 2024-07-01@2024-05-01=1.3");

    // Compaction afterwards does not bring the batch back.
    compact();
    assertThat(vintages(gdp)).isEqualTo("2024-01-01@2024-05-01=1.1 2024-04-01@2024-05-01=2.2 2024-07-01@2024-05-01=1.3");

    // Retracting "later" now brings back "first"'s Q2 (bad's, in between, is retracted): from the archive.
    Map<String, Object> later = retract(admin, "later-" + tag, "also wrong");
    assertThat(later).containsEntry("observationsRemoved", 1).containsEntry("keysRestored", 1)
        .containsEntry("keysRestoredFromArchive", 1);
    assertThat(vintages(gdp)).isEqualTo("2024-01-01@2024-05-01=1.1 2024-04-01@2024-05-01=1.2 2024-07-01@2024-05-01=1.3");
  }

  @Test
  void withoutCompactionTheOverwrittenRowIsStillInTheTableAndNothingComesFromTheArchive() {
    String tag = Long.toString(System.nanoTime());
    String gdp = series("N" + tag);
    upload("n-first-" + tag, false, List.of(point(gdp, "2024-01-01", "1.1", "2024-05-01")));
    upload("n-second-" + tag, false, List.of(point(gdp, "2024-01-01", "2.1", "2024-05-01")));
    upload("n-bad-" + tag, false, List.of(point(gdp, "2024-01-01", "91.1", "2024-05-01"),
        point(gdp, "2024-04-01", "91.2", "2024-05-01")));
    Map<String, Object> result = retract(admin, "n-bad-" + tag, "duplicate feed");
    assertThat(result).containsEntry("observationsRemoved", 2).containsEntry("keysRestored", 1)
        .containsEntry("keysRestoredFromArchive", 0);
    assertThat(vintages(gdp)).as("the second write, the latest before the batch").isEqualTo(
        "2024-01-01@2024-05-01=2.1");
  }

  @Test
  void aRejectedBatchIsRetractedWithZeroCountsAndItsIdStaysTaken() {
    String tag = Long.toString(System.nanoTime());
    String gdp = series("R" + tag);
    assertThat(upload("rejected-" + tag, true, List.of(point(gdp, "2024-01-01", "1", "2024-05-01"),
        point(gdp, "2024-04-01", "oops", "2024-05-01")))).containsEntry("status", "REJECTED");
    Map<String, Object> result = retract(admin, "rejected-" + tag, "retire the id");
    assertThat(result).containsEntry("observationsRemoved", 0).containsEntry("keysRestored", 0)
        .containsEntry("filesRewritten", 0);
    GraphQLError resent = refused(crawler, BULK, Map.of("input", Map.of("batchId", "rejected-" + tag,
        "points", List.of(point(gdp, "2024-01-01", "1", "2024-05-01")))));
    assertThat(resent.getExtensions()).containsEntry("code", "CONFLICT");
    assertThat(history(gdp).isEmpty()).isTrue();
  }
}
