package io.almanac.users.watchlists;

import com.netflix.graphql.dgs.DgsDataLoader;
import io.almanac.graphql.BatchLoads;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.dataloader.MappedBatchLoader;
import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Stored watchlists (series ids as sent, in the order added) by user id, one SQL query per request (at most 1000
 * users each). Unnamed, so DGS names it after the class, which is how fetchers ask for it:
 * {@code env.getDataLoader(WatchlistLoader.class)}.
 */
@DgsDataLoader(maxBatchSize = 1000)
public class WatchlistLoader implements MappedBatchLoader<Long, List<String>> {

  private final WatchlistRepository lists;
  private final Executor executor;

  public WatchlistLoader(WatchlistRepository lists, @Qualifier(BatchLoads.EXECUTOR) Executor executor) {
    this.lists = lists;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Map<Long, List<String>>> load(Set<Long> userIds) {
    return CompletableFuture.supplyAsync(() -> lists.watchlists(userIds), executor);
  }
}
