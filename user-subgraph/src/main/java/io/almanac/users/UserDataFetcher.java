package io.almanac.users;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsData;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import com.netflix.graphql.dgs.DgsEntityFetcher;
import com.netflix.graphql.dgs.DgsMutation;
import com.netflix.graphql.dgs.DgsQuery;
import com.netflix.graphql.dgs.InputArgument;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.Connection;
import io.almanac.graphql.Cursors;
import io.almanac.graphql.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.dataloader.DataLoader;

/** User queries and mutations, the {@code User} entity and its watchlist. */
@DgsComponent
public class UserDataFetcher {

  private static final String CURSOR_KIND = "user";

  private final UserRepository users;

  public UserDataFetcher(UserRepository users) {
    this.users = users;
  }

  @DgsQuery
  public User user(@InputArgument String id) {
    Long numeric = parseId(id);
    return numeric == null ? null : users.find(numeric).orElse(null);
  }

  @DgsQuery
  public Connection<User> users(DgsDataFetchingEnvironment env) {
    int size = Cursors.pageSize(env.getArgument("first"), 20, 1000);
    String after = env.getArgument("after");
    long afterId = after == null ? 0 : Cursors.decodeLong(CURSOR_KIND, after);
    return Connection.of(users.page(afterId, size + 1), size, after != null,
        u -> Cursors.encode(CURSOR_KIND, u.id()), null);
  }

  @DgsMutation
  public User createUser(DgsDataFetchingEnvironment env) {
    Map<String, Object> input = env.getArgument("input");
    String email = ((String) input.get("email")).strip();
    if (!email.matches("[^@\\s]+@[^@\\s]+")) {
      throw AlmanacGraphQLException.badInput("input.email", "'" + email + "' is not an email address");
    }
    if (users.emailTaken(email)) {
      throw new AlmanacGraphQLException(ErrorCode.CONFLICT, "A user with email '" + email + "' already exists",
          Map.of("argument", "input.email"));
    }
    Object role = input.get("role");
    return users.create(email, (String) input.get("displayName"), role == null ? "VIEWER" : role.toString());
  }

  @DgsMutation
  public User addToWatchlist(@InputArgument String seriesId, @InputArgument String userId) {
    User user = existing(userId);
    users.addToWatchlist(Long.parseLong(user.id()), seriesId);
    return user;
  }

  @DgsMutation
  public User removeFromWatchlist(@InputArgument String seriesId, @InputArgument String userId) {
    User user = existing(userId);
    users.removeFromWatchlist(Long.parseLong(user.id()), seriesId);
    return user;
  }

  @DgsData(parentType = "User", field = "watchlist")
  public CompletableFuture<List<Series>> watchlist(DgsDataFetchingEnvironment env) {
    User user = env.getSource();
    DataLoader<Long, List<String>> loader = env.getDataLoader(UserLoaders.WatchlistLoader.class);
    return loader.load(Long.valueOf(user.id())).thenApply(ids -> ids.stream().map(Series::new).toList());
  }

  @DgsEntityFetcher(name = "User")
  public CompletionStage<User> userEntity(Map<String, Object> values, DgsDataFetchingEnvironment env) {
    Long id = parseId(String.valueOf(values.get("id")));
    if (id == null) {
      return CompletableFuture.completedFuture(null);
    }
    DataLoader<Long, User> loader = env.getDataLoader(UserLoaders.UserLoader.class);
    return loader.load(id);
  }

  private User existing(String userId) {
    Long id = parseId(userId);
    return (id == null ? java.util.Optional.<User>empty() : users.find(id))
        .orElseThrow(() -> new AlmanacGraphQLException(ErrorCode.NOT_FOUND, "No user with id '" + userId + "'",
            Map.of("argument", "userId")));
  }

  private static Long parseId(String id) {
    try {
      return id == null ? null : Long.valueOf(id);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
