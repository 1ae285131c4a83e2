package io.almanac.financial.series;

import com.netflix.graphql.dgs.DgsDataLoader;
import io.almanac.financial.StorageExecutorConfiguration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import org.dataloader.MappedBatchLoader;
import org.springframework.beans.factory.annotation.Qualifier;

/** Batches series lookups of one request (entity representations from the router, mostly). */
@DgsDataLoader(name = SeriesLoader.NAME, maxBatchSize = 1000)
public class SeriesLoader implements MappedBatchLoader<Long, Series> {

  public static final String NAME = "series";

  private final SeriesCatalog catalog;
  private final ExecutorService executor;

  public SeriesLoader(SeriesCatalog catalog, @Qualifier(StorageExecutorConfiguration.NAME) ExecutorService executor) {
    this.catalog = catalog;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Map<Long, Series>> load(Set<Long> ids) {
    return CompletableFuture.supplyAsync(() -> catalog.getAll(ids), executor);
  }
}
