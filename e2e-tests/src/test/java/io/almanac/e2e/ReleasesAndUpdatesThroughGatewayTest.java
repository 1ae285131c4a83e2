package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.DemoDataset;
import io.almanac.local.GraphQLClient;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * The demo's releases, their calendar and the updates feed through the gateway: `Series.release` and
 * `nextRelease` come from crawler-write-api onto the financial subgraph's series; expected values are
 * computed from the demo's points.
 */
@ExtendWith(RunningAlmanac.class)
class ReleasesAndUpdatesThroughGatewayTest {

  private final RunningAlmanac.Almanac almanac = RunningAlmanac.get();
  private final GraphQLClient gateway = almanac.gateway();

  /** The latest revision date among the demo points of these series: the date each release published. */
  private static LocalDate latestVintage(List<String> externalIds) {
    return externalIds.stream().flatMap(id -> DemoDataset.pointsBySeries().get(id).stream())
        .map(DemoDataset.Point::revisionDate).max(LocalDate::compareTo).orElseThrow();
  }

  @Test
  void demoReleasesReachSeriesAndTheCalendarShowsWhatWasPublished() {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    String gdp = almanac.demo().seriesIds().get("GDP_GROWTH");
    JsonNode series = gateway.data("""
        query($id: ID!) { series(id: $id) { title release { name provider { name } dates { date published } nextDate }
          nextRelease } }""", Map.of("id", gdp)).path("series");
    assertThat(series.path("title").asString()).isEqualTo("Real Gross Domestic Product (demo)");
    JsonNode release = series.path("release");
    assertThat(release.path("name").asString()).isEqualTo("Gross Domestic Product (demo)");
    assertThat(release.path("provider").path("name").asString()).isEqualTo("Demo Statistics Bureau");
    LocalDate next = null;
    for (JsonNode d : release.path("dates")) {
      LocalDate date = LocalDate.parse(d.path("date").asString());
      if (date.isAfter(today) && (next == null || date.isBefore(next))) {
        next = date;
      }
    }
    assertThat(next).isNotNull();
    assertThat(series.path("nextRelease").asString()).isEqualTo(next.toString());
    assertThat(release.path("nextDate").asString()).isEqualTo(next.toString());

    JsonNode wide = gateway.data("""
        query($f: Date!, $t: Date!, $p: ID) { releaseCalendar(from: $f, to: $t, providerId: $p) {
          date published release { name series { totalCount } } } }""",
        Map.of("f", today.minusYears(4).toString(), "t", today.plusYears(1).toString(),
            "p", almanac.demo().statisticsProviderId())).path("releaseCalendar");
    assertThat(wide.size()).isGreaterThan(0);
    List<String> dates = new ArrayList<>();
    Map<String, Set<String>> published = new HashMap<>();
    for (JsonNode d : wide) {
      dates.add(d.path("date").asString());
      if (d.path("published").asBoolean()) {
        published.computeIfAbsent(d.path("release").path("name").asString(), k -> new TreeSet<>())
            .add(d.path("date").asString());
      }
    }
    assertThat(dates).isSorted();
    Map<String, Set<String>> expected = new HashMap<>();
    for (DemoDataset.ReleaseSpec spec : DemoDataset.RELEASES) {
      LocalDate latest = latestVintage(spec.externalIds());
      if (!latest.isBefore(today.minusYears(4))) {
        expected.put(spec.name(), Set.of(latest.toString()));
      }
    }
    assertThat(published).isEqualTo(expected);
    // Membership: the monthly release holds CPI and UNRATE.
    for (JsonNode d : wide) {
      if (d.path("release").path("name").asString().equals("Consumer Prices and Employment (demo)")) {
        assertThat(d.path("release").path("series").path("totalCount").asInt()).isEqualTo(2);
      }
    }

    JsonNode tooLong = gateway.execute("{ releaseCalendar(from: \"2000-01-01\", to: \"2010-01-01\") { date } }", Map.of());
    assertThat(tooLong.path("errors").get(0).path("extensions").path("code").asString()).isEqualTo("BAD_USER_INPUT");
    assertThat(tooLong.path("errors").get(0).path("extensions").path("argument").asString()).isEqualTo("to");
  }

  @Test
  void theUpdatesFeedListsEveryDemoVintage() {
    Map<String, Set<String>> seen = new HashMap<>();
    String after = null;
    boolean more = true;
    while (more) {
      Map<String, Object> variables = new HashMap<>();
      variables.put("a", after);
      JsonNode page = gateway.data("""
          query($a: String) { seriesUpdates(since: "2000-01-01T00:00:00Z", first: 2, after: $a) {
            totalCount nodes { series { id title } lastUpdated vintageDatesAdded } pageInfo { hasNextPage endCursor } } }""",
          variables).path("seriesUpdates");
      for (JsonNode node : page.path("nodes")) {
        Set<String> dates = seen.computeIfAbsent(node.path("series").path("id").asString(), k -> new TreeSet<>());
        node.path("vintageDatesAdded").forEach(d -> dates.add(d.asString()));
        assertThat(node.path("series").path("title").asString()).isNotBlank();
      }
      more = page.path("pageInfo").path("hasNextPage").asBoolean();
      after = page.path("pageInfo").path("endCursor").asString();
    }
    almanac.demo().seriesIds().forEach((externalId, id) -> {
      Set<String> vintages = new TreeSet<>();
      DemoDataset.pointsBySeries().get(externalId).forEach(p -> vintages.add(p.revisionDate().toString()));
      assertThat(seen.get(id)).as(externalId).containsAll(vintages);
    });
  }
}
