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

/** Current ingestion specs ({@code Provider.spec}) of many providers in one query; absent: none. */
@DgsDataLoader(maxBatchSize = 1000)
public class ProviderSpecLoader implements MappedBatchLoader<Long, Object> {

  private final ProviderSpecRepository specs;
  private final Executor executor;

  public ProviderSpecLoader(ProviderSpecRepository specs, @Qualifier(BatchLoads.EXECUTOR) Executor executor) {
    this.specs = specs;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Map<Long, Object>> load(Set<Long> ids) {
    return CompletableFuture.supplyAsync(() -> specs.current(ids), executor);
  }
}
