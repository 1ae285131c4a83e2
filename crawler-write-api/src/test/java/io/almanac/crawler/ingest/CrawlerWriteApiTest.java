package io.almanac.crawler.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.graphql.dgs.DgsQueryExecutor;
import com.netflix.graphql.dgs.internal.InputObjectMapper;
import graphql.ExecutionResult;
import io.almanac.graphql.auth.ApiKeyStore;
import io.almanac.graphql.auth.Role;
import io.almanac.graphql.auth.TestCallers;
import io.almanac.graphql.auth.TestDatabases;
import io.almanac.store.SeriesHistory;
import io.almanac.store.TimeseriesReader;
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

/** The write path through DGS, against a real PostgreSQL and real Iceberg tables. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "almanac.ingest.max-points=50")
class CrawlerWriteApiTest {


  @Autowired DgsQueryExecutor graphql;
  @Autowired TimeseriesReader reader;
  @Autowired ApiKeyStore keys;
  @Autowired InputObjectMapper inputMapper;

  private TestCallers callers;
  private String crawler;

  private String providerId;
  private String gdpId;
  private String cpiId;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestDatabases.register(registry);
  }


  private Map<String, Object> ok(String query, Map<String, Object> variables) {
    return callers.data(crawler, query, variables);
  }

  private static final String UPSERT_SERIES = """
      mutation($input: [SeriesInput!]!) { upsertSeries(input: $input) {
        series { id } errors { index field code message } } }""";

  private static final String BULK = """
      mutation($input: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $input) {
        batchId status replayed summary { totalProcessed successful failed } errors { index code message } } }""";

  @BeforeEach
  void providerAndSeries() {
    callers = new TestCallers(keys, graphql);
    if (crawler == null) {
      crawler = callers.key(1, Role.CRAWLER);
    }
    if (providerId != null) {
      return;
    }
    Map<String, Object> created = ok("""
        mutation { createProvider(input: {name: "Test Bureau %s", type: API}) { id name type status } }"""
        .formatted(System.nanoTime()), Map.of());
    Map<String, Object> provider = (Map<String, Object>) created.get("createProvider");
    assertThat(provider).containsEntry("status", "ACTIVE").containsEntry("type", "API");
    providerId = (String) provider.get("id");
    Map<String, Object> upserted = ok(UPSERT_SERIES, Map.of("input", List.of(
        series("GDP", "Gross Domestic Product", "QUARTERLY"),
        series("CPI", "Consumer Price Index", "MONTHLY"))));
    List<Map<String, Object>> ids = (List<Map<String, Object>>) ((Map<String, Object>) upserted.get("upsertSeries")).get("series");
    gdpId = (String) ids.get(0).get("id");
    cpiId = (String) ids.get(1).get("id");
  }

  private Map<String, Object> series(String externalId, String title, String frequency) {
    return Map.of("providerId", providerId, "externalId", externalId, "title", title, "frequency", frequency);
  }

  private Map<String, Object> bulk(Map<String, Object> input) {
    return (Map<String, Object>) ok(BULK, Map.of("input", input)).get("bulkUpsertDataPoints");
  }

  private static Map<String, Object> point(String seriesId, String date, Object value, String revisionDate) {
    Map<String, Object> p = new HashMap<>();
    p.put("seriesId", seriesId);
    p.put("date", date);
    p.put("value", value);
    p.put("revisionDate", revisionDate);
    return p;
  }

  private SeriesHistory history(String seriesId) {
    long id = Long.parseLong(seriesId);
    return reader.readHistories(List.of(id), reader.observationsSnapshot()).get(id);
  }

  @Test
  void upsertSeriesReportsBadInputsByIndexAndKeepsIdsStable() {
    Map<String, Object> result = (Map<String, Object>) ok(UPSERT_SERIES, Map.of("input", List.of(
        series("GDP", "GDP, renamed", "QUARTERLY"),
        Map.of("providerId", "999999", "externalId", "X", "title", "t", "frequency", "DAILY"),
        series("GDP", "dup", "QUARTERLY"),
        series("NEW", "  ", "DAILY")))).get("upsertSeries");
    assertThat((List<Map<String, Object>>) result.get("series")).containsExactly(Map.of("id", gdpId));
    assertThat((List<Map<String, Object>>) result.get("errors"))
        .extracting(e -> e.get("index") + ":" + e.get("code") + ":" + e.get("field"))
        .containsExactly("1:UNKNOWN_PROVIDER:providerId", "2:DUPLICATE_KEY:externalId", "3:INVALID_INPUT:title");
  }

  @Test
  void eachBadPointGetsItsCodeAndTheGoodOnesAreCommitted() {
    List<Map<String, Object>> points = new ArrayList<>();
    points.add(point(cpiId, "2024-01-01", "308.417", "2024-02-13"));            // 0 ok
    points.add(point("987654", "2024-01-01", "1", "2024-02-13"));               // 1 unknown series
    points.add(point(cpiId, "2024-13-01", "1", "2024-02-13"));                  // 2 malformed date
    points.add(point(cpiId, "2024-02-01", "NaN", "2024-03-12"));                // 3 non-finite
    points.add(point(cpiId, "2024-02-01", "12,5", "2024-03-12"));               // 4 unparsable
    points.add(point(cpiId, "2024-01-01", "308.5", "2024-02-13"));              // 5 duplicate of 0
    points.add(point(null, "2024-01-01", "1", null));                           // 6 no series
    points.add(point(cpiId, "2024-03-01", "1.00000000001", "2024-04-10"));      // 7 too precise
    points.add(point(cpiId, "2024-03-01", "Infinity", "2024-04-10"));           // 8 non-finite
    points.add(point(cpiId, "2024-02-01", 310.326, "2024-03-12"));              // 9 ok (JSON number)
    points.add(point(cpiId, "2024-03-01", "311.054", "31/03/2024"));            // 10 bad revision date
    Map<String, Object> byKey = new HashMap<>(point(null, "2024-03-01", null, "2024-04-10"));
    byKey.put("providerId", providerId);
    byKey.put("externalId", "CPI");
    points.add(byKey);                                                          // 11 ok, missing value
    Map<String, Object> result = bulk(Map.of("batchId", "mixed-" + System.nanoTime(), "points", points));
    assertThat(result).containsEntry("status", "PARTIAL");
    assertThat(result.get("summary")).isEqualTo(Map.of("totalProcessed", 12, "successful", 3, "failed", 9));
    assertThat((List<Map<String, Object>>) result.get("errors"))
        .extracting(e -> e.get("index") + ":" + e.get("code"))
        .containsExactly("1:UNKNOWN_SERIES", "2:INVALID_DATE", "3:NON_FINITE_VALUE", "4:INVALID_VALUE",
            "5:DUPLICATE_KEY", "6:MISSING_SERIES", "7:INVALID_VALUE", "8:NON_FINITE_VALUE",
            "10:INVALID_REVISION_DATE");

    SeriesHistory cpi = history(cpiId);
    assertThat(cpi.size()).isEqualTo(3);
    assertThat(cpi.value(0).toPlainString()).isEqualTo("308.417");
    assertThat(cpi.value(1).toPlainString()).isEqualTo("310.326");
    assertThat(cpi.value(2)).isNull();

    // Nothing is lost: every point is in the archive as sent, with its error.
    Map<String, Object> archived = (Map<String, Object>) ok("""
        query($id: ID!) { archivedBatch(batchId: $id) { status atomic points { index date value errorCode } } }""",
        Map.of("id", result.get("batchId"))).get("archivedBatch");
    assertThat(archived).containsEntry("status", "PARTIAL").containsEntry("atomic", false);
    List<Map<String, Object>> archivedPoints = (List<Map<String, Object>>) archived.get("points");
    assertThat(archivedPoints).hasSize(12);
    assertThat(archivedPoints.get(2)).containsEntry("date", "2024-13-01").containsEntry("errorCode", "INVALID_DATE");
    assertThat(archivedPoints.get(4)).containsEntry("value", "12,5");
    assertThat(archivedPoints.get(0).get("errorCode")).isNull();
  }

  @Test
  void atomicBatchWithOneBadPointWritesNothing() {
    String atomicId = ((Map<String, Object>) ((List<?>) ((Map<String, Object>) ok(UPSERT_SERIES,
        Map.of("input", List.of(series("ATOMIC", "Atomic test", "DAILY")))).get("upsertSeries")).get("series")).get(0)).get("id").toString();
    Map<String, Object> result = bulk(Map.of("atomic", true, "points", List.of(
        point(atomicId, "2024-01-01", "1", null), point(atomicId, "2024-01-02", "oops", null))));
    assertThat(result).containsEntry("status", "REJECTED");
    assertThat(result.get("summary")).isEqualTo(Map.of("totalProcessed", 2, "successful", 0, "failed", 2));
    assertThat((List<Map<String, Object>>) result.get("errors")).extracting(e -> e.get("code"))
        .containsExactly("INVALID_VALUE", "ATOMIC_BATCH_FAILED");
    assertThat(history(atomicId).isEmpty()).isTrue();
  }

  @Test
  void resentBatchIdChangesNothingAndReturnsTheFirstResult() {
    String batchId = "idem-" + System.nanoTime();
    Map<String, Object> first = bulk(Map.of("batchId", batchId, "points",
        List.of(point(gdpId, "2023-10-01", "3.3", "2024-01-25"))));
    Map<String, Object> again = bulk(Map.of("batchId", batchId, "points",
        List.of(point(gdpId, "2023-10-01", "999", "2024-01-25"), point(gdpId, "2023-07-01", "1", "2024-01-25"))));
    assertThat(again).containsEntry("replayed", true);
    assertThat(again.get("summary")).isEqualTo(first.get("summary"));
    assertThat(first).containsEntry("replayed", false);
    SeriesHistory gdp = history(gdpId);
    int[] rows = gdp.view(null, null, null);
    assertThat(rows).hasSize(1);
    assertThat(gdp.value(rows[0]).toPlainString()).isEqualTo("3.3");
  }

  @Test
  void emptyAndOversizedBatchesAreRefusedAndArchived() {
    Map<String, Object> empty = bulk(Map.of("points", List.of()));
    assertThat(empty).containsEntry("status", "REJECTED");
    assertThat((List<Map<String, Object>>) empty.get("errors")).singleElement()
        .satisfies(e -> assertThat(e).containsEntry("code", "EMPTY_BATCH").containsEntry("index", null));

    List<Map<String, Object>> tooMany = new ArrayList<>();
    for (int i = 0; i < 51; i++) {
      tooMany.add(point(gdpId, "2000-01-01", String.valueOf(i), "2000-02-01"));
    }
    Map<String, Object> oversized = bulk(Map.of("points", tooMany));
    assertThat((List<Map<String, Object>>) oversized.get("errors")).extracting(e -> e.get("code"))
        .containsExactly("BATCH_TOO_LARGE");
    Map<String, Object> archived = (Map<String, Object>) ok("""
        query($id: ID!) { archivedBatch(batchId: $id) { status points { index } batchErrors { code } } }""",
        Map.of("id", oversized.get("batchId"))).get("archivedBatch");
    assertThat((List<?>) archived.get("points")).hasSize(51);
    assertThat(archived.get("batchErrors")).isEqualTo(List.of(Map.of("code", "BATCH_TOO_LARGE")));
    assertThat(history(gdpId).vintages(null, null)).doesNotContain(java.time.LocalDate.parse("2000-02-01"));
  }

  @Test
  void providersResolveAsEntitiesAndPage() {
    Map<String, Object> data = ok("""
        query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Provider { id name } }
          providers(first: 1) { pageInfo { hasNextPage } nodes { id } }
          missing: archivedBatch(batchId: "never-sent") { batchId } }""",
        Map.of("reps", List.of(Map.of("__typename", "Provider", "id", providerId),
            Map.of("__typename", "Provider", "id", "424242"))));
    List<Map<String, Object>> entities = (List<Map<String, Object>>) data.get("_entities");
    assertThat(entities.get(0)).containsEntry("id", providerId);
    assertThat(entities.get(1)).isNull();
    assertThat(data.get("missing")).isNull();
  }

  @Test
  void duplicateProviderNameIsAConflict() {
    ExecutionResult result = callers.execute(crawler, """
        mutation { a: createProvider(input: {name: "Same Name", type: FILE}) { id }
                   b: createProvider(input: {name: "same name", type: FILE}) { id } }""", Map.of());
    assertThat(result.getErrors()).singleElement()
        .satisfies(e -> assertThat(e.getExtensions()).containsEntry("code", "CONFLICT"));
  }

  /**
   * A Decimal given as a JSON number has been through a double at the gateway: up to 15 significant
   * digits it is exact, past them refused per point; as a string any stored precision is exact.
   */
  @Test
  void decimalsSentAsNumbersAreExactUpTo15DigitsAndRefusedPastThem() {
    String batch = "numbers-" + System.nanoTime();
    List<Map<String, Object>> points = List.of(
        point(gdpId, "1990-01-01", "1234567890.1234567891", "2024-01-01"),     // 0 string: exact
        point(gdpId, "1990-01-02", 1234567890.1234567, "2024-01-01"),          // 1 variable number, 17 digits
        point(gdpId, "1990-01-03", 123456789.012345, "2024-01-01"),            // 2 variable number, 15 digits
        point(gdpId, "1990-01-04", 42, "2024-01-01"));                         // 3 integer
    Map<String, Object> result = bulk(Map.of("batchId", batch, "points", points));
    assertThat((List<Map<String, Object>>) result.get("errors")).singleElement().satisfies(e -> {
      assertThat(e).containsEntry("index", 1).containsEntry("code", "INVALID_VALUE");
      assertThat((String) e.get("message")).contains("1234567890.1234567", "send decimals as strings");
    });
    Map<String, Object> literal = (Map<String, Object>) ok("""
        mutation { bulkUpsertDataPoints(input: {points: [
          {seriesId: "%s", date: "1990-01-05", value: 1234567890.1234567891, revisionDate: "2024-01-01"},
          {seriesId: "%s", date: "1990-01-06", value: 2.5, revisionDate: "2024-01-01"}]}) {
          status errors { index code message } } }""".formatted(gdpId, gdpId), Map.of()).get("bulkUpsertDataPoints");
    assertThat(literal).containsEntry("status", "PARTIAL");
    assertThat((List<Map<String, Object>>) literal.get("errors")).extracting(e -> e.get("index") + ":" + e.get("code"))
        .containsExactly("0:INVALID_VALUE");
    SeriesHistory h = history(gdpId);
    int[] rows = h.view(null, java.time.LocalDate.parse("1990-01-01"), java.time.LocalDate.parse("1990-01-06"));
    List<String> stored = new ArrayList<>();
    for (int row : rows) {
      stored.add(h.date(row) + "=" + h.value(row).stripTrailingZeros().toPlainString());
    }
    assertThat(stored).containsExactly("1990-01-01=1234567890.1234567891", "1990-01-03=123456789.012345",
        "1990-01-04=42", "1990-01-06=2.5");
  }

  @Test
  void unknownRunsAreRefused() {
    Map<String, Object> refused =
        bulk(Map.of("runId", "987654", "points", List.of(point(gdpId, "2024-01-01", "1", null))));
    assertThat(refused).containsEntry("status", "REJECTED");
    assertThat((List<Map<String, Object>>) refused.get("errors")).singleElement()
        .satisfies(e -> assertThat(e).containsEntry("code", "UNKNOWN_RUN").containsEntry("index", null));
    assertThat(history(gdpId).vintages(null, null))
        .doesNotContain(java.time.LocalDate.now(java.time.ZoneOffset.UTC));
  }
}
