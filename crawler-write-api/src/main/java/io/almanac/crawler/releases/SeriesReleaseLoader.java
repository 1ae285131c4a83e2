package io.almanac.crawler.releases;

import com.netflix.graphql.dgs.DgsDataLoader;
import io.almanac.graphql.BatchLoads;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.dataloader.MappedBatchLoader;
import org.springframework.beans.factory.annotation.Qualifier;

/** The release id of series, one SQL query per batch: {@code Series.release}, {@code Series.nextRelease}. */
@DgsDataLoader(maxBatchSize = 1000)
public class SeriesReleaseLoader implements MappedBatchLoader<Long, Long> {

  private final ReleaseRepository releases;
  private final Executor executor;

  public SeriesReleaseLoader(ReleaseRepository releases, @Qualifier(BatchLoads.EXECUTOR) Executor executor) {
    this.releases = releases;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Map<Long, Long>> load(Set<Long> seriesIds) {
    return CompletableFuture.supplyAsync(() -> releases.releaseOfSeries(seriesIds), executor);
  }
}
