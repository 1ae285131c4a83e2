package io.almanac.crawler.providers;

import com.netflix.graphql.dgs.DgsDataLoader;
import io.almanac.graphql.BatchLoads;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.dataloader.MappedBatchLoader;
import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Run statistics of providers ({@code totalRuns}, {@code successRate}, {@code lastRunAt}), one SQL query
 * per batch; providers without runs are absent from the result.
 */
@DgsDataLoader(maxBatchSize = 1000)
public class ProviderRunStatsLoader implements MappedBatchLoader<Long, ProviderRepository.RunStats> {

  private final ProviderRepository providers;
  private final Executor executor;

  public ProviderRunStatsLoader(ProviderRepository providers, @Qualifier(BatchLoads.EXECUTOR) Executor executor) {
    this.providers = providers;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Map<Long, ProviderRepository.RunStats>> load(Set<Long> ids) {
    return CompletableFuture.supplyAsync(() -> providers.runStats(ids), executor);
  }
}
