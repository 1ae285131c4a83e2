package io.almanac.financial.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.financial.FinancialSubgraphFixture;
import io.almanac.store.ObservationRow;
import io.almanac.store.SeriesRecord;
import io.almanac.store.SeriesTag;
import io.almanac.store.TimeseriesWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * searchSeries over the Lucene index through DGS: ranking, accents, prefixes, plain-word queries, filters,
 * orders, cursors, facets, popularity and tags, on series written with the store's writer (the crawler's
 * path). Its own context (the property), so its series do not change what other tests count.
 */
@TestPropertySource(properties = "almanac.search.refresh-interval=100ms")
class SeriesSearchTest extends FinancialSubgraphFixture {

  private static final OffsetDateTime T = OffsetDateTime.parse("2024-01-01T00:00:00Z");

  /** The series this test adds (ids 10..13); the fixture's 1..3 carry no tags. */
  private static final List<SeriesRecord> MINE = List.of(
      new SeriesRecord(10, "9", "CRED_MX", "Crédito al sector privado", "Bank lending", "Pesos", "MONTHLY", "NSA",
          true, T, false, List.of(new SeriesTag("credit", "concept"), new SeriesTag("mex", "geo"))),
      new SeriesRecord(11, "9", "UNRATE", "Unemployment Rate", "Share of the labour force", "Percent", "MONTHLY", "SA",
          true, T, false, List.of(new SeriesTag("unemployment", "concept"), new SeriesTag("usa", "geo"),
              new SeriesTag("sa", "seas"))),
      new SeriesRecord(12, "9", "CIVPART", "Labour force participation", "Inputs of the unemployment rate", "Percent",
          "QUARTERLY", "NSA", true, T, false, List.of(new SeriesTag("usa", "geo"), new SeriesTag("nsa", "seas"))),
      new SeriesRecord(13, "9", "EXPINF1YR", "Inflation expectations", null, "Percent", "MONTHLY", null, false, T,
          false, List.of(new SeriesTag("usa", "geo"))));

  private static boolean written;

  @BeforeEach
  void mine() throws Exception {
    seed();
    if (written) {
      return;
    }
    try (TimeseriesWriter writer = new TimeseriesWriter(store)) {
      writer.upsertSeries(MINE).get();
      // Provider 6's two untagged series, for following uploads (followsUploadsIntoObservationEndAndUpdatedSince).
      writer.upsertSeries(List.of(
          new SeriesRecord(20, "6", "EXTENT_A", "Extent A", null, null, "MONTHLY", null, true, T),
          new SeriesRecord(21, "6", "EXTENT_B", "Extent B", null, null, "MONTHLY", null, true, T))).get();
      writer.appendObservations("search-extent-0", List.of(
          new ObservationRow(20, d("2030-01-01"), d("2030-02-01"), BigDecimal.ONE),
          new ObservationRow(21, d("2029-01-01"), d("2029-02-01"), BigDecimal.ONE))).get();
      writer.appendObservations("search-1", List.of(
          new ObservationRow(11, d("2024-03-01"), d("2024-04-05"), new BigDecimal("3.9")),
          new ObservationRow(13, d("2024-06-01"), d("2024-06-10"), new BigDecimal("2.9")))).get();
    }
    assertThat(search.awaitCurrent(Duration.ofSeconds(30))).isTrue();
    written = true;
  }

  private List<String> ids(String arguments) throws Exception {
    Map<String, Object> data = run("{ searchSeries(" + arguments + ") { nodes { id } } }");
    List<Map<String, Object>> nodes =
        (List<Map<String, Object>>) ((Map<String, Object>) data.get("searchSeries")).get("nodes");
    return nodes.stream().map(n -> (String) n.get("id")).toList();
  }

  /** My series (by id) carrying every tag in {@code all} and none in {@code none}, computed here. */
  private static List<String> tagged(List<String> all, List<String> none) {
    return MINE.stream().filter(s -> {
      List<String> names = s.tags().stream().map(SeriesTag::name).toList();
      return names.containsAll(all) && none.stream().noneMatch(names::contains);
    }).map(s -> String.valueOf(s.id())).collect(Collectors.toList());
  }

