package io.almanac.users.watchlists;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsData;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import com.netflix.graphql.dgs.DgsMutation;
import com.netflix.graphql.dgs.InputArgument;
import io.almanac.graphql.auth.Callers;
import io.almanac.users.generated.DgsConstants.MUTATION;
import io.almanac.users.generated.DgsConstants.MUTATION.ADDTOWATCHLIST_INPUT_ARGUMENT;
import io.almanac.users.generated.DgsConstants.MUTATION.REMOVEFROMWATCHLIST_INPUT_ARGUMENT;
import io.almanac.users.generated.DgsConstants.USER;
import io.almanac.users.generated.types.Series;
import io.almanac.users.generated.types.User;
import io.almanac.users.users.UserService;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.dataloader.DataLoader;

/** {@code addToWatchlist}, {@code removeFromWatchlist} and {@code User.watchlist}, over {@link WatchlistService}. */
@DgsComponent
public class WatchlistDataFetcher {

  private final WatchlistService watchlists;

  public WatchlistDataFetcher(WatchlistService watchlists) {
    this.watchlists = watchlists;
  }

  @DgsMutation(field = MUTATION.AddToWatchlist)
  public User addToWatchlist(@InputArgument(name = ADDTOWATCHLIST_INPUT_ARGUMENT.SeriesId) String seriesId,
      @InputArgument(name = ADDTOWATCHLIST_INPUT_ARGUMENT.UserId) String userId, DgsDataFetchingEnvironment env) {
    return watchlists.add(Callers.current(env), seriesId, userId);
  }

  @DgsMutation(field = MUTATION.RemoveFromWatchlist)
  public User removeFromWatchlist(@InputArgument(name = REMOVEFROMWATCHLIST_INPUT_ARGUMENT.SeriesId) String seriesId,
      @InputArgument(name = REMOVEFROMWATCHLIST_INPUT_ARGUMENT.UserId) String userId, DgsDataFetchingEnvironment env) {
    return watchlists.remove(Callers.current(env), seriesId, userId);
  }

  /** Batched through {@link WatchlistLoader}: one query for the watchlists of every user in the response. */
  @DgsData(parentType = USER.TYPE_NAME, field = USER.Watchlist)
  public CompletableFuture<List<Series>> watchlist(DgsDataFetchingEnvironment env) {
    User user = env.getSource();
    DataLoader<Long, List<String>> loader = env.getDataLoader(WatchlistLoader.class);
    return loader.load(UserService.id(user)).thenApply(watchlists::live);
  }
}
