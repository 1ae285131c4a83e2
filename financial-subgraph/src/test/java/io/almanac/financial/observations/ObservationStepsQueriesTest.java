package io.almanac.financial.observations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.almanac.financial.FinancialSubgraphFixture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The steps through DGS (transforms, aggregation, first releases, paging both ways) on the fixture's
 * series: the daily S&P 500 stand-in (4700 + i on 2024-01-01 + i days, i = 0..29, each published on its
 * date) and the quarterly GDP with its three Q1 estimates. Expected values are worked out here from
 * those rows.
 */
class ObservationStepsQueriesTest extends FinancialSubgraphFixture {

  private Map<String, Object> series(String query) throws Exception {
    return (Map<String, Object>) run(query).get("series");
  }

  private static Map<String, Object> extensionsOf(List<Map<String, Object>> errors) {
    assertThat(errors).hasSize(1);
    return (Map<String, Object>) errors.get(0).get("extensions");
  }

  @Test
  void transformsLookBackBeforeFromAndDerivedRowsCarryTheirColumns() throws Exception {
    Map<String, Object> series = series("""
        { series(id: "3") {
            pch: data(from: "2024-01-10", transform: PERCENT_CHANGE) { dates values count }
            newest: observations(transform: CHANGE, last: 3) { totalCount
              pageInfo { hasPreviousPage hasNextPage }
              nodes { date value revisionDate supersededOn originalRelease previousValue } }
            latest(transform: CHANGE) { date value }
            yearAgo: latest(transform: CHANGE_FROM_YEAR_AGO) { date } } }""");
    Map<String, Object> pch = (Map<String, Object>) series.get("pch");
    List<String> dates = (List<String>) pch.get("dates");
    List<Double> values = (List<Double>) pch.get("values");
    assertThat(pch.get("count")).isEqualTo(21);
    assertThat(dates.get(0)).isEqualTo("2024-01-10");
    assertThat(dates.get(20)).isEqualTo("2024-01-30");
    for (int i = 0; i < 21; i++) {
      // 2024-01-10 is i = 9 of the seeded days: its change is from 2024-01-09 (4708), before `from`.
      double now = 4709 + i;
      assertThat(values.get(i)).isCloseTo((now / (now - 1) - 1) * 100, within(1e-9));
    }
    Map<String, Object> newest = (Map<String, Object>) series.get("newest");
    assertThat(newest.get("totalCount")).as("30 days, the first without a predecessor").isEqualTo(29);
    assertThat(newest.get("pageInfo")).isEqualTo(Map.of("hasPreviousPage", true, "hasNextPage", false));
    Map<String, Object> row = new java.util.HashMap<>();
    row.put("value", "1");
    row.put("supersededOn", null);
    row.put("originalRelease", true);
    row.put("previousValue", null);
    List<Map<String, Object>> nodes = (List<Map<String, Object>>) newest.get("nodes");
    assertThat(nodes).extracting(n -> n.get("date")).containsExactly("2024-01-28", "2024-01-29", "2024-01-30");
    assertThat(nodes).extracting(n -> n.get("revisionDate")).containsExactly("2024-01-28", "2024-01-29", "2024-01-30");
    assertThat(nodes).allSatisfy(n -> assertThat(n).containsAllEntriesOf(row));
    assertThat(series.get("latest")).isEqualTo(Map.of("date", "2024-01-30", "value", "1"));
    assertThat(series.get("yearAgo")).as("no observation a year before").isNull();
  }

  @Test
  void aDailySeriesAggregatesToWeeksEndingFridayAndToMonths() throws Exception {
    Map<String, Object> series = series("""
        { series(id: "3") {
            weekly: data(frequency: WEEKLY) { dates values }
            sundays: data(frequency: WEEKLY, weekEnding: SUNDAY, aggregation: SUM) { dates values }
            monthly: observations(frequency: MONTHLY, aggregation: END_OF_PERIOD) {
              nodes { date value revisionDate originalRelease } } } }""");
    // Weeks ending Friday: Mon 1 to Fri 5 January (4700..4704), then Saturday to Friday, and the last,
    // ending Friday 2 February, with Saturday 27 to Tuesday 30 January: 4 days, FRED's minimum.
    Map<String, Object> weekly = (Map<String, Object>) series.get("weekly");
    assertThat(weekly.get("dates")).isEqualTo(List.of("2024-01-05", "2024-01-12", "2024-01-19", "2024-01-26", "2024-02-02"));
    assertThat((List<Double>) weekly.get("values")).containsExactly(4702.0, 4708.0, 4715.0, 4722.0, 4727.5);
    // Weeks ending Sunday: 1-7 (4700..4706), 8-14, 15-21, 22-28; Monday 29 and Tuesday 30 are 2 days < 4.
    Map<String, Object> sundays = (Map<String, Object>) series.get("sundays");
    assertThat(sundays.get("dates")).isEqualTo(List.of("2024-01-07", "2024-01-14", "2024-01-21", "2024-01-28"));
    assertThat((List<Double>) sundays.get("values")).containsExactly(32921.0, 32970.0, 33019.0, 33068.0);
    List<Map<String, Object>> monthly = (List<Map<String, Object>>)
        ((Map<String, Object>) series.get("monthly")).get("nodes");
    assertThat(monthly).containsExactly(
        Map.of("date", "2024-01-01", "value", "4729", "revisionDate", "2024-01-30", "originalRelease", true));
  }

