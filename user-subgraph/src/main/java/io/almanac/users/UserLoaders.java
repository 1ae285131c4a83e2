package io.almanac.users;

import com.netflix.graphql.dgs.DgsComponent;
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

/** One SQL query per request for users, and one for watchlists. */
@DgsComponent
public class UserLoaders {

  @DgsDataLoader(name = "users", maxBatchSize = 1000)
  public static class UserLoader implements MappedBatchLoader<Long, User> {
    private final UserRepository users;
    private final Executor executor;

    public UserLoader(UserRepository users, @Qualifier("applicationTaskExecutor") Executor executor) {
      this.users = users;
      this.executor = executor;
    }

    @Override
    public CompletionStage<Map<Long, User>> load(Set<Long> ids) {
      return BatchLoads.byId(ids, users::findAll, u -> Long.valueOf(u.id()), executor);
    }
  }

  @DgsDataLoader(name = "watchlists", maxBatchSize = 1000)
  public static class WatchlistLoader implements MappedBatchLoader<Long, List<String>> {
    private final UserRepository users;
    private final Executor executor;

    public WatchlistLoader(UserRepository users, @Qualifier("applicationTaskExecutor") Executor executor) {
      this.users = users;
      this.executor = executor;
    }

    @Override
    public CompletionStage<Map<Long, List<String>>> load(Set<Long> ids) {
      return CompletableFuture.supplyAsync(() -> users.watchlists(ids), executor);
    }
  }
}
