package io.almanac.financial;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.graphql.dgs.DgsQueryExecutor;
import graphql.ExecutionResult;
import io.almanac.graphql.DocumentCache;
import io.almanac.graphql.auth.ApiKeyStore;
import io.almanac.graphql.auth.Role;
import io.almanac.graphql.auth.TestCallers;
import io.almanac.graphql.auth.TestDatabases;
import io.almanac.financial.observations.ObservationHistories;
import io.almanac.store.ObservationRow;
import io.almanac.store.SeriesHistory;
import io.almanac.store.SeriesRecord;
import io.almanac.store.TimeseriesStore;
import io.almanac.store.TimeseriesWriter;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The financial subgraph's queries through DGS, over real Iceberg tables in a JDBC catalog on an
 * embedded PostgreSQL. Observations are seeded with the store's writer (the crawler's path).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class FinancialSubgraphTest {


  @Autowired DgsQueryExecutor graphql;
  @Autowired TimeseriesStore store;
  @Autowired ApiKeyStore keys;
  @Autowired ObservationHistories histories;
  @Autowired DocumentCache documents;

  private static String viewer;

  private static boolean seeded;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestDatabases.register(registry);
  }


  private static LocalDate d(String iso) {
    return LocalDate.parse(iso);
  }

  private TestCallers callers() {
    return new TestCallers(keys, graphql);
  }

  /** GDP-like: Q1 2024 with advance (1.6), second (1.3) and third (1.4) estimates; Q2 with an advance. */
  private void seed() throws Exception {
    if (seeded) {
      return;
    }
    viewer = callers().key(1, Role.VIEWER);
    OffsetDateTime t = OffsetDateTime.parse("2024-01-01T00:00:00Z");
    try (TimeseriesWriter writer = new TimeseriesWriter(store)) {
      writer.upsertSeries(List.of(
          new SeriesRecord(1, "7", "GDPC1", "Real Gross Domestic Product", "Quarterly growth", "Percent",
              "QUARTERLY", "SAAR", true, t),
          new SeriesRecord(2, "7", "CPIAUCSL", "Consumer Price Index", null, "Index", "MONTHLY", "SA", true, t),
          new SeriesRecord(3, "8", "SP500", "S&P 500", null, "Index", "DAILY", "NSA", false, t))).get();
      writer.appendObservations("seed-1", List.of(
          new ObservationRow(1, d("2024-01-01"), d("2024-04-25"), new BigDecimal("1.6")),
          new ObservationRow(1, d("2024-01-01"), d("2024-05-30"), new BigDecimal("1.3")),
          new ObservationRow(1, d("2024-01-01"), d("2024-06-27"), new BigDecimal("1.4")),
          new ObservationRow(1, d("2024-04-01"), d("2024-07-25"), new BigDecimal("2.8")),
          new ObservationRow(1, d("2024-07-01"), d("2024-10-30"), null))).get();
      List<ObservationRow> daily = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        daily.add(new ObservationRow(3, d("2024-01-01").plusDays(i), d("2024-01-01").plusDays(i),
            BigDecimal.valueOf(4700 + i)));
      }
      writer.appendObservations("seed-2", daily).get();
    }
    seeded = true;
  }

  private Map<String, Object> run(String query) throws Exception {
    seed();
    ExecutionResult result = callers().execute(viewer, query, Map.of());
    assertThat(result.getErrors()).isEmpty();
    return result.getData();
  }

  private List<Map<String, Object>> errors(String query) throws Exception {
    seed();
    return callers().execute(viewer, query, Map.of()).getErrors().stream().map(e -> e.toSpecification()).toList();
  }

  @Test
  void seriesWithLatestAndAsOfViews() throws Exception {
    Map<String, Object> data = run("""
        { series(id: "1") { id externalId title frequency active observationStart observationEnd
            provider { id }
            latest { date value revisionDate }
            now: data { dates values count }
            asOfSecond: data(asOf: "2024-06-01") { dates values }
            beforeRelease: data(asOf: "2024-04-24") { count } } }""");
    Map<String, Object> series = (Map<String, Object>) data.get("series");
    assertThat(series).containsEntry("externalId", "GDPC1").containsEntry("frequency", "QUARTERLY");
    assertThat(series).containsEntry("observationStart", "2024-01-01").containsEntry("observationEnd", "2024-07-01");
    assertThat(series.get("provider")).isEqualTo(Map.of("id", "7"));
    // The Q3 row has no value: latest skips it.
    assertThat(series.get("latest")).isEqualTo(Map.of("date", "2024-04-01", "value", "2.8", "revisionDate", "2024-07-25"));
    Map<String, Object> now = (Map<String, Object>) series.get("now");
    assertThat(now.get("dates")).isEqualTo(List.of("2024-01-01", "2024-04-01", "2024-07-01"));
    assertThat((List<Object>) now.get("values")).containsExactly(1.4, 2.8, null);
    Map<String, Object> asOf = (Map<String, Object>) series.get("asOfSecond");
    assertThat(asOf.get("dates")).isEqualTo(List.of("2024-01-01"));
    assertThat((List<Object>) asOf.get("values")).containsExactly(1.3);
    assertThat(series.get("beforeRelease")).isEqualTo(Map.of("count", 0));
  }

  @Test
  void operationsAreParsedAndValidatedOnceButInvalidOnesAreNotKept() throws Exception {
    String query = "query($id: ID!) { series(id: $id) { data { count } } }";
    seed();
    int before = documents.size();
    ExecutionResult first = callers().execute(viewer, query, Map.of("id", "1"));
    assertThat(documents.size()).isEqualTo(before + 1);
    ExecutionResult second = callers().execute(viewer, query, Map.of("id", "3"));
    assertThat(documents.size()).isEqualTo(before + 1);
    assertThat(first.getErrors()).isEmpty();
    assertThat(second.getErrors()).isEmpty();
    assertThat(((Map<String, Map<String, Map<String, Object>>>) second.getData()).get("series").get("data"))
        .containsEntry("count", 30);

    String invalid = "{ series(id: \"1\") { noSuchField } }";
    for (int i = 0; i < 2; i++) {
      assertThat(errors(invalid)).singleElement().satisfies(e -> assertThat(e.get("message").toString())
          .contains("noSuchField"));
    }
    assertThat(documents.size()).isEqualTo(before + 1);
  }

  @Test
  void revisionsAndVintages() throws Exception {
    Map<String, Object> data = run("""
        { series(id: "1") { vintages(from: "2024-05-01", to: "2024-07-31")
            revisions(date: "2024-01-01") { value revisionDate supersededOn originalRelease } } }""");
    Map<String, Object> series = (Map<String, Object>) data.get("series");
    assertThat(series.get("vintages")).isEqualTo(List.of("2024-05-30", "2024-06-27", "2024-07-25"));
    List<Map<String, Object>> revisions = (List<Map<String, Object>>) series.get("revisions");
    assertThat(revisions).extracting(r -> r.get("value")).containsExactly("1.6", "1.3", "1.4");
    assertThat(revisions).extracting(r -> r.get("supersededOn")).containsExactly("2024-05-30", "2024-06-27", null);
    assertThat(revisions).extracting(r -> r.get("originalRelease")).containsExactly(true, false, false);
  }

  @Test
  void observationsPageThroughTheRange() throws Exception {
    String page1 = """
        { series(id: "3") { observations(from: "2024-01-05", to: "2024-01-14", first: 4) {
            totalCount pageInfo { hasNextPage endCursor } nodes { date value } } } }""";
    Map<String, Object> first = (Map<String, Object>) ((Map<String, Object>) run(page1).get("series")).get("observations");
    assertThat(first.get("totalCount")).isEqualTo(10);
    assertThat((List<Map<String, Object>>) first.get("nodes")).extracting(n -> n.get("date"))
        .containsExactly("2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08");
    Map<String, Object> info = (Map<String, Object>) first.get("pageInfo");
    assertThat(info.get("hasNextPage")).isEqualTo(true);

    String page3 = page1.replace("first: 4", "first: 4, after: \"" + info.get("endCursor") + "\"");
    Map<String, Object> second = (Map<String, Object>) ((Map<String, Object>) run(page3).get("series")).get("observations");
    assertThat((List<Map<String, Object>>) second.get("nodes")).extracting(n -> n.get("value"))
        .containsExactly("4708", "4709", "4710", "4711");
  }

  @Test
  void searchFiltersAndPaginates() throws Exception {
    Map<String, Object> data = run("""
        { all: searchSeries(first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { id } }
          text: searchSeries(query: "price") { nodes { externalId } }
          filtered: searchSeries(filter: { providerId: "7", frequency: MONTHLY }) { nodes { id } }
          inactive: searchSeries(filter: { active: false }) { nodes { id } }
          byExternal: seriesByExternalId(providerId: "8", externalId: "SP500") { title }
          missing: series(id: "999") { id }
          odd: series(id: "not-a-number") { id } }""");
    Map<String, Object> all = (Map<String, Object>) data.get("all");
    assertThat(all.get("totalCount")).isEqualTo(3);
    assertThat((List<Map<String, Object>>) all.get("nodes")).extracting(n -> n.get("id")).containsExactly("1", "2");
    assertThat(((Map<String, Object>) data.get("text")).get("nodes")).isEqualTo(List.of(Map.of("externalId", "CPIAUCSL")));
    assertThat(((Map<String, Object>) data.get("filtered")).get("nodes")).isEqualTo(List.of(Map.of("id", "2")));
    assertThat(((Map<String, Object>) data.get("inactive")).get("nodes")).isEqualTo(List.of(Map.of("id", "3")));
    assertThat(data.get("byExternal")).isEqualTo(Map.of("title", "S&P 500"));
    assertThat(data.get("missing")).isNull();
    assertThat(data.get("odd")).isNull();
  }

  @Test
  void entitiesResolveInOneBatchInRepresentationOrder() throws Exception {
    Map<String, Object> data = run("""
        { _entities(representations: [
            {__typename: "Series", id: "3"}, {__typename: "Series", id: "404"}, {__typename: "Series", id: "1"}]) {
            ... on Series { id title latest { value } } }
          providers: _entities(representations: [{__typename: "Provider", id: "7"}]) {
            ... on Provider { series { nodes { id } } } } }""");
    List<Map<String, Object>> entities = (List<Map<String, Object>>) data.get("_entities");
    assertThat(entities.get(0)).containsEntry("id", "3").containsEntry("title", "S&P 500");
    assertThat(entities.get(1)).isNull();
    assertThat(entities.get(2)).containsEntry("id", "1");
    List<Map<String, Object>> providers = (List<Map<String, Object>>) data.get("providers");
    assertThat(providers.get(0).get("series")).isEqualTo(Map.of("nodes", List.of(Map.of("id", "1"), Map.of("id", "2"))));
  }

  @Test
  void aWriteEvictsOnlyTheSeriesItTouches() throws Exception {
    seed();
    Map<Long, SeriesHistory> before = histories.load(List.of(1L, 2L, 3L), histories.currentSnapshot());
    long seriesOneAndThree = before.get(1L).size() + before.get(3L).size();
    assertThat(histories.cachedRows()).isEqualTo(seriesOneAndThree + before.get(2L).size());
    try (TimeseriesWriter writer = new TimeseriesWriter(store)) {
      writer.appendObservations("evict", List.of(
          new ObservationRow(2, d("2024-01-01"), d("2024-02-13"), new BigDecimal("308.4")))).get();
    }
    histories.load(List.of(1L), histories.currentSnapshot());
    assertThat(histories.cachedRows()).isEqualTo(seriesOneAndThree);
    assertThat(histories.load(List.of(2L), histories.currentSnapshot()).get(2L).size()).isEqualTo(before.get(2L).size() + 1);
  }

  @Test
  void readsNeedAValidKeyWhenAnonymousReadsAreOff() throws Exception {
    seed();
    String query = "{ series(id: \"1\") { title } }";
    assertThat(callers().execute(null, query, Map.of()).getErrors()).singleElement()
        .satisfies(e -> assertThat(e.getExtensions()).containsEntry("code", "UNAUTHENTICATED"));
    assertThat(callers().execute("Bearer alm_00000000_" + "0".repeat(48), query, Map.of()).getErrors()).singleElement()
        .satisfies(e -> assertThat(e.getExtensions()).containsEntry("code", "UNAUTHENTICATED"));
    assertThat(callers().execute("Basic dXNlcjpwdw==", query, Map.of()).getErrors()).singleElement()
        .satisfies(e -> assertThat(e.getExtensions()).containsEntry("code", "UNAUTHENTICATED"));
    // The schema stays public (federation tooling reads it without credentials).
    assertThat(callers().execute(null, "{ _service { sdl } }", Map.of()).getErrors()).isEmpty();
  }

  @Test
  void badArgumentsGetTypedErrors() throws Exception {
    assertThat(errors("{ series(id: \"3\") { observations(first: 20000) { totalCount } } }"))
        .singleElement().satisfies(e -> assertThat((Map<String, Object>) e.get("extensions"))
            .containsEntry("code", "LIMIT_EXCEEDED").containsEntry("argument", "first"));
    assertThat(errors("{ series(id: \"3\") { observations(after: \"garbage!\") { totalCount } } }"))
        .singleElement().satisfies(e -> assertThat((Map<String, Object>) e.get("extensions"))
            .containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "after"));
    assertThat(errors("{ series(id: \"3\") { data(from: \"2024-02-01\", to: \"2024-01-01\") { count } } }"))
        .singleElement().satisfies(e -> assertThat((Map<String, Object>) e.get("extensions"))
            .containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "from"));
    assertThat(errors("{ series(id: \"3\") { data(from: \"2024-13-01\") { count } } }"))
        .singleElement().satisfies(e -> assertThat((String) e.get("message")).contains("2024-13-01"));
  }
}
