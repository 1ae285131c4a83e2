package io.almanac.crawler.providers;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsDataLoader;
import io.almanac.graphql.BatchLoads;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.dataloader.MappedBatchLoader;
import org.springframework.beans.factory.annotation.Qualifier;

/** One SQL query per request for providers, and one for their run statistics. */
@DgsComponent
public class ProviderLoaders {

  @DgsDataLoader(name = "providers", maxBatchSize = 1000)
  public static class ProviderLoader implements MappedBatchLoader<Long, Provider> {
    private final ProviderRepository providers;
    private final Executor executor;

    public ProviderLoader(ProviderRepository providers, @Qualifier("applicationTaskExecutor") Executor executor) {
      this.providers = providers;
      this.executor = executor;
    }

    @Override
    public CompletionStage<Map<Long, Provider>> load(Set<Long> ids) {
      return BatchLoads.byId(ids, providers::findAll, Provider::numericId, executor);
    }
  }

  @DgsDataLoader(name = "providerRunStats", maxBatchSize = 1000)
  public static class RunStatsLoader implements MappedBatchLoader<Long, ProviderRepository.RunStats> {
    private final ProviderRepository providers;
    private final Executor executor;

    public RunStatsLoader(ProviderRepository providers, @Qualifier("applicationTaskExecutor") Executor executor) {
      this.providers = providers;
      this.executor = executor;
    }

    @Override
    public CompletionStage<Map<Long, ProviderRepository.RunStats>> load(Set<Long> ids) {
      return CompletableFuture.supplyAsync(() -> providers.runStats(ids), executor);
    }
  }
}
