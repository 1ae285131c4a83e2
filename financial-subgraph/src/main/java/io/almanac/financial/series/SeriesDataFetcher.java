package io.almanac.financial.series;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsData;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import com.netflix.graphql.dgs.DgsEntityFetcher;
import com.netflix.graphql.dgs.DgsQuery;
import com.netflix.graphql.dgs.InputArgument;
import io.almanac.financial.generated.DgsConstants.PROVIDER;
import io.almanac.financial.generated.DgsConstants.QUERY;
import io.almanac.financial.generated.DgsConstants.SERIES;
import io.almanac.financial.generated.types.Provider;
import io.almanac.financial.generated.types.SeriesFilter;
import io.almanac.graphql.Connection;
import io.almanac.graphql.Cursors;
import io.almanac.graphql.Ids;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import org.dataloader.DataLoader;

/** Series lookups and search, the {@code Series} and {@code Provider} entities, and the links between them. */
@DgsComponent
public class SeriesDataFetcher {

  public static final String CURSOR_KIND = "series";
  public static final int DEFAULT_PAGE = 20;
  public static final int MAX_PAGE = 1000;

  private final SeriesCatalog catalog;

  public SeriesDataFetcher(SeriesCatalog catalog) {
    this.catalog = catalog;
  }

  @DgsQuery(field = QUERY.Series)
  public Series series(@InputArgument(name = QUERY.SERIES_INPUT_ARGUMENT.Id) String id,
      @InputArgument(name = QUERY.SERIES_INPUT_ARGUMENT.AsOf) LocalDate asOf) {
    Long numeric = Ids.parse(id);
    if (numeric == null) {
      return null;
    }
    return (asOf == null ? catalog.get(numeric) : catalog.asOf(numeric, asOf)).orElse(null);
  }

  @DgsQuery(field = QUERY.SeriesByExternalId)
  public Series seriesByExternalId(
      @InputArgument(name = QUERY.SERIESBYEXTERNALID_INPUT_ARGUMENT.ProviderId) String providerId,
      @InputArgument(name = QUERY.SERIESBYEXTERNALID_INPUT_ARGUMENT.ExternalId) String externalId) {
    return catalog.byExternalId(providerId, externalId).orElse(null);
  }

  @DgsQuery(field = QUERY.SearchSeries)
  public Connection<Series> searchSeries(
      @InputArgument(name = QUERY.SEARCHSERIES_INPUT_ARGUMENT.Query) String query,
      @InputArgument(name = QUERY.SEARCHSERIES_INPUT_ARGUMENT.Filter) SeriesFilter filter,
      @InputArgument(name = QUERY.SEARCHSERIES_INPUT_ARGUMENT.First) Integer first,
      @InputArgument(name = QUERY.SEARCHSERIES_INPUT_ARGUMENT.After) String after) {
    Predicate<Series> matches = SeriesCatalog.textMatch(query).and(filterMatch(filter));
    return page(matches, first, after);
  }

  @DgsData(parentType = PROVIDER.TYPE_NAME, field = PROVIDER.Series)
  public Connection<Series> providerSeries(DgsDataFetchingEnvironment env,
      @InputArgument(name = PROVIDER.SERIES_INPUT_ARGUMENT.First) Integer first,
      @InputArgument(name = PROVIDER.SERIES_INPUT_ARGUMENT.After) String after) {
    Provider provider = env.getSource();
    return page(s -> s.providerId().equals(provider.getId()), first, after);
  }

  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.Provider)
  public Provider provider(DgsDataFetchingEnvironment env) {
    Series series = env.getSource();
    return provider(series.providerId());
  }

  @DgsEntityFetcher(name = SERIES.TYPE_NAME)
  public CompletionStage<Series> seriesEntity(Map<String, Object> values, DgsDataFetchingEnvironment env) {
    Long id = Ids.parse(String.valueOf(values.get(SERIES.Id)));
    if (id == null) {
      return CompletableFuture.completedFuture(null);
    }
    DataLoader<Long, Series> loader = env.getDataLoader(SeriesLoader.class);
    return loader.load(id);
  }

  /** Provider ids are owned by crawler-write-api; here a provider is only the key its series point at. */
  @DgsEntityFetcher(name = PROVIDER.TYPE_NAME)
  public Provider providerEntity(Map<String, Object> values) {
    return provider(String.valueOf(values.get(PROVIDER.Id)));
  }

  private static Provider provider(String id) {
    return Provider.newBuilder().id(id).build();
  }

  private Connection<Series> page(Predicate<Series> matches, Integer first, String after) {
    int size = Cursors.pageSize(first, DEFAULT_PAGE, MAX_PAGE);
    long afterId = after == null ? Long.MIN_VALUE : Cursors.decodeLong(CURSOR_KIND, after);
    SeriesCatalog.Page page = catalog.search(matches, afterId, size + 1);
    return Connection.of(page.items(), size, after != null, s -> Cursors.encode(CURSOR_KIND, s.id()),
        page.totalCount());
  }

  private static Predicate<Series> filterMatch(SeriesFilter filter) {
    if (filter == null) {
      return s -> true;
    }
    String providerId = filter.getProviderId();
    String frequency = filter.getFrequency() == null ? null : filter.getFrequency().name();
    Boolean active = filter.getActive();
    return s -> (providerId == null || s.providerId().equals(providerId))
        && (frequency == null || s.frequency().equals(frequency))
        && (active == null || s.active() == active);
  }
}
