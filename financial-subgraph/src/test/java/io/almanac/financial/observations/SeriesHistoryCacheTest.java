package io.almanac.financial.observations;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.store.SeriesHistory;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesHistoryCacheTest {

  @Test
  void aReadThatStraddledCommitsIsKeptOnlyIfNoneTouchedItsSeries() {
    SeriesHistoryCache cache = new SeriesHistoryCache(1_000);
    cache.advance(1, 1, null);
    cache.advance(2, 2, List.of(new long[] {10, 20})); // an append to series 10..20
    cache.advance(3, 3, List.of()); // a compaction

    cache.put(1, SeriesHistory.empty(5));
    cache.put(1, SeriesHistory.empty(15));
    cache.put(2, SeriesHistory.empty(16));
    cache.put(3, SeriesHistory.empty(17));
    assertThat(cache.get(3, 5)).as("read at 1, series untouched since").isNotNull();
    assertThat(cache.get(3, 15)).as("read at 1, series appended to at 2").isNull();
    assertThat(cache.get(3, 16)).as("read at 2, after the append").isNotNull();
    assertThat(cache.get(3, 17)).isNotNull();
    assertThat(cache.get(2, 5)).as("asked at an older snapshot, series untouched since").isNotNull();
    assertThat(cache.get(1, 16)).as("asked at a snapshot before the append that touched it").isNull();
    assertThat(cache.get(2, 16)).as("asked at the snapshot of the append, compaction since").isNotNull();

    cache.advance(4, 4, null); // a move that could not be told: everything evicted, older reads refused
    assertThat(cache.get(4, 5)).isNull();
    cache.put(3, SeriesHistory.empty(5));
    assertThat(cache.get(4, 5)).isNull();
  }

  @Test
  void theCacheTellsAMoveBackFromAMoveOn() {
    SeriesHistoryCache cache = new SeriesHistoryCache(1_000);
    assertThat(cache.isPast(5)).as("never moved").isFalse();
    cache.advance(70, 7, List.of());
    assertThat(cache.isPast(6)).as("a request at an older snapshot").isTrue();
    assertThat(cache.isPast(7)).isFalse();
    assertThat(cache.isPast(8)).isFalse();
    assertThat(cache.isPast(-1)).as("a sequence number not known").isFalse();
    cache.advance(90, -1, null);
    assertThat(cache.isPast(1)).as("the cache's own number not known").isFalse();
  }

  @Test
  void readsOlderThanTheRememberedMovesAreRefused() {
    SeriesHistoryCache cache = new SeriesHistoryCache(1_000);
    cache.advance(0, 0, null);
    for (long s = 1; s <= SeriesHistoryCache.ADVANCES_KEPT + 1; s++) {
      cache.advance(s, s, List.of());
    }
    long current = SeriesHistoryCache.ADVANCES_KEPT + 1;
    cache.put(0, SeriesHistory.empty(5));
    cache.put(1, SeriesHistory.empty(6));
    assertThat(cache.get(current, 5)).isNull();
    assertThat(cache.get(current, 6)).isNotNull();
  }
}
