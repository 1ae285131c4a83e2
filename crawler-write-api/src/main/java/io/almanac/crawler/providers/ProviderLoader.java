package io.almanac.crawler.providers;

import com.netflix.graphql.dgs.DgsDataLoader;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.dataloader.MappedBatchLoader;
import org.springframework.beans.factory.annotation.Qualifier;

/** One SQL query for all providers a request resolves (entity representations from the router). */
@DgsDataLoader(name = "providers", maxBatchSize = 1000)
public class ProviderLoader implements MappedBatchLoader<Long, Provider> {

  private final ProviderRepository providers;
  private final Executor executor;

  public ProviderLoader(ProviderRepository providers, @Qualifier("applicationTaskExecutor") Executor executor) {
    this.providers = providers;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Map<Long, Provider>> load(Set<Long> ids) {
    return CompletableFuture.supplyAsync(() -> {
      Map<Long, Provider> found = new HashMap<>();
      providers.findAll(ids).forEach(p -> found.put(Long.valueOf(p.id()), p));
      return found;
    }, executor);
  }
}
