package io.almanac.users.users;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import com.netflix.graphql.dgs.DgsEntityFetcher;
import com.netflix.graphql.dgs.DgsMutation;
import com.netflix.graphql.dgs.DgsQuery;
import com.netflix.graphql.dgs.InputArgument;
import io.almanac.graphql.Connection;
import io.almanac.graphql.Ids;
import io.almanac.graphql.auth.Callers;
import io.almanac.users.generated.DgsConstants.MUTATION;
import io.almanac.users.generated.DgsConstants.QUERY;
import io.almanac.users.generated.DgsConstants.USER;
import io.almanac.users.generated.types.CreateUserInput;
import io.almanac.users.generated.types.User;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.dataloader.DataLoader;

/** {@code me}, {@code user}, {@code users}, {@code createUser} and the {@code User} entity, over {@link UserService}. */
@DgsComponent
public class UserDataFetcher {

  private final UserService users;

  public UserDataFetcher(UserService users) {
    this.users = users;
  }

  @DgsQuery(field = QUERY.Me)
  public User me(DgsDataFetchingEnvironment env) {
    return users.me(Callers.current(env));
  }

  @DgsQuery(field = QUERY.User)
  public User user(@InputArgument(name = QUERY.USER_INPUT_ARGUMENT.Id) String id, DgsDataFetchingEnvironment env) {
    return users.user(Callers.current(env), id);
  }

  @DgsQuery(field = QUERY.Users)
  public Connection<User> users(@InputArgument(name = QUERY.USERS_INPUT_ARGUMENT.First) Integer first,
      @InputArgument(name = QUERY.USERS_INPUT_ARGUMENT.After) String after, DgsDataFetchingEnvironment env) {
    return users.page(Callers.current(env), first, after);
  }

  @DgsMutation(field = MUTATION.CreateUser)
  public User createUser(@InputArgument(name = MUTATION.CREATEUSER_INPUT_ARGUMENT.Input) CreateUserInput input,
      DgsDataFetchingEnvironment env) {
    return users.create(Callers.current(env), input);
  }

  /** Batched through {@link UserLoader}; a representation whose id names no user resolves to null. */
  @DgsEntityFetcher(name = USER.TYPE_NAME)
  public CompletionStage<User> userEntity(Map<String, Object> representation, DgsDataFetchingEnvironment env) {
    Long id = Ids.parse(String.valueOf(representation.get(USER.Id)));
    if (id == null) {
      return CompletableFuture.completedFuture(null);
    }
    DataLoader<Long, User> loader = env.getDataLoader(UserLoader.class);
    return loader.load(id);
  }
}
