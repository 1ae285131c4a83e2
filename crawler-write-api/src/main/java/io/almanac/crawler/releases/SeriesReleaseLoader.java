package io.almanac.crawler.releases;

import com.netflix.graphql.dgs.DgsDataLoader;
import io.almanac.graphql.BatchLoads;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.dataloader.MappedBatchLoader;
import org.springframework.beans.factory.annotation.Qualifier;

/**
 * The release of series and its next date, one SQL query per batch: {@code Series.release} and
 * {@code Series.nextRelease} (one loader, not two chained: a load made in another's completion is not dispatched).
 */
@DgsDataLoader(maxBatchSize = 1000)
public class SeriesReleaseLoader implements MappedBatchLoader<Long, ReleaseRepository.SeriesRelease> {

  private final ReleaseRepository releases;
  private final Executor executor;

  public SeriesReleaseLoader(ReleaseRepository releases, @Qualifier(BatchLoads.EXECUTOR) Executor executor) {
    this.releases = releases;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Map<Long, ReleaseRepository.SeriesRelease>> load(Set<Long> seriesIds) {
    return CompletableFuture.supplyAsync(() -> releases.releaseOfSeries(seriesIds, LocalDate.now(ZoneOffset.UTC)),
        executor);
  }
}
