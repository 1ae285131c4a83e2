package io.almanac.financial.vintages;

import static io.almanac.financial.vintages.VintageGolden.POINTS;
import static io.almanac.financial.vintages.VintageGolden.V1;
import static io.almanac.financial.vintages.VintageGolden.V2;
import static io.almanac.financial.vintages.VintageGolden.V3;
import static io.almanac.financial.vintages.VintageGolden.V4;
import static io.almanac.financial.vintages.VintageGolden.V5;
import static io.almanac.financial.vintages.VintageGolden.V6;
import static io.almanac.financial.vintages.VintageGolden.VINTAGES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.almanac.financial.FinancialSubgraphFixture;
import io.almanac.graphql.auth.Role;
import io.almanac.store.ObservationRow;
import io.almanac.store.SeriesRecord;
import io.almanac.store.TimeseriesStore;
import io.almanac.store.TimeseriesWriter;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The vintage fields through DGS over real Iceberg tables: {@code vintagePanel}, {@code changes},
 * {@code revisionStats}, and the as-of views, revisions and vintages they rest on, on
 * {@link VintageGolden}'s series (written with the store's writer) against the views recomputed from
 * its raw points; their argument errors; and the response limit on every list that has one. Its own
 * context (a response limit of 50 points, to reach it with small series), database and warehouse,
 * seeded with its own series only.
 */
// The estimate before reading is off: these tests reach the exact per-field check behind it.
@TestPropertySource(properties = {"almanac.financial.max-response-points=" + VintageQueriesTest.LIMIT,
    "almanac.financial.estimate.enabled=false"})
class VintageQueriesTest extends FinancialSubgraphFixture {

  static final int LIMIT = 50;
  private static final String GOLDEN = "40";
  /** Daily, 60 dates, the first revised 50 times: 110 rows, past the limit in every list. */
  private static final String BIG = "41";
  private static final LocalDate BIG_START = LocalDate.parse("2024-01-01");

  private static TimeseriesStore seededStore;
  private static String viewer;

  @Override
  protected String viewer() throws Exception {
    seed();
    return viewer;
  }

  @Override
  protected void seed() throws Exception {
    if (seededStore == store) {
      return;
    }
    viewer = callers().key(1, Role.VIEWER);
    OffsetDateTime t = OffsetDateTime.parse("2024-01-01T00:00:00Z");
    try (TimeseriesWriter writer = new TimeseriesWriter(store)) {
      writer.upsertSeries(List.of(
          new SeriesRecord(40, "7", "GOLDEN", "Golden vintages", null, "Index", "MONTHLY", "SA", true, t),
          new SeriesRecord(41, "7", "BIG", "Many rows", null, "Index", "DAILY", "NSA", true, t),
          new SeriesRecord(42, "7", "UNREAD", "Read by one test only", null, "Index", "DAILY", "NSA", true, t))).get();
      List<ObservationRow> rows = new ArrayList<>();
      for (VintageGolden.Point p : POINTS) {
        rows.add(new ObservationRow(40, p.date(), p.revision(), p.value()));
      }
      for (int k = 0; k < 60; k++) {
        rows.add(new ObservationRow(41, BIG_START.plusDays(k), BIG_START.plusDays(k), BigDecimal.valueOf(k)));
      }
      for (int r = 1; r <= 50; r++) {
        rows.add(new ObservationRow(41, BIG_START, BIG_START.plusDays(r), BigDecimal.valueOf(r % 2 == 0 ? 1 : 2)));
      }
      for (int k = 0; k < 60; k++) {
        rows.add(new ObservationRow(42, BIG_START.plusDays(k), BIG_START.plusDays(k), BigDecimal.valueOf(k)));
      }
      writer.appendObservations("vintages-seed", rows).get();
    }
    seededStore = store;
  }

  @Test
  void panelIsEachVintagesAsOfViewInRequestOrder() throws Exception {
    List<LocalDate> vintages = List.of(V6, V1, LocalDate.parse("2023-01-01"), V3, V3, V4);
    String asked = vintages.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(", "));
    Map<String, Object> panel = series(run("{ series(id: \"" + GOLDEN + "\") { vintagePanel(vintageDates: [" + asked
        + "]) { dates vintageDates values decimals } } }"), "vintagePanel");
    assertPanel(panel, vintages, VintageGolden.panel(POINTS, vintages, null, null));