  private static Object extension(Map<String, Object> error, String key) {
    return ((Map<String, Object>) error.get("extensions")).get(key);
  }

  @Test
  void wordsMatchWholeOrAsPrefixesAccentsFoldedTitleFirst() throws Exception {
    // "unemployment": in 11's title, in 12's description: the title match ranks first.
    assertThat(ids("query: \"unemployment\"")).containsExactly("11", "12");
    assertThat(ids("query: \"credito\"")).containsExactly("10");
    assertThat(ids("query: \"CRÉDITO privado\"")).containsExactly("10");
    // Every word must match (a word or its start), each in any field: "unemp" and "rat".
    assertThat(ids("query: \"unemp rat\"")).containsExactly("11", "12");
    assertThat(ids("query: \"unemp nothing\"")).isEmpty();
    // External ids and tags are searched too.
    assertThat(ids("query: \"expinf\"")).containsExactly("13");
    assertThat(ids("query: \"mex\"")).containsExactly("10");
    // Lucene's syntax is not read: these are the plain words title, a, or; and no word at all.
    Map<String, Object> syntax = run("{ searchSeries(query: \"title:(a OR\") { totalCount } }");
    assertThat(((Map<String, Object>) syntax.get("searchSeries")).get("totalCount")).isEqualTo(0);
    assertThat(ids("query: \"*:*\"")).containsExactly("1", "2", "3", "10", "11", "12", "13", "20", "21");
  }

  @Test
  void filtersAndOrders() throws Exception {
    assertThat(ids("filter: {tags: [\"usa\"]}")).containsExactlyElementsOf(tagged(List.of("usa"), List.of()));
    assertThat(ids("filter: {tags: [\" USA \", \"sa\"]}"))
        .containsExactlyElementsOf(tagged(List.of("usa", "sa"), List.of()));
    assertThat(ids("filter: {tags: [\"usa\"], excludeTags: [\"nsa\"]}"))
        .containsExactlyElementsOf(tagged(List.of("usa"), List.of("nsa")));
    assertThat(ids("filter: {units: \"PERCENT\", frequency: MONTHLY, providerId: \"9\"}")).containsExactly("11", "13");
    assertThat(ids("filter: {seasonalAdjustment: \"nsa\", providerId: \"9\"}")).containsExactly("10", "12");
    assertThat(ids("filter: {active: false, providerId: \"9\"}")).containsExactly("13");
    // Observations were written now, metadata in 2024: only 11 and 13 were updated since 2025.
    assertThat(ids("filter: {providerId: \"9\", updatedSince: \"2025-01-01T00:00:00Z\"}")).containsExactly("11", "13");

    String usa = "filter: {tags: [\"usa\"]}, ";
    assertThat(ids(usa + "orderBy: {field: TITLE}")).containsExactly("13", "12", "11");
    assertThat(ids(usa + "orderBy: {field: TITLE, direction: DESC}")).containsExactly("11", "12", "13");
    // Without observations, 12 comes last either way.
    assertThat(ids(usa + "orderBy: {field: OBSERVATION_END}")).containsExactly("13", "11", "12");
    assertThat(ids(usa + "orderBy: {field: OBSERVATION_END, direction: ASC}")).containsExactly("11", "13", "12");
    // 11 and 13 were written last (their observations); 12's metadata alone dates from 2024.
    assertThat(ids(usa + "orderBy: {field: LAST_UPDATED}")).endsWith("12");
  }

  @Test
  void cursorsWalkEveryOrderWithoutRepeatsOrGaps() throws Exception {
    for (String order : List.of("", "query: \"rate\", ", "orderBy: {field: TITLE}, ", "orderBy: {field: LAST_UPDATED}, ",
        "orderBy: {field: OBSERVATION_END, direction: ASC}, ", "orderBy: {field: POPULARITY}, ")) {
      List<String> whole = ids(order + "first: 100");
      List<String> walked = new ArrayList<>();
      String after = null;
      while (true) {
        Map<String, Object> data = run("{ searchSeries(" + order + "first: 2"
            + (after == null ? "" : ", after: \"" + after + "\"")
            + ") { totalCount pageInfo { hasNextPage endCursor } nodes { id } } }");
        Map<String, Object> page = (Map<String, Object>) data.get("searchSeries");
        assertThat(page.get("totalCount")).isEqualTo(whole.size());
        ((List<Map<String, Object>>) page.get("nodes")).forEach(n -> walked.add((String) n.get("id")));
        Map<String, Object> info = (Map<String, Object>) page.get("pageInfo");
        if (!(Boolean) info.get("hasNextPage")) {
          break;
        }
        after = (String) info.get("endCursor");
      }
      assertThat(walked).as(order).isEqualTo(whole);
    }
  }

