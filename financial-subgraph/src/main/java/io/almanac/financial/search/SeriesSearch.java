package io.almanac.financial.search;

import io.almanac.store.SeriesDirectory;
import io.almanac.store.SeriesRecord;
import io.almanac.store.TimeseriesReader;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Ranked search over the series: a {@link SeriesIndex} built from the series table at start and kept current
 * by one background thread, which every {@code almanac.search.refresh-interval} (1 s) looks for new snapshots
 * of the series and observations tables and re-indexes only the series that changed (a diff of the series
 * directory's views, and the series new observation files may hold). A search that finds the directory ahead
 * of the index asks for a refresh at once but does not wait: searches run on the last published index and
 * are never blocked by indexing.
 */
@Service
public class SeriesSearch implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(SeriesSearch.class);

  private final SeriesDirectory directory;
  private final SearchAnalyzer analyzer = new SearchAnalyzer();
  private final SeriesIndex index = new SeriesIndex(analyzer);
  private final ObservationSummaries summaries;
  private final SeriesReadCounts reads;
  private final ScheduledExecutorService indexer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "almanac-search-index");
    thread.setDaemon(true);
    return thread;
  });
  private final AtomicBoolean refreshQueued = new AtomicBoolean();
  /** The series view the published index was built from; touched by the indexer thread only, read by any. */
  private volatile SeriesDirectory.View indexed = null;
  private boolean failing;

  public SeriesSearch(SeriesDirectory directory, TimeseriesReader reader, SeriesReadCounts reads,
      @Value("${almanac.search.refresh-interval:1s}") Duration refreshInterval) {
    this.directory = directory;
    this.summaries = new ObservationSummaries(reader);
    this.reads = reads;
    long millis = Math.max(10, refreshInterval.toMillis());
    indexer.scheduleWithFixedDelay(this::refresh, 0, millis, TimeUnit.MILLISECONDS);
  }

  SearchAnalyzer analyzer() {
    return analyzer;
  }

  /**
   * Searches the last published index.
   *
   * @return the page and counts; ids of series the index holds (a series deleted since may be among them:
   *     callers resolve ids against the series directory)
   */
  SearchResult search(SearchRequest request) {
    SeriesDirectory.View seen = directory.lastLoaded();
    SeriesDirectory.View built = indexed;
    if (built == null || built.snapshotId() != seen.snapshotId()) {
      requestRefresh();
    }
    return index.search(request, reads::popularity);
  }

  /** The series view behind the published index (the directory's last loaded one before the first build). */
  SeriesDirectory.View indexedView() {
    SeriesDirectory.View built = indexed;
    return built == null ? directory.lastLoaded() : built;
  }

  /**
   * Waits until the published index holds the series table's current snapshot (asking for a refresh), for
   * tests and tools that write and then search.
   *
   * @return false when {@code timeout} passed first
   */
  public boolean awaitCurrent(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long wanted = directory.current().snapshotId();
    while (true) {
      SeriesDirectory.View built = indexed;
      if (built != null && built.snapshotId() == wanted) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        // One pass queued behind any running one; its completion is what we wait for.
        indexer.submit(this::refresh).get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        return false;
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("Refreshing the search index failed", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  private void requestRefresh() {
    if (refreshQueued.compareAndSet(false, true)) {
      indexer.execute(this::refresh);
    }
  }

  /** One pass of the indexer thread: re-indexes what changed since the last pass, then publishes. */
  private void refresh() {
    refreshQueued.set(false);
    try {
      SeriesDirectory.View view = directory.current();
      SeriesDirectory.View before = indexed;
      Set<Long> changed = new HashSet<>(summaries.advance(view.byId().keySet()));
      if (before == null) {
        index.clear();
        changed.addAll(view.byId().keySet());
      } else if (before.snapshotId() != view.snapshotId()) {
        for (Map.Entry<Long, SeriesRecord> entry : view.byId().entrySet()) {
          if (!entry.getValue().equals(before.byId().get(entry.getKey()))) {
            changed.add(entry.getKey());
          }
        }
        for (Long id : before.byId().keySet()) {
          if (!view.byId().containsKey(id)) {
            index.remove(id);
          }
        }
      }
      for (Long id : changed) {
        SeriesRecord series = view.byId().get(id);
        if (series != null) {
          ObservationSummaries.Summary summary = summaries.get(id);
          long metadata = micros(series);
          index.put(series, summary == null ? metadata : Math.max(metadata, summary.lastIngestMicros()),
              summary == null ? null : summary.endDay());
        }
      }
      index.publish();
      indexed = view;
      if (failing) {
        log.info("Search index is current again ({} series)", view.byId().size());
        failing = false;
      }
    } catch (RuntimeException e) {
      // The catalog or the database is away: the last published index keeps answering; the next pass retries.
      // A pass that failed half-way may have advanced the summaries past changes it did not index: start over.
      indexed = null;
      summaries.reset();
      if (!failing) {
        log.warn("Refreshing the search index failed; searches use the last index until it succeeds: {}", e.toString());
        failing = true;
      }
    }
  }

  private static long micros(SeriesRecord series) {
    return SearchArguments.micros(series.updatedAt());
  }

  @Override
  public void destroy() throws IOException {
    indexer.shutdownNow();
    try {
      indexer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    index.close();
  }
}
