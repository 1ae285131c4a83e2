package io.almanac.financial.observations;

import com.netflix.graphql.dgs.DgsDataLoader;
import io.almanac.financial.StorageExecutorConfiguration;
import io.almanac.store.SeriesHistory;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import org.dataloader.BatchLoaderEnvironment;
import org.dataloader.MappedBatchLoaderWithContext;
import org.springframework.beans.factory.annotation.Qualifier;

/**
 * One storage scan for all series whose observations a request touches, at the snapshot the request
 * reads at (each key's context; a loader serves one request, so they are all the same).
 */
@DgsDataLoader(name = SeriesHistoryLoader.NAME, maxBatchSize = 500)
public class SeriesHistoryLoader implements MappedBatchLoaderWithContext<Long, SeriesHistory> {

  public static final String NAME = "seriesHistories";

  private final ObservationHistories histories;
  private final ExecutorService executor;

  public SeriesHistoryLoader(ObservationHistories histories,
      @Qualifier(StorageExecutorConfiguration.NAME) ExecutorService executor) {
    this.histories = histories;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Map<Long, SeriesHistory>> load(Set<Long> ids, BatchLoaderEnvironment environment) {
    long snapshot = (Long) environment.getKeyContextsList().get(0);
    return CompletableFuture.supplyAsync(() -> histories.load(ids, snapshot), executor);
  }
}
