package io.almanac.users.users;

import com.netflix.graphql.dgs.DgsDataLoader;
import io.almanac.graphql.BatchLoads;
import io.almanac.users.generated.types.User;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.dataloader.MappedBatchLoader;
import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Users by id, one SQL query per request (at most 1000 ids each). Unnamed, so DGS names it after the class, which
 * is how fetchers ask for it: {@code env.getDataLoader(UserLoader.class)}.
 */
@DgsDataLoader(maxBatchSize = 1000)
public class UserLoader implements MappedBatchLoader<Long, User> {

  private final UserRepository users;
  private final Executor executor;

  public UserLoader(UserRepository users, @Qualifier(BatchLoads.EXECUTOR) Executor executor) {
    this.users = users;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Map<Long, User>> load(Set<Long> ids) {
    return BatchLoads.byId(ids, users::findAll, UserService::id, executor);
  }
}
