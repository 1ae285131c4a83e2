package io.almanac.bench.baseline;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsData;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import com.netflix.graphql.dgs.DgsEntityFetcher;
import io.almanac.bench.baseline.generated.DgsConstants.QUERY;
import io.almanac.bench.baseline.generated.DgsConstants.SERIES;
import io.almanac.bench.baseline.generated.DgsConstants.SERIES.DATA_INPUT_ARGUMENT;
import io.almanac.bench.baseline.generated.DgsConstants.SERIES.LATEST_INPUT_ARGUMENT;
import io.almanac.bench.baseline.generated.DgsConstants.SERIES.OBSERVATIONS_INPUT_ARGUMENT;
import io.almanac.bench.baseline.generated.DgsConstants.SERIES.VINTAGEPANEL_INPUT_ARGUMENT;
import io.almanac.bench.baseline.generated.types.Aggregation;
import io.almanac.bench.baseline.generated.types.DayOfWeek;
import io.almanac.bench.baseline.generated.types.Frequency;
import io.almanac.bench.baseline.generated.types.Observation;
import io.almanac.bench.baseline.generated.types.SeriesData;
import io.almanac.bench.baseline.generated.types.Transform;
import io.almanac.bench.baseline.generated.types.VintagePanel;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.Connection;
import io.almanac.graphql.Cursors;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.dataloader.DataLoader;

/** {@code Query.series}, the {@code Series} entity and its observation fields, with Almanac's semantics. */
@DgsComponent
public class SeriesDataFetcher {

  static final String CURSOR_KIND = "obs";
  static final int DEFAULT_PAGE = 1000;
  static final int MAX_PAGE = 10_000;

  private final ObservationRepository repository;

  public SeriesDataFetcher(ObservationRepository repository) {
    this.repository = repository;
  }

  @DgsData(parentType = QUERY.TYPE_NAME, field = QUERY.Series)
  public Series series(DgsDataFetchingEnvironment env) {
    return parse(env.getArgument(QUERY.SERIES_INPUT_ARGUMENT.Id));
  }

