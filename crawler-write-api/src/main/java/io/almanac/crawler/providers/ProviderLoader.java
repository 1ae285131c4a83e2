package io.almanac.crawler.providers;

import com.netflix.graphql.dgs.DgsDataLoader;
import io.almanac.graphql.BatchLoads;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.dataloader.MappedBatchLoader;
import org.springframework.beans.factory.annotation.Qualifier;

/** Providers by id, one SQL query per batch: for {@code Provider} entities and {@code IngestionRun.provider}. */
@DgsDataLoader(maxBatchSize = 1000)
public class ProviderLoader implements MappedBatchLoader<Long, Provider> {

  private final ProviderRepository providers;
  private final Executor executor;

  public ProviderLoader(ProviderRepository providers, @Qualifier(BatchLoads.EXECUTOR) Executor executor) {
    this.providers = providers;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Map<Long, Provider>> load(Set<Long> ids) {
    return BatchLoads.byId(ids, providers::findAll, Provider::numericId, executor);
  }
}
