package io.almanac.financial.series;

import io.almanac.graphql.Ids;
import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsData;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import com.netflix.graphql.dgs.DgsEntityFetcher;
import com.netflix.graphql.dgs.DgsQuery;
import com.netflix.graphql.dgs.InputArgument;
import io.almanac.graphql.Connection;
import io.almanac.graphql.Cursors;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import org.dataloader.DataLoader;

/** Series lookups and search, the {@code Series} and {@code Provider} entities, and the links between them. */
@DgsComponent
public class SeriesDataFetcher {

  static final String CURSOR_KIND = "series";
  private static final int DEFAULT_PAGE = 20;
  private static final int MAX_PAGE = 1000;

  private final SeriesCatalog catalog;

  public SeriesDataFetcher(SeriesCatalog catalog) {
    this.catalog = catalog;
  }

  @DgsQuery
  public Series series(@InputArgument String id) {
    Long numeric = Ids.parse(id);
    return numeric == null ? null : catalog.get(numeric).orElse(null);
  }

  @DgsQuery
  public Series seriesByExternalId(@InputArgument String providerId, @InputArgument String externalId) {
    return catalog.byExternalId(providerId, externalId).orElse(null);
  }

  @DgsQuery
  public Connection<Series> searchSeries(DgsDataFetchingEnvironment env) {
    String query = env.getArgument("query");
    Map<String, Object> filter = env.getArgument("filter");
    Predicate<Series> matches = SeriesCatalog.textMatch(query).and(filterMatch(filter));
    return page(matches, env.getArgument("first"), env.getArgument("after"));
  }

  @DgsData(parentType = "Provider", field = "series")
  public Connection<Series> providerSeries(DgsDataFetchingEnvironment env) {
    Provider provider = env.getSource();
    return page(s -> s.providerId().equals(provider.id()), env.getArgument("first"), env.getArgument("after"));
  }

  @DgsData(parentType = "Series", field = "provider")
  public Provider provider(DgsDataFetchingEnvironment env) {
    Series series = env.getSource();
    return new Provider(series.providerId());
  }

  @DgsEntityFetcher(name = "Series")
  public CompletionStage<Series> seriesEntity(Map<String, Object> values, DgsDataFetchingEnvironment env) {
    Long id = Ids.parse(String.valueOf(values.get("id")));
    if (id == null) {
      return CompletableFuture.completedFuture(null);
    }
    DataLoader<Long, Series> loader = env.getDataLoader(SeriesLoader.class);
    return loader.load(id);
  }

  /** Provider ids are owned by crawler-write-api; here a provider is only the key its series point at. */
  @DgsEntityFetcher(name = "Provider")
  public Provider providerEntity(Map<String, Object> values) {
    return new Provider(String.valueOf(values.get("id")));
  }

  private Connection<Series> page(Predicate<Series> matches, Integer first, String after) {
    int size = Cursors.pageSize(first, DEFAULT_PAGE, MAX_PAGE);
    long afterId = after == null ? Long.MIN_VALUE : Cursors.decodeLong(CURSOR_KIND, after);
    SeriesCatalog.Page page = catalog.search(matches, afterId, size + 1);
    return Connection.of(page.items(), size, after != null, s -> Cursors.encode(CURSOR_KIND, s.id()),
        page.totalCount());
  }

  private static Predicate<Series> filterMatch(Map<String, Object> filter) {
    if (filter == null) {
      return s -> true;
    }
    Object providerId = filter.get("providerId");
    Object frequency = filter.get("frequency");
    Object active = filter.get("active");
    return s -> (providerId == null || s.providerId().equals(providerId))
        && (frequency == null || s.frequency().equals(String.valueOf(frequency)))
        && (active == null || Objects.equals(s.active(), active));
  }

}
