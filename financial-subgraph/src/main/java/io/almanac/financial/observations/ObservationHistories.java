package io.almanac.financial.observations;

import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import io.almanac.financial.series.Series;
import io.almanac.store.SeriesHistory;
import io.almanac.store.TimeseriesReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.dataloader.DataLoader;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Series histories at a request's snapshot: the table's current one when the request first reads
 * observations ({@link #currentSnapshot()}, read-your-writes), from the cache when it holds them.
 */
@Service
public class ObservationHistories {

  private static final String SNAPSHOT_KEY = ObservationHistories.class.getName() + ".snapshot";
  private static final String CACHE_TAG = "series_histories";

  private final TimeseriesReader reader;
  private final SeriesHistoryCache cache;
  private final Counter hitCounter;
  private final Counter missCounter;

  /**
   * Meters (tag {@code cache=series_histories}): {@code almanac_cache_hits_total} and
   * {@code almanac_cache_misses_total} (series histories asked for, found or not at the request's snapshot),
   * {@code almanac_cache_rows} (rows held) and {@code almanac_cache_max_rows} (its bound).
   */
  public ObservationHistories(TimeseriesReader reader,
      @Value("${almanac.financial.cache-max-rows:8000000}") long maxRows, MeterRegistry registry) {
    this.reader = reader;
    this.cache = new SeriesHistoryCache(maxRows);
    this.hitCounter = Counter.builder("almanac.cache.hits").tag("cache", CACHE_TAG)
        .description("Series histories found in the cache").register(registry);
    this.missCounter = Counter.builder("almanac.cache.misses").tag("cache", CACHE_TAG)
        .description("Series histories read from storage").register(registry);
    Gauge.builder("almanac.cache.rows", cache, SeriesHistoryCache::rows).tag("cache", CACHE_TAG).baseUnit("rows")
        .description("Rows (all vintages) of the series histories held").register(registry);
    Gauge.builder("almanac.cache.max.rows", () -> maxRows).tag("cache", CACHE_TAG).baseUnit("rows")
        .description("almanac.financial.cache-max-rows").register(registry);
  }

  /**
   * The observations table's current snapshot, the cache moved to it first: the snapshot a request
   * reads at once it checked.
   */
  public long currentSnapshot() {
    long snapshot = reader.observationsSnapshot();
    advanceTo(snapshot);
    return snapshot;
  }

  /**
   * The history of a series as the cache last knew it, without reading anything (the table's snapshot
   * included): for estimates made before a request reads, possibly a commit behind. Null when not cached.
   */
  public SeriesHistory cachedRecently(long seriesId) {
    return cache.get(cache.snapshotId(), seriesId);
  }

  /** The history of a series as of {@code snapshot} when the cache holds it there, else null. */
  public SeriesHistory cached(long seriesId, long snapshot) {
    return cache.get(snapshot, seriesId);
  }

  /**
   * The histories of {@code seriesIds} as of {@code snapshot} (a request's, from
   * {@link #currentSnapshot()}), from the cache where it holds them there, else from storage.
   */
  public Map<Long, SeriesHistory> load(Collection<Long> seriesIds, long snapshot) {
    Map<Long, SeriesHistory> result = new HashMap<>();
    List<Long> misses = new ArrayList<>();
    for (Long id : seriesIds) {
      SeriesHistory cached = cache.get(snapshot, id);
      if (cached != null) {
        result.put(id, cached);
      } else {
        misses.add(id);
      }
    }
    hitCounter.increment(result.size());
    missCounter.increment(misses.size());
    if (!misses.isEmpty()) {
      reader.readHistories(misses, snapshot).forEach((id, history) -> {
        cache.put(snapshot, history);
        result.put(id, history);
      });
    }
    return result;
  }

  /**
   * Applies {@code use} to the history of the series a {@code Series} field is resolved on, as of the
   * snapshot this request reads at (fixed when it first reads observations, so that every field of a
   * request sees the same data): straight from the cache when it holds the series, else through the
   * batching loader, whose storage read runs on another thread. A refusal {@code use} throws fails the
   * returned future.
   */
  public <T> CompletableFuture<T> withHistory(DgsDataFetchingEnvironment env, Function<SeriesHistory, T> use) {
    long seriesId = ((Series) env.getSource()).numericId();
    long snapshot = requestSnapshot(env);
    SeriesHistory cached = cached(seriesId, snapshot);
    if (cached != null) {
      hitCounter.increment(); // a miss is counted by load, which the loader calls
      try {
        return CompletableFuture.completedFuture(use.apply(cached));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    DataLoader<Long, SeriesHistory> loader = env.getDataLoader(SeriesHistoryLoader.class);
    return loader.load(seriesId, snapshot).thenApply(use);
  }

  /** The snapshot this request reads at (fixed when it first reads observations). */
  long requestSnapshot(DgsDataFetchingEnvironment env) {
    return env.getGraphQlContext().computeIfAbsent(SNAPSHOT_KEY, key -> currentSnapshot());
  }

  /** The batch of each visible row of {@code seriesIds} at {@code snapshot} (see {@link TimeseriesReader#batchIdsOf}). */
  Map<Long, Map<TimeseriesReader.VintageKey, String>> batchIds(Collection<Long> seriesIds, long snapshot) {
    return reader.batchIdsOf(seriesIds, snapshot);
  }

  /**
   * Moves the cache to {@code snapshot}, unless it is there or already later: requests that fixed their
   * snapshots around a commit call this out of order, and a move back could not be told from the history
   * (it would walk the whole history and then evict everything).
   */
  private void advanceTo(long snapshot) {
    if (cache.snapshotId() == snapshot) {
      return;
    }
    long sequence = reader.observationsSequenceNumber(snapshot);
    synchronized (cache) {
      long known = cache.snapshotId();
      if (known != snapshot && !cache.isPast(sequence)) {
        cache.advance(snapshot, sequence, reader.changedSeriesRanges(known, snapshot).orElse(null));
      }
    }
  }

  /** Drops the cached history of {@code seriesId}: the start-up warm-up reads from storage and keeps nothing. */
  public void forget(long seriesId) {
    cache.remove(seriesId);
  }

  /** Rows held in the cache, for metrics and tests. */
  public long cachedRows() {
    return cache.rows();
  }
}
