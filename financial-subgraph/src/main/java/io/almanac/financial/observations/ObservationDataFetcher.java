package io.almanac.financial.observations;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsData;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import io.almanac.financial.generated.DgsConstants.SERIES;
import io.almanac.financial.series.Series;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.Connection;
import io.almanac.graphql.Cursors;
import io.almanac.store.SeriesHistory;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The observation fields of {@code Series}; each reads the series history, from the cache or through
 * the batching loader (see {@link #withHistory}), and serves a {@link SeriesView} of it. Arguments
 * are read from the environment under their generated names rather than bound by
 * {@code @InputArgument}: these fetchers run once per series of a request (a thousand for a
 * watchlist's {@code latest}), and a map read is all they need.
 */
@DgsComponent
public class ObservationDataFetcher {

  static final String CURSOR_KIND = "obs";
  static final int DEFAULT_PAGE = 1000;
  static final int MAX_PAGE = 10_000;

  private final ObservationHistories histories;
  private final ResponseLimit limit;

  public ObservationDataFetcher(ObservationHistories histories, ResponseLimit limit) {
    this.histories = histories;
    this.limit = limit;
  }

  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.Observations)
  public CompletableFuture<Connection<Observation>> observations(DgsDataFetchingEnvironment env) {
    int size = Cursors.pageSize(env.getArgument(SERIES.OBSERVATIONS_INPUT_ARGUMENT.First), DEFAULT_PAGE, MAX_PAGE);
    String after = env.getArgument(SERIES.OBSERVATIONS_INPUT_ARGUMENT.After);
    Long afterDay = after == null ? null : Cursors.decodeLong(CURSOR_KIND, after);
    LocalDate from = env.getArgument(SERIES.OBSERVATIONS_INPUT_ARGUMENT.From);
    LocalDate to = env.getArgument(SERIES.OBSERVATIONS_INPUT_ARGUMENT.To);
    LocalDate asOf = env.getArgument(SERIES.OBSERVATIONS_INPUT_ARGUMENT.AsOf);
    checkRange(SERIES.OBSERVATIONS_INPUT_ARGUMENT.From, from, to);
    return withHistory(env, history -> limit.page(page(SeriesView.of(history, asOf, from, to), afterDay, size),
        SERIES.Observations));
  }

  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.Data)
  public CompletableFuture<SeriesData> data(DgsDataFetchingEnvironment env) {
    LocalDate from = env.getArgument(SERIES.DATA_INPUT_ARGUMENT.From);
    LocalDate to = env.getArgument(SERIES.DATA_INPUT_ARGUMENT.To);
    LocalDate asOf = env.getArgument(SERIES.DATA_INPUT_ARGUMENT.AsOf);
    checkRange(SERIES.DATA_INPUT_ARGUMENT.From, from, to);
    return withHistory(env, history -> SeriesData.of(limit.rows(SeriesView.of(history, asOf, from, to), SERIES.Data)));
  }

  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.Latest)
  public CompletableFuture<Observation> latest(DgsDataFetchingEnvironment env) {
    LocalDate asOf = env.getArgument(SERIES.LATEST_INPUT_ARGUMENT.AsOf);
    return withHistory(env, history -> {
      SeriesView latest = SeriesView.latest(history, asOf);
      return latest.isEmpty() ? null : new Observation(latest, 0);
    });
  }

  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.Vintages)
  public CompletableFuture<List<LocalDate>> vintages(DgsDataFetchingEnvironment env) {
    LocalDate from = env.getArgument(SERIES.VINTAGES_INPUT_ARGUMENT.From);
    LocalDate to = env.getArgument(SERIES.VINTAGES_INPUT_ARGUMENT.To);
    checkRange(SERIES.VINTAGES_INPUT_ARGUMENT.From, from, to);
    return withHistory(env, history -> history.vintages(from, to));
  }

  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.Revisions)
  public CompletableFuture<List<Observation>> revisions(DgsDataFetchingEnvironment env) {
    LocalDate date = env.getArgument(SERIES.REVISIONS_INPUT_ARGUMENT.Date);
    return withHistory(env,
        history -> Observation.listOf(limit.rows(SeriesView.revisionsOf(history, date), SERIES.Revisions)));
  }

  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.ObservationStart)
  public CompletableFuture<LocalDate> observationStart(DgsDataFetchingEnvironment env) {
    return withHistory(env, history -> {
      SeriesView all = SeriesView.of(history, null, null, null);
      return all.isEmpty() ? null : all.date(0);
    });
  }

  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.ObservationEnd)
  public CompletableFuture<LocalDate> observationEnd(DgsDataFetchingEnvironment env) {
    return withHistory(env, history -> {
      SeriesView all = SeriesView.of(history, null, null, null);
      return all.isEmpty() ? null : all.date(all.size() - 1);
    });
  }

  /** The later of the last metadata change and the last observation write. */
  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.LastUpdated)
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
   * The page of {@code view} that starts after the date {@code afterDay} (from the start when null),
   * at most {@code size} long. Nodes and edges are views over the page: a client asking for nodes
   * pays for no cursors.
   */
  private static Connection<Observation> page(SeriesView view, Long afterDay, int size) {
    int start = afterDay == null ? 0 : view.firstAfter(afterDay);
    int end = Math.min(view.size(), start + size);
    SeriesView page = view.slice(start, end);
    List<Observation> nodes = LazyList.of(page.size(), i -> new Observation(page, i));
    IntFunction<String> cursor = i -> Cursors.encode(CURSOR_KIND, String.valueOf(page.epochDay(i)));
    List<Connection.Edge<Observation>> edges = LazyList.of(page.size(),
        i -> new Connection.Edge<>(cursor.apply(i), nodes.get(i)));
    boolean empty = page.isEmpty();
    Connection.PageInfo pageInfo = new Connection.PageInfo(end < view.size(), start > 0,
        empty ? null : cursor.apply(0), empty ? null : cursor.apply(page.size() - 1));
    return new Connection<>(edges, nodes, pageInfo, view.size());
  }

  /** Applies {@code use} to the series' history at this request's snapshot (see {@link ObservationHistories#withHistory}). */
  private <T> CompletableFuture<T> withHistory(DgsDataFetchingEnvironment env, Function<SeriesHistory, T> use) {
    return histories.withHistory(env, use);
  }

  /** Refuses a range whose start, given as argument {@code fromArgument}, is after its end. */
  private static void checkRange(String fromArgument, LocalDate from, LocalDate to) {
    if (from != null && to != null && from.isAfter(to)) {
      throw AlmanacGraphQLException.badInput(fromArgument, "from (" + from + ") is after to (" + to + ")");
    }
  }
}
