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

/** The next scheduled date of releases (after today, UTC), one SQL query per batch. */
@DgsDataLoader(maxBatchSize = 1000)
public class NextReleaseDateLoader implements MappedBatchLoader<Long, LocalDate> {

  private final ReleaseRepository releases;
  private final Executor executor;

  public NextReleaseDateLoader(ReleaseRepository releases, @Qualifier(BatchLoads.EXECUTOR) Executor executor) {
    this.releases = releases;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Map<Long, LocalDate>> load(Set<Long> releaseIds) {
    return CompletableFuture.supplyAsync(() -> releases.nextDates(releaseIds, LocalDate.now(ZoneOffset.UTC)),
        executor);
  }
}