  @Test
  void followsUploadsIntoObservationEndAndUpdatedSince() throws Exception {
    String eight = "filter: {providerId: \"6\"}, orderBy: {field: OBSERVATION_END}";
    assertThat(ids(eight)).containsExactly("20", "21");
    OffsetDateTime before = OffsetDateTime.now(java.time.ZoneOffset.UTC).minusSeconds(1);
    try (TimeseriesWriter writer = new TimeseriesWriter(store)) {
      // An earlier date for 20 (its end stays 2030) and a later one for 21 (its end moves to 2031).
      writer.appendObservations("search-extent-1", List.of(
          new ObservationRow(20, d("2020-01-01"), d("2030-03-01"), BigDecimal.TEN),
          new ObservationRow(21, d("2031-01-01"), d("2031-02-01"), BigDecimal.TEN))).get();
    }
    // The index follows the observations table in the background (awaitCurrent follows the series table only).
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!ids(eight).equals(List.of("21", "20")) && System.nanoTime() < deadline) {
      Thread.sleep(50); // the pace of polling; the condition decides
    }
    assertThat(ids(eight)).containsExactly("21", "20");
    assertThat(ids("filter: {providerId: \"6\", updatedSince: \"" + before + "\"}")).containsExactly("20", "21");
    // Instants beyond the range of microseconds in a long clamp instead of wrapping around.
    assertThat(ids("filter: {providerId: \"6\", updatedSince: \"+999999999-12-31T23:59:59Z\"}")).isEmpty();
    assertThat(ids("filter: {providerId: \"6\", updatedSince: \"-999999999-01-01T00:00:00Z\"}"))
        .containsExactly("20", "21");
    Map<String, Object> ends = run("{ a: series(id: \"20\") { observationEnd } b: series(id: \"21\") { observationEnd } }");
    assertThat(ends).isEqualTo(Map.of("a", Map.of("observationEnd", "2030-01-01"), "b", Map.of("observationEnd", "2031-01-01")));
  }

  @Test
  void facetsCountEveryMatch() throws Exception {
    Map<String, Object> data = run("""
        { searchSeries(filter: {tags: ["usa"]}, first: 1) { totalCount facets {
            frequencies { value count } tagGroups { group tags { name count } } } } }""");
    Map<String, Object> facets = (Map<String, Object>) ((Map<String, Object>) data.get("searchSeries")).get("facets");
    List<SeriesRecord> usa = MINE.stream().filter(s -> s.tags().contains(new SeriesTag("usa", "geo"))).toList();
    Map<String, Long> frequencies =
        usa.stream().collect(Collectors.groupingBy(SeriesRecord::frequency, Collectors.counting()));
    Map<String, Long> answeredFrequencies = new HashMap<>();
    for (Map<String, Object> f : (List<Map<String, Object>>) facets.get("frequencies")) {
      answeredFrequencies.put((String) f.get("value"), ((Number) f.get("count")).longValue());
    }
    assertThat(answeredFrequencies).isEqualTo(frequencies);
    Map<String, Long> tagCounts = usa.stream().flatMap(s -> s.tags().stream())
        .collect(Collectors.groupingBy(t -> t.group() + "/" + t.name(), Collectors.counting()));
    Map<String, Long> answered = new HashMap<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) facets.get("tagGroups")) {
      for (Map<String, Object> tag : (List<Map<String, Object>>) group.get("tags")) {
        answered.put(group.get("group") + "/" + tag.get("name"), ((Number) tag.get("count")).longValue());
      }
    }
    assertThat(answered).isEqualTo(tagCounts);
    // The group with the most tagged matches comes first: geo (usa on all three).
    assertThat(((List<Map<String, Object>>) facets.get("tagGroups")).get(0).get("group")).isEqualTo("geo");
  }

  @Test
  void popularityCountsReadsOfTheSeries() throws Exception {
    run("{ a: series(id: \"13\") { id } b: series(id: \"13\") { id } "
        + "c: seriesByExternalId(providerId: \"9\", externalId: \"CIVPART\") { id } }");
    assertThat(ids("filter: {tags: [\"usa\"]}, orderBy: {field: POPULARITY}")).containsExactly("13", "12", "11");
    assertThat(ids("filter: {tags: [\"usa\"]}, orderBy: {field: POPULARITY, direction: ASC}"))
        .containsExactly("11", "12", "13");
  }

  @Test
  void tagsListWithCountsAndSeriesCarryThem() throws Exception {
    Map<String, Object> data = run("""
        { geo: tags(group: "geo") { totalCount nodes { name group seriesCount } }
          unem: tags(search: "UNEM") { nodes { name seriesCount } }
          series(id: "11") { tags { name group seriesCount } } }""");
    assertThat(((Map<String, Object>) data.get("geo")).get("nodes")).isEqualTo(List.of(
        Map.of("name", "usa", "group", "geo", "seriesCount", 3),
        Map.of("name", "mex", "group", "geo", "seriesCount", 1)));
    assertThat(((Map<String, Object>) data.get("unem")).get("nodes")).isEqualTo(List.of(
        Map.of("name", "unemployment", "seriesCount", 1)));
    assertThat(((Map<String, Object>) data.get("series")).get("tags")).isEqualTo(List.of(
        Map.of("name", "unemployment", "group", "concept", "seriesCount", 1),
        Map.of("name", "usa", "group", "geo", "seriesCount", 3),
        Map.of("name", "sa", "group", "seas", "seriesCount", 1)));
    // All tags, most used first then by name: usa (3), then those used once, by name.
    List<String> all = new ArrayList<>();
    String after = null;
    do {
      Map<String, Object> page = (Map<String, Object>) run("{ tags(first: 2"
          + (after == null ? "" : ", after: \"" + after + "\"")
          + ") { pageInfo { hasNextPage endCursor } nodes { name } } }").get("tags");
      ((List<Map<String, Object>>) page.get("nodes")).forEach(n -> all.add((String) n.get("name")));
      Map<String, Object> info = (Map<String, Object>) page.get("pageInfo");
      after = (Boolean) info.get("hasNextPage") ? (String) info.get("endCursor") : null;
    } while (after != null);
    assertThat(all).containsExactly("usa", "credit", "mex", "nsa", "sa", "unemployment");
  }

  @Test
  void badInputNamesTheArgument() throws Exception {
    assertThat(extension(errors("{ searchSeries(query: \"" + "x".repeat(501) + "\") { totalCount } }").get(0),
        "argument")).isEqualTo("query");
    assertThat(extension(errors("{ searchSeries(query: \"" + "w ".repeat(40) + "\") { totalCount } }").get(0),
        "code")).isEqualTo("BAD_USER_INPUT");
    assertThat(extension(errors("{ searchSeries(first: -1) { totalCount } }").get(0), "argument")).isEqualTo("first");
    String titleCursor = (String) ((Map<String, Object>) ((Map<String, Object>) run(
        "{ searchSeries(orderBy: {field: TITLE}, first: 1) { pageInfo { endCursor } } }").get("searchSeries"))
        .get("pageInfo")).get("endCursor");
    Map<String, Object> wrongOrder = errors("{ searchSeries(orderBy: {field: POPULARITY}, after: \"" + titleCursor
        + "\") { totalCount } }").get(0);
    assertThat(extension(wrongOrder, "code")).isEqualTo("BAD_USER_INPUT");
    assertThat(extension(wrongOrder, "argument")).isEqualTo("after");
    assertThat(extension(errors("{ searchSeries(after: \"bm9wZQ\") { totalCount } }").get(0), "argument"))
        .isEqualTo("after");
  }
}