    Map<String, Object> ranged = series(run("{ series(id: \"" + GOLDEN + "\") { vintagePanel(vintageDates: [\"" + V5
        + "\", \"" + V2 + "\"], from: \"2023-02-01\", to: \"2023-04-01\", transform: LEVEL) { dates values decimals } } }"),
        "vintagePanel");
    assertPanel(ranged, List.of(V5, V2),
        VintageGolden.panel(POINTS, List.of(V5, V2), LocalDate.parse("2023-02-01"), LocalDate.parse("2023-04-01")));
  }

  @Test
  void changesListNewAndRevisedValuesWithWhatTheyReplaced() throws Exception {
    for (LocalDate[] window : new LocalDate[][] {{V1.minusDays(1), null}, {V2, V4}, {V5, V6}, {V6, null}}) {
      String until = window[1] == null ? "" : ", until: \"" + window[1] + "\"";
      List<Map<String, Object>> changes = series(run("{ series(id: \"" + GOLDEN + "\") { changes(since: \"" + window[0]
          + "\"" + until + ") { date value revisionDate previousValue originalRelease supersededOn } } }"), "changes");
      List<Map.Entry<VintageGolden.Point, BigDecimal>> expected = VintageGolden.changes(POINTS, window[0], window[1]);
      assertThat(changes).as("changes in (%s, %s]", window[0], window[1]).hasSize(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        VintageGolden.Point point = expected.get(i).getKey();
        Map<String, Object> change = changes.get(i);
        assertThat(change.get("date")).isEqualTo(point.date().toString());
        assertThat(change.get("revisionDate")).isEqualTo(point.revision().toString());
        assertThat(change.get("value")).isEqualTo(text(point.value()));
        assertThat(change.get("previousValue")).isEqualTo(text(expected.get(i).getValue()));
        assertThat(change.get("originalRelease")).isEqualTo(POINTS.stream()
            .noneMatch(p -> p.date().equals(point.date()) && p.revision().isBefore(point.revision())));
      }
    }
    // V6 filled nothing new but June and July, and re-published April's 410: not a change.
    List<Map<String, Object>> v6 = series(run("{ series(id: \"" + GOLDEN + "\") { changes(since: \"" + V5
        + "\") { date } } }"), "changes");
    assertThat(v6).extracting(c -> c.get("date")).containsExactly("2023-06-01", "2023-07-01");
    assertThat((List<?>) series(run("{ series(id: \"" + GOLDEN + "\") { changes(since: \"" + V3 + "\", until: \"" + V3
        + "\") { date } } }"), "changes")).as("an empty window").isEmpty();
  }

  @Test
  void revisionStatsMatchTheirDefinitions() throws Exception {
    LocalDate feb = LocalDate.parse("2023-02-01");
    LocalDate apr = LocalDate.parse("2023-04-30");
    // {from, to, asOf}
    for (LocalDate[] a : new LocalDate[][] {{null, null, null}, {null, null, V3}, {feb, apr, null}, {feb, null, V5},
        {null, null, V1.minusDays(1)}}) {
      String args = "(" + (a[0] == null ? "" : "from: \"" + a[0] + "\" ") + (a[1] == null ? "" : "to: \"" + a[1] + "\" ")
          + (a[2] == null ? "" : "asOf: \"" + a[2] + "\"") + ")";
      Map<String, Object> stats = series(run("{ series(id: \"" + GOLDEN + "\") { revisionStats" + (args.equals("()") ? "" : args)
          + " { observations revisedObservations meanRevision meanAbsoluteRevision maxAbsoluteRevision"
          + " meanRevisionsPerObservation meanDaysToFinal } } }"), "revisionStats");
      LocalDate from = a[0];
      LocalDate to = a[1];
      LocalDate asOf = a[2];
      VintageGolden.Stats expected = VintageGolden.stats(POINTS, from, to, asOf);
      assertThat(stats.get("observations")).as(args).isEqualTo(expected.observations());
      assertThat(stats.get("revisedObservations")).as(args).isEqualTo(expected.revisedObservations());
      assertClose(stats.get("meanRevision"), expected.meanRevision());
      assertClose(stats.get("meanAbsoluteRevision"), expected.meanAbsoluteRevision());
      assertClose(stats.get("maxAbsoluteRevision"), expected.maxAbsoluteRevision());
      assertClose(stats.get("meanRevisionsPerObservation"), expected.meanRevisionsPerObservation());
      assertClose(stats.get("meanDaysToFinal"), expected.meanDaysToFinal());
    }
  }

  /** The views the vintage fields rest on: each vintage's as-of view in data and observations, revisions, vintages. */
  @Test
  void asOfViewsRevisionsAndVintagesShowEveryVintage() throws Exception {
    for (LocalDate asOf : VINTAGES) {
      Map<String, Object> series = (Map<String, Object>) run("{ series(id: \"" + GOLDEN + "\") { data(asOf: \"" + asOf
          + "\") { dates values } observations(asOf: \"" + asOf + "\") { nodes { date value revisionDate previousValue } } } }")
          .get("series");
      TreeMap<LocalDate, VintageGolden.Point> expected = VintageGolden.asOf(POINTS, asOf, null, null);
      Map<String, Object> data = (Map<String, Object>) series.get("data");
      assertThat(data.get("dates")).isEqualTo(expected.keySet().stream().map(LocalDate::toString).toList());
      assertThat((List<Object>) data.get("values")).containsExactlyElementsOf(expected.values().stream()
          .map(p -> p.value() == null ? null : (Object) p.value().doubleValue()).toList());
      List<Map<String, Object>> nodes = (List<Map<String, Object>>) ((Map<String, Object>) series.get("observations"))
          .get("nodes");
      assertThat(nodes).extracting(n -> n.get("value"))
          .containsExactlyElementsOf(expected.values().stream().map(p -> (Object) text(p.value())).toList());
      assertThat(nodes).extracting(n -> n.get("revisionDate"))
          .containsExactlyElementsOf(expected.values().stream().map(p -> (Object) p.revision().toString()).toList());
      // Each row's previousValue: the value of its date's vintage before it, whatever asOf is.
      TreeMap<LocalDate, List<VintageGolden.Point>> all = VintageGolden.byDate(POINTS, null);
      assertThat(nodes).extracting(n -> n.get("previousValue")).containsExactlyElementsOf(expected.values().stream()
          .map(p -> {
            List<VintageGolden.Point> ofDate = all.get(p.date());
            int k = ofDate.indexOf(p);
            return k == 0 ? null : (Object) text(ofDate.get(k - 1).value());
          }).toList());
    }
    Map<String, Object> series = (Map<String, Object>) run("{ series(id: \"" + GOLDEN + "\") { vintages"
        + " revisions(date: \"2023-01-01\") { value revisionDate previousValue originalRelease } } }").get("series");
    assertThat(series.get("vintages")).isEqualTo(VINTAGES.stream().map(LocalDate::toString).toList());
    List<Map<String, Object>> revisions = (List<Map<String, Object>>) series.get("revisions");
    // The re-publication in V3 is listed: a vintage of the date, though not a revision.
    assertThat(revisions).extracting(r -> r.get("value")).containsExactly("100", "100.5", "100.5", "101.25");
    assertThat(revisions).extracting(r -> r.get("previousValue")).containsExactly(null, "100", "100.5", "100.5");
    assertThat(revisions).extracting(r -> r.get("originalRelease")).containsExactly(true, false, false, false);
  }

  @Test
  void badArgumentsAreRefusedNamingTheArgument() throws Exception {
    assertBadInput("vintagePanel(vintageDates: []) { dates }", "vintageDates");
    assertBadInput("vintagePanel(vintageDates: [\"" + V1 + "\"], from: \"2023-05-01\", to: \"2023-04-01\") { dates }",
        "from");
    assertBadInput("changes(since: \"" + V4 + "\", until: \"" + V3 + "\") { date }", "since");
    assertBadInput("revisionStats(from: \"2023-05-01\", to: \"2023-04-01\") { observations }", "from");
  }

  /** Up to the limit is served; one point more is LIMIT_EXCEEDED stating both figures, in every list. */
  @Test
  void everyListStopsAtTheResponseLimit() throws Exception {
    String fortyNine = "2024-02-19"; // BIG_START + 49: the first 50 dates
    Map<String, Object> fifty = series(run("{ series(id: \"" + BIG + "\") { data(to: \"" + fortyNine + "\") { count } } }"),
        "data");
    assertThat(fifty).isEqualTo(Map.of("count", LIMIT));
    assertLimit(BIG, "data { count }", 60);
    assertThat((List<?>) ((Map<String, Object>) series(run("{ series(id: \"" + BIG
        + "\") { observations(first: 50) { nodes { date } } } }"), "observations")).get("nodes")).hasSize(LIMIT);
    assertLimit(BIG, "observations(first: 51) { totalCount }", 51);
    assertLimit(BIG, "revisions(date: \"" + BIG_START + "\") { value }", 51);
    // Revision dates in (day 29, day 58]: the first releases of days 30 to 58 and day 0's revisions 30 to 50.
    assertThat((List<?>) series(run("{ series(id: \"" + BIG + "\") { changes(since: \"" + BIG_START.plusDays(29)
        + "\", until: \"" + BIG_START.plusDays(58) + "\") { date } } }"), "changes")).hasSize(LIMIT);
    assertLimit(BIG, "changes(since: \"" + BIG_START.minusDays(1) + "\") { date }", 110);
    // 7 vintages x 7 dates = 49 points; 8 x 7 = 56.
    String seven = VINTAGES.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(", ")) + ", \"" + V6 + "\"";
    assertThat((List<?>) ((Map<String, Object>) series(run("{ series(id: \"" + GOLDEN + "\") { vintagePanel(vintageDates: ["
        + seven + "]) { values } } }"), "vintagePanel")).get("values")).hasSize(7);
    assertLimit(GOLDEN, "vintagePanel(vintageDates: [" + seven + ", \"" + V6 + "\"]) { dates }", 56);
  }

  /**
   * The limit is the request's, not each field's: two aliases of 30 points each are 60, and the second is
   * refused stating the request's total (a query of many fields just under the limit once crashed the
   * subgraph with an OutOfMemoryError).
   */
  @Test
  void aliasesShareTheRequestsLimit() throws Exception {
    String thirty = BIG_START.plusDays(29).toString();
    assertThat((Map<String, Object>) series(run("{ series(id: \"" + BIG + "\") { data(to: \"" + thirty + "\") { count } } }"), "data"))
        .isEqualTo(Map.of("count", 30));
    assertLimit(BIG, "a: data(to: \"" + thirty + "\") { count } b: data(to: \"" + thirty + "\") { count }", 60);
  }

  /**
   * A series no other test reads is not in the cache: its history comes through the batching loader, and
   * a refusal made there reaches the client as LIMIT_EXCEEDED too, not as an internal error.
   */
  @Test
  void aRefusalOnTheLoaderPathIsLimitExceeded() throws Exception {
    assertLimit("42", "changes(since: \"" + BIG_START.minusDays(1) + "\") { date }", 60);
  }

  private void assertLimit(String id, String field, long requested) throws Exception {
    assertThat(errors("{ series(id: \"" + id + "\") { " + field + " } }")).as(field).singleElement().satisfies(e -> {
      assertThat((Map<String, Object>) e.get("extensions")).containsEntry("code", "LIMIT_EXCEEDED")
          .containsEntry("limit", (long) LIMIT).containsEntry("requested", requested);
      assertThat((String) e.get("message")).contains(String.format("%,d points", requested), "limit is " + LIMIT);
    });
  }

  private void assertBadInput(String field, String argument) throws Exception {
    assertThat(errors("{ series(id: \"" + GOLDEN + "\") { " + field + " } }")).as(field).singleElement()
        .satisfies(e -> assertThat((Map<String, Object>) e.get("extensions"))
            .containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", argument));
  }

  private static void assertPanel(Map<String, Object> panel, List<LocalDate> vintages, VintageGolden.Panel expected) {
    assertThat(panel.get("dates")).isEqualTo(expected.dates().stream().map(LocalDate::toString).toList());
    if (panel.containsKey("vintageDates")) {
      assertThat(panel.get("vintageDates")).isEqualTo(vintages.stream().map(LocalDate::toString).toList());
    }
    List<List<Object>> values = (List<List<Object>>) panel.get("values");
    List<List<Object>> decimals = (List<List<Object>>) panel.get("decimals");
    assertThat(values).hasSize(vintages.size());
    assertThat(decimals).hasSize(vintages.size());
    for (int v = 0; v < vintages.size(); v++) {
      List<BigDecimal> row = expected.values().get(v);
      assertThat(values.get(v)).as("values of %s", vintages.get(v))
          .containsExactlyElementsOf(row.stream().map(x -> x == null ? null : (Object) x.doubleValue()).toList());
      assertThat(decimals.get(v)).as("decimals of %s", vintages.get(v))
          .containsExactlyElementsOf(row.stream().map(x -> (Object) text(x)).toList());
    }
  }

  /** A decimal as the Decimal scalar writes a stored value: plain, without trailing zeros. */
  private static String text(BigDecimal value) {
    return value == null ? null : value.stripTrailingZeros().toPlainString();
  }

  private static <T> T series(Map<String, Object> data, String field) {
    return (T) ((Map<String, Object>) data.get("series")).get(field);
  }

  private static void assertClose(Object actual, Double expected) {
    if (expected == null) {
      assertThat(actual).isNull();
    } else {
      assertThat(((Number) actual).doubleValue()).isCloseTo(expected, within(1e-12 * Math.max(1, Math.abs(expected))));
    }
  }
}
