package io.almanac.financial.observations;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsData;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import io.almanac.financial.generated.DgsConstants.SERIES;
import io.almanac.financial.generated.types.Aggregation;
import io.almanac.financial.generated.types.DayOfWeek;
import io.almanac.financial.generated.types.Frequency;
import io.almanac.financial.generated.types.Transform;
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
 * the batching loader (see {@link ObservationHistories#withHistory}), and serves a {@link SeriesView} of it, made by
 * {@link SeriesReads} from the field's {@link ViewRequest}. Arguments are read from the environment
 * under their generated names rather than bound by {@code @InputArgument}: these fetchers run once per
 * series of a request (a thousand for a watchlist's {@code latest}), and a map read is all they need.
 */
@DgsComponent
public class ObservationDataFetcher {

  static final String CURSOR_KIND = "obs";
  public static final int DEFAULT_PAGE = 1000;
  public static final int MAX_PAGE = 10_000;

  private final ObservationHistories histories;
  private final ResponseLimit limit;

  public ObservationDataFetcher(ObservationHistories histories, ResponseLimit limit) {
    this.histories = histories;
    this.limit = limit;
  }

  /**
   * A page of the view: {@code first}/{@code after} from the oldest forwards, {@code last}/{@code before}
   * from the newest backwards (also {@code before} alone); both directions know whether there is more
   * on either side without counting first (the view is built once).
   */
  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.Observations)
  public CompletableFuture<Connection<Observation>> observations(DgsDataFetchingEnvironment env) {
    Integer first = env.getArgument(SERIES.OBSERVATIONS_INPUT_ARGUMENT.First);
    Integer last = env.getArgument(SERIES.OBSERVATIONS_INPUT_ARGUMENT.Last);
    String after = env.getArgument(SERIES.OBSERVATIONS_INPUT_ARGUMENT.After);
    String before = env.getArgument(SERIES.OBSERVATIONS_INPUT_ARGUMENT.Before);
    if (first != null && last != null) {
      throw AlmanacGraphQLException.badInput(SERIES.OBSERVATIONS_INPUT_ARGUMENT.Last,
          "first and last cannot be combined: first pages from the oldest, last from the newest");
    }
    if (after != null && before != null) {
      throw AlmanacGraphQLException.badInput(SERIES.OBSERVATIONS_INPUT_ARGUMENT.Before,
          "after and before cannot be combined: page with first/after or with last/before");
    }
    boolean backward = last != null || first == null && before != null;
    int size = backward
        ? Cursors.pageSize(last, DEFAULT_PAGE, MAX_PAGE, SERIES.OBSERVATIONS_INPUT_ARGUMENT.Last)
        : Cursors.pageSize(first, DEFAULT_PAGE, MAX_PAGE, SERIES.OBSERVATIONS_INPUT_ARGUMENT.First);
    Long afterDay = after == null ? null
        : Cursors.decodeLong(CURSOR_KIND, after, SERIES.OBSERVATIONS_INPUT_ARGUMENT.After);
    Long beforeDay = before == null ? null
        : Cursors.decodeLong(CURSOR_KIND, before, SERIES.OBSERVATIONS_INPUT_ARGUMENT.Before);
    ViewRequest request = new ViewRequest(
        env.getArgument(SERIES.OBSERVATIONS_INPUT_ARGUMENT.From),
        env.getArgument(SERIES.OBSERVATIONS_INPUT_ARGUMENT.To),
        env.getArgument(SERIES.OBSERVATIONS_INPUT_ARGUMENT.AsOf),
        Boolean.TRUE.equals(env.getArgument(SERIES.OBSERVATIONS_INPUT_ARGUMENT.FirstRelease)),
        FieldArguments.enumArgument(env, SERIES.OBSERVATIONS_INPUT_ARGUMENT.Transform, Transform.class),
        FieldArguments.enumArgument(env, SERIES.OBSERVATIONS_INPUT_ARGUMENT.Frequency, Frequency.class),
        FieldArguments.enumArgument(env, SERIES.OBSERVATIONS_INPUT_ARGUMENT.Aggregation, Aggregation.class),
        FieldArguments.enumArgument(env, SERIES.OBSERVATIONS_INPUT_ARGUMENT.WeekEnding, DayOfWeek.class));
    Frequency own = FieldArguments.ownFrequency(env);
    ResponseLimit budget = limit.forRequest(env);
    return withHistory(env, history -> budget.page(
        page(SeriesReads.read(history, own, request), afterDay, beforeDay, size, backward), SERIES.Observations));
  }

  /** The view as columns; {@code last: N} keeps its newest N dates. */
  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.Data)
  public CompletableFuture<SeriesData> data(DgsDataFetchingEnvironment env) {
    Integer last = env.getArgument(SERIES.DATA_INPUT_ARGUMENT.Last);
    if (last != null && last < 1) {
      throw AlmanacGraphQLException.badInput(SERIES.DATA_INPUT_ARGUMENT.Last, "last must be at least 1, got " + last);
    }
    ViewRequest request = new ViewRequest(
        env.getArgument(SERIES.DATA_INPUT_ARGUMENT.From),
        env.getArgument(SERIES.DATA_INPUT_ARGUMENT.To),
        env.getArgument(SERIES.DATA_INPUT_ARGUMENT.AsOf),
        Boolean.TRUE.equals(env.getArgument(SERIES.DATA_INPUT_ARGUMENT.FirstRelease)),
        FieldArguments.enumArgument(env, SERIES.DATA_INPUT_ARGUMENT.Transform, Transform.class),
        FieldArguments.enumArgument(env, SERIES.DATA_INPUT_ARGUMENT.Frequency, Frequency.class),
        FieldArguments.enumArgument(env, SERIES.DATA_INPUT_ARGUMENT.Aggregation, Aggregation.class),
        FieldArguments.enumArgument(env, SERIES.DATA_INPUT_ARGUMENT.WeekEnding, DayOfWeek.class));
    Frequency own = FieldArguments.ownFrequency(env);
    ResponseLimit budget = limit.forRequest(env);
    return withHistory(env, history -> {
      SeriesView view = SeriesReads.read(history, own, request);
      SeriesView kept = last == null || last >= view.size() ? view : view.slice(view.size() - last, view.size());
      return SeriesData.of(budget.rows(kept, SERIES.Data));
    });
  }

  /** The latest date with a value after the transform (a LEVEL read finds it without building the view). */
  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.Latest)
  public CompletableFuture<Observation> latest(DgsDataFetchingEnvironment env) {
    LocalDate asOf = env.getArgument(SERIES.LATEST_INPUT_ARGUMENT.AsOf);
    Transform transform = FieldArguments.enumArgument(env, SERIES.LATEST_INPUT_ARGUMENT.Transform, Transform.class);
    Frequency own = transform == null || transform == Transform.LEVEL ? null : FieldArguments.ownFrequency(env);
    return withHistory(env, history -> {
      SeriesView latest = SeriesReads.latest(history, own, asOf, transform);
      return latest.isEmpty() ? null : new Observation(latest, 0);
    });
  }

  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.Vintages)
  public CompletableFuture<List<LocalDate>> vintages(DgsDataFetchingEnvironment env) {
    LocalDate from = env.getArgument(SERIES.VINTAGES_INPUT_ARGUMENT.From);
    LocalDate to = env.getArgument(SERIES.VINTAGES_INPUT_ARGUMENT.To);
    FieldArguments.checkRange(SERIES.VINTAGES_INPUT_ARGUMENT.From, from, SERIES.VINTAGES_INPUT_ARGUMENT.To, to);
    return withHistory(env, history -> history.vintages(from, to));
  }

  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.Revisions)
  public CompletableFuture<List<Observation>> revisions(DgsDataFetchingEnvironment env) {
    LocalDate date = env.getArgument(SERIES.REVISIONS_INPUT_ARGUMENT.Date);
    ResponseLimit budget = limit.forRequest(env);
    return withHistory(env,
        history -> Observation.listOf(budget.rows(SeriesView.revisionsOf(history, date), SERIES.Revisions)));
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
   * The page of {@code view} among the positions dated after {@code afterDay} and before
   * {@code beforeDay} (null: open), at most {@code size} long: the oldest of them, or the newest when
   * {@code backward}. {@code hasNextPage} and {@code hasPreviousPage} say whether the view goes on after
   * and before the page. Nodes and edges are views over the page: a client asking for nodes pays for
   * no cursors.
   */
  private static Connection<Observation> page(SeriesView view, Long afterDay, Long beforeDay, int size,
      boolean backward) {
    int lo = afterDay == null ? 0 : view.firstAfter(afterDay);
    int hi = beforeDay == null ? view.size() : Math.max(lo, view.firstAfter(beforeDay - 1));
    int start = backward ? Math.max(lo, hi - size) : lo;
    int end = backward ? hi : Math.min(hi, lo + size);
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
}