  @DgsEntityFetcher(name = SERIES.TYPE_NAME)
  public Series seriesEntity(Map<String, Object> values) {
    return parse(String.valueOf(values.get(SERIES.Id)));
  }

  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.Data)
  public SeriesData data(DgsDataFetchingEnvironment env) throws SQLException {
    Series series = env.getSource();
    LocalDate from = env.getArgument(DATA_INPUT_ARGUMENT.From);
    LocalDate to = env.getArgument(DATA_INPUT_ARGUMENT.To);
    checkRange(from, to);
    LocalDate asOf = env.getArgument(DATA_INPUT_ARGUMENT.AsOf);
    Steps steps = steps(series, env);
    if (!steps.isLevel()) {
      ObservationRepository.Derived derived = repository.derived(series.numericId(), steps, from, to, asOf);
      return SeriesData.newBuilder().dates(derived.dates()).values(derived.values()).count(derived.dates().size())
          .build();
    }
    ObservationRepository.View view = repository.view(series.numericId(), from, to, asOf);
    List<Double> values = new ArrayList<>(view.values().size());
    for (BigDecimal v : view.values()) {
      values.add(v == null ? null : v.doubleValue());
    }
    return SeriesData.newBuilder().dates(view.dates()).values(values).count(view.dates().size()).build();
  }

  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.VintagePanel)
  public VintagePanel vintagePanel(DgsDataFetchingEnvironment env) throws SQLException {
    Series series = env.getSource();
    List<LocalDate> vintageDates = env.getArgument(VINTAGEPANEL_INPUT_ARGUMENT.VintageDates);
    if (vintageDates.isEmpty()) {
      throw AlmanacGraphQLException.badInput(VINTAGEPANEL_INPUT_ARGUMENT.VintageDates, "no vintage dates given");
    }
    LocalDate from = env.getArgument(VINTAGEPANEL_INPUT_ARGUMENT.From);
    LocalDate to = env.getArgument(VINTAGEPANEL_INPUT_ARGUMENT.To);
    checkRange(from, to);
    ObservationRepository.Panel panel = repository.panel(series.numericId(), vintageDates, steps(series, env), from, to);
    return VintagePanel.newBuilder().dates(panel.dates()).vintageDates(vintageDates).values(panel.values())
        .decimals(panel.decimals()).build();
  }

  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.Observations)
  public Connection<Observation> observations(DgsDataFetchingEnvironment env) throws SQLException {
    Series series = env.getSource();
    int size = Cursors.pageSize(env.getArgument(OBSERVATIONS_INPUT_ARGUMENT.First), DEFAULT_PAGE, MAX_PAGE);
    String after = env.getArgument(OBSERVATIONS_INPUT_ARGUMENT.After);
    Long afterDay = after == null ? null : Cursors.decodeLong(CURSOR_KIND, after);
    LocalDate from = env.getArgument(OBSERVATIONS_INPUT_ARGUMENT.From);
    LocalDate to = env.getArgument(OBSERVATIONS_INPUT_ARGUMENT.To);
    checkRange(from, to);
    ObservationRepository.Page page = repository.page(series.numericId(), from, to,
        env.getArgument(OBSERVATIONS_INPUT_ARGUMENT.AsOf), afterDay, size + 1);
    return Connection.of(page.rows(), size, page.before() > 0,
        o -> Cursors.encode(CURSOR_KIND, String.valueOf(o.getDate().toEpochDay())), page.totalCount());
  }

  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.Latest)
  public CompletableFuture<Observation> latest(DgsDataFetchingEnvironment env) {
    Series series = env.getSource();
    DataLoader<LatestLoader.Key, Observation> loader = env.getDataLoader(LatestLoader.class);
    return loader.load(new LatestLoader.Key(series.numericId(), env.getArgument(LATEST_INPUT_ARGUMENT.AsOf)));
  }

  /**
   * The steps asked of {@code data} or {@code vintagePanel} (same argument names); the series' frequency
   * is read only when a step is asked for.
   */
  private Steps steps(Series series, DgsDataFetchingEnvironment env) throws SQLException {
    Transform transform = enumArgument(env, DATA_INPUT_ARGUMENT.Transform, Transform.class);
    Frequency frequency = enumArgument(env, DATA_INPUT_ARGUMENT.Frequency, Frequency.class);
    Aggregation aggregation = enumArgument(env, DATA_INPUT_ARGUMENT.Aggregation, Aggregation.class);
    DayOfWeek weekEnding = enumArgument(env, DATA_INPUT_ARGUMENT.WeekEnding, DayOfWeek.class);
    if ((transform == null || transform == Transform.LEVEL) && frequency == null && aggregation == null
        && weekEnding == null) {
      return Steps.NONE;
    }
    Frequency own = repository.frequency(series.numericId());
    if (own == null) {
      throw AlmanacGraphQLException.notFound("Series " + series.id() + " has no registered frequency");
    }
    return Steps.of(own, transform, frequency, aggregation, weekEnding);
  }

  /** An enum argument: graphql-java hands over the value's name unless a Java enum is wired. */
  private static <E extends Enum<E>> E enumArgument(DgsDataFetchingEnvironment env, String name, Class<E> type) {
    Object value = env.getArgument(name);
    return value == null ? null : type.isInstance(value) ? type.cast(value) : Enum.valueOf(type, value.toString());
  }

  private static Series parse(String id) {
    try {
      return id == null ? null : new Series(id, Long.parseLong(id));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static void checkRange(LocalDate from, LocalDate to) {
    if (from != null && to != null && from.isAfter(to)) {
      throw AlmanacGraphQLException.badInput(DATA_INPUT_ARGUMENT.From, "from (" + from + ") is after to (" + to + ")");
    }
  }
}
