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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.dataloader.DataLoader;

/** The observation fields of {@code Series}; each reads the series history through the batching loader. */
@DgsComponent
public class ObservationDataFetcher {

  static final String CURSOR_KIND = "obs";
  static final int DEFAULT_PAGE = 1000;
  static final int MAX_PAGE = 10_000;

  @DgsData(parentType = "Series", field = "observations")
  public CompletableFuture<Connection<Observation>> observations(DgsDataFetchingEnvironment env) {
    int size = Cursors.pageSize(env.getArgument("first"), DEFAULT_PAGE, MAX_PAGE);
    String after = env.getArgument("after");
    Long afterDay = after == null ? null : Cursors.decodeLong(CURSOR_KIND, after);
    return withHistory(env, history -> {
      int[] rows = view(history, env);
      int start = afterDay == null ? 0 : firstAfter(history, rows, afterDay);
      int end = Math.min(rows.length, start + size + 1);
      List<Integer> page = new ArrayList<>(end - start);
      for (int i = start; i < end; i++) {
        page.add(rows[i]);
      }
      Connection<Integer> indices = Connection.of(page, size, start > 0,
          row -> Cursors.encode(CURSOR_KIND, String.valueOf(history.epochDay(row))), rows.length);
      List<Connection.Edge<Observation>> edges = indices.edges().stream()
          .map(e -> new Connection.Edge<>(e.cursor(), Observation.of(history, e.node())))
          .toList();
      return new Connection<>(edges, edges.stream().map(Connection.Edge::node).toList(),
          indices.pageInfo(), rows.length);
    });
  }

  @DgsData(parentType = "Series", field = "data")
  public CompletableFuture<SeriesData> data(DgsDataFetchingEnvironment env) {
    return withHistory(env, history -> {
      int[] rows = view(history, env);
      // ISO text straight away: the Date scalar passes server-made strings through, per-element
      // LocalDate coercion being most of the cost of a large range.
      List<String> dates = new ArrayList<>(rows.length);
      List<Double> values = new ArrayList<>(rows.length);
      for (int row : rows) {
        dates.add(history.date(row).toString());
        double value = history.doubleValue(row);
        values.add(Double.isNaN(value) ? null : value);
      }
      return new SeriesData(dates, values, rows.length);
    });
  }

  @DgsData(parentType = "Series", field = "latest")
  public CompletableFuture<Observation> latest(DgsDataFetchingEnvironment env) {
    LocalDate asOf = env.getArgument("asOf");
    return withHistory(env, history -> {
      int row = history.latest(asOf);
      return row < 0 ? null : Observation.of(history, row);
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
        Arrays.stream(history.revisionsOf(date)).mapToObj(row -> Observation.of(history, row)).toList());
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

  private static <T> CompletableFuture<T> withHistory(DgsDataFetchingEnvironment env, Function<SeriesHistory, T> use) {
    Series series = env.getSource();
    DataLoader<Long, SeriesHistory> loader = env.getDataLoader(SeriesHistoryLoader.class);
    return loader.load(series.numericId()).thenApply(use);
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
