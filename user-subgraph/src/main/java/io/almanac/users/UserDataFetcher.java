package io.almanac.users;

import io.almanac.graphql.Ids;
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
import io.almanac.graphql.auth.ApiKeyStore;
import io.almanac.graphql.auth.Caller;
import io.almanac.graphql.auth.Callers;
import io.almanac.graphql.auth.Role;
import io.almanac.store.SeriesDirectory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.dataloader.DataLoader;

/**
 * Users, watchlists and API keys. Rules: an admin may do anything; others read and change only
 * themselves, and may create keys no more powerful than their own role.
 */
@DgsComponent
public class UserDataFetcher {

  private static final String CURSOR_KIND = "user";

  private final UserRepository users;
  private final ApiKeyStore keys;
  private final SeriesDirectory series;

  public UserDataFetcher(UserRepository users, ApiKeyStore keys, SeriesDirectory series) {
    this.users = users;
    this.keys = keys;
    this.series = series;
  }

  @DgsQuery
  public User me(DgsDataFetchingEnvironment env) {
    Caller caller = Callers.current(env);
    return caller.isAnonymous() ? null : users.find(caller.userId()).orElse(null);
  }

  @DgsQuery
  public User user(@InputArgument String id, DgsDataFetchingEnvironment env) {
    Long numeric = Ids.parse(id);
    if (numeric == null) {
      return null;
    }
    Callers.requireSelfOrAdmin(env, numeric);
    return users.find(numeric).orElse(null);
  }

  @DgsQuery
  public Connection<User> users(DgsDataFetchingEnvironment env) {
    Callers.require(env, Role.ADMIN);
    int size = Cursors.pageSize(env.getArgument("first"), 20, 1000);
    String after = env.getArgument("after");
    long afterId = after == null ? 0 : Cursors.decodeLong(CURSOR_KIND, after);
    return Connection.of(users.page(afterId, size + 1), size, after != null,
        u -> Cursors.encode(CURSOR_KIND, u.id()), null);
  }

  @DgsMutation
  public User createUser(DgsDataFetchingEnvironment env) {
    Callers.require(env, Role.ADMIN);
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
  public User addToWatchlist(@InputArgument String seriesId, @InputArgument String userId,
      DgsDataFetchingEnvironment env) {
    User user = target(env, userId);
    Long id = Ids.parse(seriesId);
    if (id == null || !series.current().byId().containsKey(id)) {
      throw new AlmanacGraphQLException(ErrorCode.NOT_FOUND, "No series with id '" + seriesId + "'",
          Map.of("argument", "seriesId"));
    }
    users.addToWatchlist(Long.parseLong(user.id()), seriesId);
    return user;
  }

  @DgsMutation
  public User removeFromWatchlist(@InputArgument String seriesId, @InputArgument String userId,
      DgsDataFetchingEnvironment env) {
    User user = target(env, userId);
    users.removeFromWatchlist(Long.parseLong(user.id()), seriesId);
    return user;
  }

  @DgsMutation
  public CreatedApiKey createApiKey(@InputArgument String name, DgsDataFetchingEnvironment env) {
    Role role = Role.valueOf(env.<Object>getArgument("role").toString());
    User owner = target(env, env.getArgument("userId"));
    Caller caller = Callers.current(env);
    if (!caller.has(Role.ADMIN) && !caller.role().includes(role)) {
      throw new AlmanacGraphQLException(ErrorCode.FORBIDDEN,
          "A " + caller.role() + " key cannot create a " + role + " key", Map.of("argument", "role"));
    }
    if (name.isBlank()) {
      throw AlmanacGraphQLException.badInput("name", "Key name must not be blank");
    }
    ApiKeyStore.Created created = keys.create(Long.parseLong(owner.id()), role, name.strip());
    return new CreatedApiKey(ApiKey.of(created.key()), created.secret().toString());
  }

  @DgsMutation
  public ApiKey revokeApiKey(@InputArgument String id, DgsDataFetchingEnvironment env) {
    Long numeric = Ids.parse(id);
    var key = (numeric == null ? Optional.<io.almanac.graphql.auth.db.tables.records.ApiKeysRecord>empty()
        : keys.byId(numeric))
        .orElseThrow(() -> new AlmanacGraphQLException(ErrorCode.NOT_FOUND, "No API key with id '" + id + "'",
            Map.of("argument", "id")));
    Callers.requireSelfOrAdmin(env, key.getUserId());
    return ApiKey.of(keys.revoke(key.getId()));
  }

  @DgsData(parentType = "User", field = "apiKeys")
  public List<ApiKey> apiKeys(DgsDataFetchingEnvironment env) {
    User user = env.getSource();
    Callers.requireSelfOrAdmin(env, Long.parseLong(user.id()));
    return keys.ofUser(Long.parseLong(user.id())).stream().map(ApiKey::of).toList();
  }

  @DgsData(parentType = "User", field = "watchlist")
  public CompletableFuture<List<Series>> watchlist(DgsDataFetchingEnvironment env) {
    User user = env.getSource();
    DataLoader<Long, List<String>> loader = env.getDataLoader(UserLoaders.WatchlistLoader.class);
    // Series deleted since they were added are left out rather than failing the non-null list.
    var live = series.current().byId();
    return loader.load(Long.valueOf(user.id())).thenApply(ids -> ids.stream()
        .filter(id -> { Long n = Ids.parse(id); return n != null && live.containsKey(n); })
        .map(Series::new).toList());
  }

  @DgsEntityFetcher(name = "User")
  public CompletionStage<User> userEntity(Map<String, Object> values, DgsDataFetchingEnvironment env) {
    Long id = Ids.parse(String.valueOf(values.get("id")));
    if (id == null) {
      return CompletableFuture.completedFuture(null);
    }
    DataLoader<Long, User> loader = env.getDataLoader(UserLoaders.UserLoader.class);
    return loader.load(id);
  }

  /** The user a mutation acts on: the caller by default, another user only for an admin. */
  private User target(DgsDataFetchingEnvironment env, String userId) {
    Caller caller = Callers.require(env, Role.VIEWER);
    long id;
    if (userId == null) {
      id = caller.userId();
    } else {
      Long parsed = Ids.parse(userId);
      if (parsed == null) {
        throw new AlmanacGraphQLException(ErrorCode.NOT_FOUND, "No user with id '" + userId + "'",
            Map.of("argument", "userId"));
      }
      id = parsed;
      Callers.requireSelfOrAdmin(env, id);
    }
    return users.find(id).orElseThrow(() -> new AlmanacGraphQLException(ErrorCode.NOT_FOUND,
        "No user with id '" + id + "'", Map.of("argument", "userId")));
  }

}
