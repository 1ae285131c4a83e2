package io.almanac.financial.observations;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsData;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import io.almanac.financial.series.Series;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.Connection;
import io.almanac.graphql.Cursors;
import io.almanac.store.SeriesHistory;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.dataloader.DataLoader;

/**
 * The observation fields of {@code Series}; each reads the series history, from the cache or through
 * the batching loader (see {@link #withHistory}).
 */
@DgsComponent
public class ObservationDataFetcher {

  static final String CURSOR_KIND = "obs";
  static final int DEFAULT_PAGE = 1000;
  static final int MAX_PAGE = 10_000;
  private static final String SNAPSHOT_KEY = ObservationDataFetcher.class.getName() + ".snapshot";

  private final ObservationHistories histories;

  public ObservationDataFetcher(ObservationHistories histories) {
    this.histories = histories;
  }

  @DgsData(parentType = "Series", field = "observations")
  public CompletableFuture<Connection<Observation>> observations(DgsDataFetchingEnvironment env) {
    int size = Cursors.pageSize(env.getArgument("first"), DEFAULT_PAGE, MAX_PAGE);
    String after = env.getArgument("after");
    Long afterDay = after == null ? null : Cursors.decodeLong(CURSOR_KIND, after);
    return withHistory(env, history -> {
      int[] rows = view(history, env);
      int start = afterDay == null ? 0 : firstAfter(history, rows, afterDay);
      int end = Math.min(rows.length, start + size);
      // Nodes and edges are views over the rows: a client asking for nodes pays for no cursors.
      List<Observation> nodes = lazyList(end - start, i -> new Observation(history, rows[start + i]));
      IntFunction<String> cursor = i -> Cursors.encode(CURSOR_KIND, String.valueOf(history.epochDay(rows[start + i])));
      List<Connection.Edge<Observation>> edges = lazyList(nodes.size(),
          i -> new Connection.Edge<>(cursor.apply(i), nodes.get(i)));
      boolean empty = nodes.isEmpty();
      Connection.PageInfo pageInfo = new Connection.PageInfo(end < rows.length, start > 0,
          empty ? null : cursor.apply(0), empty ? null : cursor.apply(nodes.size() - 1));
      return new Connection<>(edges, nodes, pageInfo, rows.length);
    });
  }

  @DgsData(parentType = "Series", field = "data")
  public CompletableFuture<SeriesData> data(DgsDataFetchingEnvironment env) {
    return withHistory(env, history -> {
      int[] rows = view(history, env);
      // Views over the rows, ISO text straight away: the Date scalar passes server-made strings
      // through, per-element LocalDate coercion being most of the cost of a large range.
      List<String> dates = lazyList(rows.length, i -> history.date(rows[i]).toString());
      List<Double> values = lazyList(rows.length, i -> {
        double value = history.doubleValue(rows[i]);
        return Double.isNaN(value) ? null : value;
      });
      return new SeriesData(dates, values, rows.length);
    });
  }

  @DgsData(parentType = "Series", field = "latest")
  public CompletableFuture<Observation> latest(DgsDataFetchingEnvironment env) {
    LocalDate asOf = env.getArgument("asOf");
    return withHistory(env, history -> {
      int row = history.latest(asOf);
      return row < 0 ? null : new Observation(history, row);
    });
  }

  @DgsData(parentType = "Series", field = "vintages")
  public CompletableFuture<List<LocalDate>> vintages(DgsDataFetchingEnvironment env) {
    LocalDate from = env.getArgument("from");
    LocalDate to = env.getArgument("to");
    checkRange(from, to);
    return withHistory(env, history -> history.vintages(from, to));
  }

  @DgsData(parentType = "Series", field = "revisions")
  public CompletableFuture<List<Observation>> revisions(DgsDataFetchingEnvironment env) {
    LocalDate date = env.getArgument("date");
    return withHistory(env, history ->
        Arrays.stream(history.revisionsOf(date)).mapToObj(row -> new Observation(history, row)).toList());
  }

  @DgsData(parentType = "Series", field = "observationStart")
  public CompletableFuture<LocalDate> observationStart(DgsDataFetchingEnvironment env) {
    return withHistory(env, history -> {
      int[] rows = history.view(null, null, null);
      return rows.length == 0 ? null : history.date(rows[0]);
    });
  }

  @DgsData(parentType = "Series", field = "observationEnd")
  public CompletableFuture<LocalDate> observationEnd(DgsDataFetchingEnvironment env) {
    return withHistory(env, history -> {
      int[] rows = history.view(null, null, null);
      return rows.length == 0 ? null : history.date(rows[rows.length - 1]);
    });
  }

  /** The later of the last metadata change and the last observation write. */
  @DgsData(parentType = "Series", field = "lastUpdated")
  public CompletableFuture<OffsetDateTime> lastUpdated(DgsDataFetchingEnvironment env) {
    Series series = env.getSource();
    return withHistory(env, history -> {
      long micros = history.lastIngestMicros();
      if (micros == 0) {
        return series.updatedAt();
      }
      OffsetDateTime written = Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000)
          .atOffset(ZoneOffset.UTC);
      return written.isAfter(series.updatedAt()) ? written : series.updatedAt();
    });
  }

  /**
   * Applies {@code use} to the series' history as of the snapshot this request reads at (fixed when
   * it first reads observations): straight from the cache when it holds the series, else through
   * the batching loader, whose storage read runs on another thread.
   */
  private <T> CompletableFuture<T> withHistory(DgsDataFetchingEnvironment env, Function<SeriesHistory, T> use) {
    long seriesId = ((Series) env.getSource()).numericId();
    long snapshot = env.getGraphQlContext().computeIfAbsent(SNAPSHOT_KEY, key -> histories.currentSnapshot());
    SeriesHistory cached = histories.cached(seriesId, snapshot);
    if (cached != null) {
      try {
        return CompletableFuture.completedFuture(use.apply(cached));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    DataLoader<Long, SeriesHistory> loader = env.getDataLoader(SeriesHistoryLoader.class);
    return loader.load(seriesId, snapshot).thenApply(use);
  }

  /** A read-only list whose elements are made when read: pages and columns are views over rows. */
  private static <T> List<T> lazyList(int size, IntFunction<T> element) {
    return new AbstractList<>() {
      @Override
      public T get(int index) {
        return element.apply(Objects.checkIndex(index, size));
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  private static int[] view(SeriesHistory history, DgsDataFetchingEnvironment env) {
    LocalDate from = env.getArgument("from");
    LocalDate to = env.getArgument("to");
    checkRange(from, to);
    return history.view(env.getArgument("asOf"), from, to);
  }

  private static void checkRange(LocalDate from, LocalDate to) {
    if (from != null && to != null && from.isAfter(to)) {
      throw AlmanacGraphQLException.badInput("from", "from (" + from + ") is after to (" + to + ")");
    }
  }

  /** Position in {@code rows} of the first row dated after {@code epochDay}. */
  private static int firstAfter(SeriesHistory history, int[] rows, long epochDay) {
    int lo = 0;
    int hi = rows.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (history.epochDay(rows[mid]) <= epochDay) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
