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
import io.almanac.financial.search.SeriesReadCounts;
import io.almanac.graphql.Connection;
import io.almanac.graphql.Cursors;
import io.almanac.graphql.Ids;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import org.dataloader.DataLoader;

/** Series lookups, the {@code Series} and {@code Provider} entities, and the links between them. */
@DgsComponent
public class SeriesDataFetcher {

  public static final String CURSOR_KIND = "series";
  public static final int DEFAULT_PAGE = 20;
  public static final int MAX_PAGE = 1000;

  private final SeriesCatalog catalog;

  private final SeriesReadCounts reads;

  public SeriesDataFetcher(SeriesCatalog catalog, SeriesReadCounts reads) {
    this.catalog = catalog;
    this.reads = reads;
  }

  @DgsQuery(field = QUERY.Series)
  public Series series(@InputArgument(name = QUERY.SERIES_INPUT_ARGUMENT.Id) String id,
      @InputArgument(name = QUERY.SERIES_INPUT_ARGUMENT.AsOf) LocalDate asOf, DgsDataFetchingEnvironment env) {
    Long numeric = Ids.parse(id);
    if (numeric == null) {
      return null;
    }
    SeriesCatalog request = catalog.forRequest(env.getGraphQlContext());
    Series found = (asOf == null ? request.get(numeric) : request.asOf(numeric, asOf)).orElse(null);
    countRead(found);
    return found;
  }

  @DgsQuery(field = QUERY.SeriesByExternalId)
  public Series seriesByExternalId(
      @InputArgument(name = QUERY.SERIESBYEXTERNALID_INPUT_ARGUMENT.ProviderId) String providerId,
      @InputArgument(name = QUERY.SERIESBYEXTERNALID_INPUT_ARGUMENT.ExternalId) String externalId,
      DgsDataFetchingEnvironment env) {
    Series found = catalog.forRequest(env.getGraphQlContext()).byExternalId(providerId, externalId).orElse(null);
    countRead(found);
    return found;
  }

  /** A series looked up by id or key counts as a read for searchSeries' POPULARITY order. */
  private void countRead(Series found) {
    if (found != null) {
      reads.count(found.numericId());
    }
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
}
