package io.almanac.crawler.providers;

import io.almanac.graphql.Ids;
import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsData;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import com.netflix.graphql.dgs.DgsEntityFetcher;
import com.netflix.graphql.dgs.DgsMutation;
import com.netflix.graphql.dgs.DgsQuery;
import com.netflix.graphql.dgs.InputArgument;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.Connection;
import io.almanac.graphql.Cursors;
import io.almanac.graphql.ErrorCode;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.dataloader.DataLoader;

/** Provider queries and mutations, derived run statistics, and the {@code Provider} entity. */
@DgsComponent
public class ProviderDataFetcher {

  private static final String CURSOR_KIND = "provider";

  private final ProviderRepository providers;
  private final ProviderService service;

  public ProviderDataFetcher(ProviderRepository providers, ProviderService service) {
    this.providers = providers;
    this.service = service;
  }

  @DgsQuery
  public Provider provider(@InputArgument String id) {
    Long numeric = Ids.parse(id);
    return numeric == null ? null : providers.find(numeric).orElse(null);
  }

  @DgsQuery
  public Connection<Provider> providers(DgsDataFetchingEnvironment env) {
    int size = Cursors.pageSize(env.getArgument("first"), 20, 1000);
    String after = env.getArgument("after");
    long afterId = after == null ? 0 : Cursors.decodeLong(CURSOR_KIND, after);
    List<Provider> items = providers.page(env.getArgument("status"), env.getArgument("search"), afterId, size + 1);
    return Connection.of(items, size, after != null, p -> Cursors.encode(CURSOR_KIND, p.id()), null);
  }

  @DgsMutation
  public Provider createProvider(DgsDataFetchingEnvironment env) {
    return service.create(env.getArgument("input"));
  }

  @DgsMutation
  public Provider updateProvider(@InputArgument String id, DgsDataFetchingEnvironment env) {
    return service.update(existingId(id), env.getArgument("input"));
  }

  @DgsMutation
  public boolean deleteProvider(@InputArgument String id, DgsDataFetchingEnvironment env) {
    Long numeric = Ids.parse(id);
    return numeric != null && service.delete(numeric, Boolean.TRUE.equals(env.getArgument("force")));
  }

  @DgsData(parentType = "Provider", field = "totalRuns")
  public CompletableFuture<Integer> totalRuns(DgsDataFetchingEnvironment env) {
    return stats(env).thenApply(ProviderRepository.RunStats::totalRuns);
  }

  @DgsData(parentType = "Provider", field = "successRate")
  public CompletableFuture<Double> successRate(DgsDataFetchingEnvironment env) {
    return stats(env).thenApply(ProviderRepository.RunStats::successRate);
  }

  @DgsData(parentType = "Provider", field = "lastRunAt")
  public CompletableFuture<OffsetDateTime> lastRunAt(DgsDataFetchingEnvironment env) {
    return stats(env).thenApply(ProviderRepository.RunStats::lastRunAt);
  }

  @DgsData(parentType = "Provider", field = "nextRunAt")
  public OffsetDateTime nextRunAt(DgsDataFetchingEnvironment env) {
    ZonedDateTime next = ProviderService.nextRun(env.getSource(), ZonedDateTime.now(ZoneOffset.UTC));
    return next == null ? null : next.toOffsetDateTime();
  }

  @DgsEntityFetcher(name = "Provider")
  public CompletionStage<Provider> providerEntity(Map<String, Object> values, DgsDataFetchingEnvironment env) {
    Long id = Ids.parse(String.valueOf(values.get("id")));
    if (id == null) {
      return CompletableFuture.completedFuture(null);
    }
    DataLoader<Long, Provider> loader = env.getDataLoader(ProviderLoaders.ProviderLoader.class);
    return loader.load(id);
  }

  private static CompletableFuture<ProviderRepository.RunStats> stats(DgsDataFetchingEnvironment env) {
    Provider provider = env.getSource();
    DataLoader<Long, ProviderRepository.RunStats> loader = env.getDataLoader(ProviderLoaders.RunStatsLoader.class);
    return loader.load(provider.numericId()).thenApply(s -> s == null ? ProviderRepository.RunStats.NONE : s);
  }

  private static long existingId(String id) {
    Long numeric = Ids.parse(id);
    if (numeric == null) {
      throw new AlmanacGraphQLException(ErrorCode.NOT_FOUND, "No provider with id '" + id + "'", Map.of("argument", "id"));
    }
    return numeric;
  }

}
