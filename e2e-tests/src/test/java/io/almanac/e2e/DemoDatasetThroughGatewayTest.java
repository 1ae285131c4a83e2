package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.GraphQLClient;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/** What `./almanac start` loads is there, whole, and reads back through the gateway. */
@ExtendWith(RunningAlmanac.class)
class DemoDatasetThroughGatewayTest {

  @Test
  void demoSeriesAreComplete() {
    RunningAlmanac.Almanac almanac = RunningAlmanac.get();
    GraphQLClient gateway = almanac.gateway();
    String equity = almanac.demo().seriesIds().get("EQUITY_INDEX");
    JsonNode series = gateway.data("""
        query($id: ID!) { series(id: $id) { frequency observationStart observationEnd data { count } } }""",
        Map.of("id", equity)).path("series");
    long businessDays = LocalDate.of(2012, 1, 2).datesUntil(LocalDate.of(2025, 1, 1))
        .filter(d -> d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY).count();
    assertThat(series.path("data").path("count").asLong()).isEqualTo(businessDays);
    assertThat(series.path("frequency").asString()).isEqualTo("DAILY");
    assertThat(series.path("observationEnd").asString()).isEqualTo("2024-12-31");

    String gdp = almanac.demo().seriesIds().get("GDP_GROWTH");
    JsonNode revisions = gateway.data("""
        query($id: ID!) { series(id: $id) { revisions(date: "2020-04-01") { revisionDate originalRelease } } }""",
        Map.of("id", gdp)).path("series").path("revisions");
    assertThat(revisions).hasSize(3);
    assertThat(revisions.get(0).path("originalRelease").asBoolean()).isTrue();

    JsonNode watchlist = gateway.data("query($u: ID!) { user(id: $u) { watchlist { id } } }",
        Map.of("u", almanac.demo().userId())).path("user").path("watchlist");
    assertThat(watchlist).hasSize(3);
  }
}
