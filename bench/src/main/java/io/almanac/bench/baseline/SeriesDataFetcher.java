package io.almanac.bench.baseline;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsData;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import com.netflix.graphql.dgs.DgsEntityFetcher;
import com.netflix.graphql.dgs.DgsQuery;
import com.netflix.graphql.dgs.InputArgument;
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

  @DgsQuery
  public Series series(@InputArgument String id) {
    return parse(id);
  }

  @DgsEntityFetcher(name = "Series")
  public Series seriesEntity(Map<String, Object> values) {
    return parse(String.valueOf(values.get("id")));
  }

  @DgsData(parentType = "Series", field = "data")
  public SeriesData data(DgsDataFetchingEnvironment env) throws SQLException {
    Series series = env.getSource();
    LocalDate from = env.getArgument("from");
    LocalDate to = env.getArgument("to");
    checkRange(from, to);
    ObservationRepository.View view = repository.view(series.numericId(), from, to, env.getArgument("asOf"));
    List<Double> values = new ArrayList<>(view.values().size());
    for (BigDecimal v : view.values()) {
      values.add(v == null ? null : v.doubleValue());
    }
    return new SeriesData(view.dates(), values, view.dates().size());
  }

  @DgsData(parentType = "Series", field = "observations")
  public Connection<Observation> observations(DgsDataFetchingEnvironment env) throws SQLException {
    Series series = env.getSource();
    int size = Cursors.pageSize(env.getArgument("first"), DEFAULT_PAGE, MAX_PAGE);
    String after = env.getArgument("after");
    Long afterDay = after == null ? null : Cursors.decodeLong(CURSOR_KIND, after);
    LocalDate from = env.getArgument("from");
    LocalDate to = env.getArgument("to");
    checkRange(from, to);
    ObservationRepository.Page page =
        repository.page(series.numericId(), from, to, env.getArgument("asOf"), afterDay, size + 1);
    return Connection.of(page.rows(), size, page.before() > 0,
        o -> Cursors.encode(CURSOR_KIND, String.valueOf(o.date().toEpochDay())), page.totalCount());
  }

  @DgsData(parentType = "Series", field = "latest")
  public CompletableFuture<Observation> latest(DgsDataFetchingEnvironment env) {
    Series series = env.getSource();
    DataLoader<LatestLoader.Key, Observation> loader = env.getDataLoader(LatestLoader.class);
    return loader.load(new LatestLoader.Key(series.numericId(), env.getArgument("asOf")));
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
      throw AlmanacGraphQLException.badInput("from", "from (" + from + ") is after to (" + to + ")");
    }
  }
}
