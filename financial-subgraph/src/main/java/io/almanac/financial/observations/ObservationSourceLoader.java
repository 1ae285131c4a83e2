package io.almanac.financial.observations;

import com.netflix.graphql.dgs.DgsDataLoader;
import io.almanac.financial.StorageExecutorConfiguration;
import io.almanac.store.TimeseriesReader.VintageKey;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import org.dataloader.BatchLoaderEnvironment;
import org.dataloader.MappedBatchLoaderWithContext;
import org.springframework.beans.factory.annotation.Qualifier;

/**
 * The batch that wrote each stored row a request asks the {@code source} of: one storage read of the
 * batch-id column for all series of the request's rows (at the snapshot the request reads at, each
 * key's context), however many rows. Rows without a batch id are absent from the result.
 */
@DgsDataLoader(name = ObservationSourceLoader.NAME, maxBatchSize = 100_000)
public class ObservationSourceLoader implements MappedBatchLoaderWithContext<ObservationSourceLoader.RowKey, String> {

  public static final String NAME = "observationSources";

  /** A stored row: its series, date and revision date. */
  public record RowKey(long seriesId, LocalDate date, LocalDate revisionDate) {}

  private final ObservationHistories histories;
  private final ExecutorService executor;

  public ObservationSourceLoader(ObservationHistories histories,
      @Qualifier(StorageExecutorConfiguration.NAME) ExecutorService executor) {
    this.histories = histories;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Map<RowKey, String>> load(Set<RowKey> keys, BatchLoaderEnvironment environment) {
    long snapshot = (Long) environment.getKeyContextsList().get(0);
    return CompletableFuture.supplyAsync(() -> {
      Set<Long> series = new TreeSet<>();
      keys.forEach(k -> series.add(k.seriesId()));
      Map<Long, Map<VintageKey, String>> batches = histories.batchIds(series, snapshot);
      Map<RowKey, String> found = new HashMap<>(keys.size() * 2);
      for (RowKey key : keys) {
        String batchId = batches.get(key.seriesId()).get(new VintageKey(key.date(), key.revisionDate()));
        if (batchId != null) {
          found.put(key, batchId);
        }
      }
      return found;
    }, executor);
  }
}