  @Test
  void firstReleasesAndAggregationOfTheQuarterlySeries() throws Exception {
    Map<String, Object> series = series("""
        { series(id: "1") {
            first: data(firstRelease: true) { dates values }
            firstAsOf: observations(firstRelease: true, asOf: "2024-06-30") {
              nodes { date value revisionDate supersededOn originalRelease } }
            own: data(frequency: QUARTERLY) { values }
            annual: data(frequency: ANNUAL) { count } } }""");
    Map<String, Object> first = (Map<String, Object>) series.get("first");
    assertThat(first.get("dates")).isEqualTo(List.of("2024-01-01", "2024-04-01", "2024-07-01"));
    assertThat((List<Object>) first.get("values")).containsExactly(1.6, 2.8, null);
    List<Map<String, Object>> firstAsOf = (List<Map<String, Object>>)
        ((Map<String, Object>) series.get("firstAsOf")).get("nodes");
    assertThat(firstAsOf).containsExactly(Map.of("date", "2024-01-01", "value", "1.6", "revisionDate", "2024-04-25",
        "supersededOn", "2024-05-30", "originalRelease", true));
    assertThat((List<Object>) ((Map<String, Object>) series.get("own")).get("values")).containsExactly(1.4, 2.8, null);
    // 2024 is both the first and the last year and holds two quarterly values, fewer than FRED's 4.
    assertThat(series.get("annual")).isEqualTo(Map.of("count", 0));
  }

  @Test
  void observationsPageBackwardsFromTheNewest() throws Exception {
    Map<String, Object> last = (Map<String, Object>) series("""
        { series(id: "3") { observations(last: 4) {
            pageInfo { hasPreviousPage hasNextPage startCursor } nodes { date } } } }""").get("observations");
    assertThat((List<Map<String, Object>>) last.get("nodes")).extracting(n -> n.get("date"))
        .containsExactly("2024-01-27", "2024-01-28", "2024-01-29", "2024-01-30");
    Map<String, Object> info = (Map<String, Object>) last.get("pageInfo");
    assertThat(info).containsEntry("hasPreviousPage", true).containsEntry("hasNextPage", false);

    String before = "before: \"" + info.get("startCursor") + "\"";
    Map<String, Object> series = series("{ series(id: \"3\") {"
        + " previous: observations(last: 4, " + before + ") { pageInfo { hasPreviousPage hasNextPage } nodes { date } }"
        + " oldest: observations(first: 2, " + before + ") { pageInfo { hasPreviousPage hasNextPage } nodes { date } }"
        + " newestThree: data(last: 3) { dates count } } }");
    Map<String, Object> previous = (Map<String, Object>) series.get("previous");
    assertThat((List<Map<String, Object>>) previous.get("nodes")).extracting(n -> n.get("date"))
        .containsExactly("2024-01-23", "2024-01-24", "2024-01-25", "2024-01-26");
    assertThat(previous.get("pageInfo")).isEqualTo(Map.of("hasPreviousPage", true, "hasNextPage", true));
    Map<String, Object> oldest = (Map<String, Object>) series.get("oldest");
    assertThat((List<Map<String, Object>>) oldest.get("nodes")).extracting(n -> n.get("date"))
        .containsExactly("2024-01-01", "2024-01-02");
    assertThat(oldest.get("pageInfo")).isEqualTo(Map.of("hasPreviousPage", false, "hasNextPage", true));
    assertThat(series.get("newestThree"))
        .isEqualTo(Map.of("dates", List.of("2024-01-28", "2024-01-29", "2024-01-30"), "count", 3));
  }

  @Test
  void stepArgumentsGetTypedErrors() throws Exception {
    assertThat(extensionsOf(errors("{ series(id: \"1\") { data(frequency: MONTHLY) { count } } }")))
        .containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "frequency");
    assertThat(extensionsOf(errors("{ series(id: \"3\") { data(aggregation: SUM) { count } } }")))
        .containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "aggregation");
    assertThat(extensionsOf(errors("{ series(id: \"3\") { observations(weekEnding: MONDAY) { totalCount } } }")))
        .containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "weekEnding");
    assertThat(extensionsOf(errors("{ series(id: \"3\") { data(frequency: MONTHLY, weekEnding: MONDAY) { count } } }")))
        .containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "weekEnding");
    assertThat(extensionsOf(errors("{ series(id: \"3\") { observations(first: 1, last: 1) { totalCount } } }")))
        .containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "last");
    assertThat(extensionsOf(errors("{ series(id: \"3\") { observations(after: \"x\", before: \"x\") { totalCount } } }")))
        .containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "before");
    assertThat(extensionsOf(errors("{ series(id: \"3\") { observations(before: \"garbage!\") { totalCount } } }")))
        .containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "before");
    assertThat(extensionsOf(errors("{ series(id: \"3\") { observations(last: 20000) { totalCount } } }")))
        .containsEntry("code", "LIMIT_EXCEEDED").containsEntry("argument", "last");
    assertThat(extensionsOf(errors("{ series(id: \"3\") { data(last: 0) { count } } }")))
        .containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "last");
  }
}
