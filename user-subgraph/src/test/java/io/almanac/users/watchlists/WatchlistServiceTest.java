package io.almanac.users.watchlists;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.users.generated.types.Series;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The watchlist rules the series table sets, without Spring, a database or Iceberg: a fake {@link SeriesExistence}. */
class WatchlistServiceTest {

  /** Series 3, 7 and 12 exist; records what it was asked. */
  private static final class FakeSeries implements SeriesExistence {
    private final Set<Long> live = Set.of(3L, 7L, 12L);
    private final List<List<Long>> asked = new ArrayList<>();

    @Override
    public Set<Long> existing(Collection<Long> ids) {
      asked.add(List.copyOf(ids));
      Set<Long> found = new HashSet<>(ids);
      found.retainAll(live);
      return found;
    }

    @Override
    public boolean exists(long id) {
      asked.add(List.of(id));
      return live.contains(id);
    }
  }

  private final FakeSeries series = new FakeSeries();

  @Test
  void onlyAnExistingSeriesMayBeAdded() {
    WatchlistService.requireExisting(series, "12");
    for (String unknown : new String[] {"404", "abc", "1.5", ""}) {
      assertThatThrownBy(() -> WatchlistService.requireExisting(series, unknown))
          .as(unknown)
          .isInstanceOfSatisfying(AlmanacGraphQLException.class, e -> {
            assertThat(e.code().name()).isEqualTo("NOT_FOUND");
            assertThat(e.extensions()).containsEntry("argument", "seriesId");
            assertThat(e.getMessage()).contains("'" + unknown + "'");
          });
    }
    // Ids that are no number name no series without asking the table.
    assertThat(series.asked).containsExactly(List.of(12L), List.of(404L));
  }

  @Test
  void deletedSeriesAreLeftOutInTheListsOrderWithOneLookupPerList() {
    List<Series> live = WatchlistService.live(series, List.of("12", "404", "3", "x", "7"));
    assertThat(live).extracting(Series::getId).containsExactly("12", "3", "7");
    assertThat(series.asked).containsExactly(List.of(12L, 404L, 3L, 7L));
  }

  @Test
  void anEmptyListAsksNothing() {
    assertThat(WatchlistService.live(series, List.of())).isEmpty();
    assertThat(series.asked).isEmpty();
  }
}
