package io.almanac.financial.observations;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.financial.FinancialSubgraphFixture;
import io.almanac.store.ObservationRow;
import io.almanac.store.SeriesHistory;
import io.almanac.store.TimeseriesWriter;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The observation fields of Series through DGS (as-of views, pages, columns, revisions), and the history cache under a write. */
class ObservationQueriesTest extends FinancialSubgraphFixture {

  @Autowired ObservationHistories histories;

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
}
