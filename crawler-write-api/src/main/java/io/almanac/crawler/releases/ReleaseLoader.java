package io.almanac.crawler.releases;

import com.netflix.graphql.dgs.DgsDataLoader;
import io.almanac.graphql.BatchLoads;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.dataloader.MappedBatchLoader;
import org.springframework.beans.factory.annotation.Qualifier;

/** Releases by id, one SQL query per batch: {@code Release} entities, {@code ReleaseDate.release}. */
@DgsDataLoader(maxBatchSize = 1000)
public class ReleaseLoader implements MappedBatchLoader<Long, Release> {

  private final ReleaseRepository releases;
  private final Executor executor;

  public ReleaseLoader(ReleaseRepository releases, @Qualifier(BatchLoads.EXECUTOR) Executor executor) {
    this.releases = releases;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Map<Long, Release>> load(Set<Long> ids) {
    return BatchLoads.byId(ids, releases::findAll, Release::numericId, executor);
  }
}
