package io.almanac.crawler.runs;

import com.netflix.graphql.dgs.DgsDataLoader;
import io.almanac.graphql.BatchLoads;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.dataloader.MappedBatchLoader;
import org.springframework.beans.factory.annotation.Qualifier;

/** Runs by id, one SQL query per batch: for {@code IngestionRun} entities. */
@DgsDataLoader(maxBatchSize = 1000)
public class RunLoader implements MappedBatchLoader<Long, IngestionRun> {

  private final RunRepository runs;
  private final Executor executor;

  public RunLoader(RunRepository runs, @Qualifier(BatchLoads.EXECUTOR) Executor executor) {
    this.runs = runs;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Map<Long, IngestionRun>> load(Set<Long> ids) {
    return BatchLoads.byId(ids, runs::findAll, r -> Long.valueOf(r.id()), executor);
  }
}
