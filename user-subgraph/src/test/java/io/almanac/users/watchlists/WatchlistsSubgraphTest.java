package io.almanac.users.watchlists;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.graphql.auth.Role;
import io.almanac.store.SeriesRecord;
import io.almanac.store.TimeseriesStore;
import io.almanac.store.TimeseriesWriter;
import io.almanac.users.AbstractUserSubgraphTest;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Watchlists through DGS, against series written to the real series table (ids 3, 7 and 12). */
@SuppressWarnings("unchecked")
class WatchlistsSubgraphTest extends AbstractUserSubgraphTest {

  @Autowired TimeseriesStore store;

  @BeforeEach
  void series() throws Exception {
    OffsetDateTime t = OffsetDateTime.parse("2024-01-01T00:00:00Z");
    try (TimeseriesWriter writer = new TimeseriesWriter(store)) {
      writer.upsertSeries(List.of(
          new SeriesRecord(3, "1", "A", "A", null, null, "DAILY", null, true, t),
          new SeriesRecord(7, "1", "B", "B", null, null, "DAILY", null, true, t),
          new SeriesRecord(12, "1", "C", "C", null, null, "DAILY", null, true, t))).get();
    }
  }

  @Test
  void watchlistAddIsIdempotentKeepsOrderRefusesUnknownSeriesAndResolvesAsEntities() {
    String id = createUser("analyst-" + System.nanoTime() + "@example.com");
    String analyst = callers.key(Long.parseLong(id), Role.VIEWER);
    String add = "mutation($s: ID!) { addToWatchlist(seriesId: $s) { id } }";
    ok(analyst, add, Map.of("s", "12"));
    ok(analyst, add, Map.of("s", "3"));
    ok(analyst, add, Map.of("s", "12"));
    assertThat(code(analyst, add, Map.of("s", "404"))).isEqualTo("NOT_FOUND");
    ok(analyst, "mutation { removeFromWatchlist(seriesId: \"99\") { id } }", Map.of());
    String other = createUser("second-" + System.nanoTime() + "@example.com");
    assertThat(code(analyst, "mutation($u: ID!) { addToWatchlist(seriesId: \"7\", userId: $u) { id } }",
        Map.of("u", other))).isEqualTo("FORBIDDEN");
    ok(admin, "mutation($u: ID!) { addToWatchlist(seriesId: \"7\", userId: $u) { id } }", Map.of("u", other));

    Map<String, Object> data = ok(admin, """
        query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { id watchlist { id } } } }""",
        Map.of("reps", List.of(Map.of("__typename", "User", "id", id), Map.of("__typename", "User", "id", other),
            Map.of("__typename", "User", "id", "123456"))));
    List<Map<String, Object>> users = (List<Map<String, Object>>) data.get("_entities");
    assertThat(users.get(0).get("watchlist")).isEqualTo(List.of(Map.of("id", "12"), Map.of("id", "3")));
    assertThat(users.get(1).get("watchlist")).isEqualTo(List.of(Map.of("id", "7")));
    assertThat(users.get(2)).isNull();
  }

  /** Split from the users' {@code refusalsCarryCodes}: the watchlist refusals, assertions unchanged. */
  @Test
  void watchlistRefusalsCarryCodes() {
    assertThat(code(null, "mutation { addToWatchlist(seriesId: \"3\") { id } }", Map.of())).isEqualTo("UNAUTHENTICATED");
    assertThat(code(admin, "mutation { addToWatchlist(seriesId: \"3\", userId: \"424242\") { id } }", Map.of()))
        .isEqualTo("NOT_FOUND");
  }
}
