package io.almanac.users.watchlists;

import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import io.almanac.graphql.Ids;
import io.almanac.graphql.auth.Caller;
import io.almanac.users.generated.DgsConstants.MUTATION;
import io.almanac.users.generated.types.Series;
import io.almanac.users.generated.types.User;
import io.almanac.users.users.UserService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;

/**
 * The rules of watchlists: a caller changes their own (an admin anyone's); only existing series are added, and
 * adding one twice changes nothing; series deleted since they were added are left out when read.
 */
@Service
public class WatchlistService {

  private final WatchlistRepository lists;
  private final UserService users;
  private final SeriesExistence series;

  public WatchlistService(WatchlistRepository lists, UserService users, SeriesExistence series) {
    this.lists = lists;
    this.users = users;
    this.series = series;
  }

  /**
   * Adds a series to the watchlist of {@code userId} (the caller when null) and returns that user.
   *
   * @throws AlmanacGraphQLException {@code NOT_FOUND} for an unknown user or series, {@code FORBIDDEN} for another
   *     user's list unless admin
   */
  public User add(Caller caller, String seriesId, String userId) {
    User user = users.target(caller, userId);
    requireExisting(series, seriesId);
    lists.add(UserService.id(user), seriesId);
    return user;
  }

  /** Removes a series from the watchlist of {@code userId} (the caller when null); see {@link #add} for refusals. */
  public User remove(Caller caller, String seriesId, String userId) {
    User user = users.target(caller, userId);
    lists.remove(UserService.id(user), seriesId);
    return user;
  }

  /** The series of a stored watchlist that still exist, in the list's order; one existence check for the list. */
  public List<Series> live(List<String> seriesIds) {
    return live(series, seriesIds);
  }

  /** {@code NOT_FOUND} (argument {@code seriesId}) unless {@code seriesId} names an existing series. */
  static void requireExisting(SeriesExistence series, String seriesId) {
    Long id = Ids.parse(seriesId);
    if (id == null || !series.exists(id)) {
      throw new AlmanacGraphQLException(ErrorCode.NOT_FOUND, "No series with id '" + seriesId + "'",
          Map.of("argument", MUTATION.ADDTOWATCHLIST_INPUT_ARGUMENT.SeriesId));
    }
  }

  /** Deleted series are left out rather than failing the schema's non-null list; ids that are not numbers too. */
  static List<Series> live(SeriesExistence series, List<String> seriesIds) {
    if (seriesIds.isEmpty()) {
      return List.of();
    }
    Long[] numeric = new Long[seriesIds.size()];
    List<Long> asked = new ArrayList<>(numeric.length);
    for (int i = 0; i < numeric.length; i++) {
      numeric[i] = Ids.parse(seriesIds.get(i));
      if (numeric[i] != null) {
        asked.add(numeric[i]);
      }
    }
    Set<Long> existing = series.existing(asked);
    List<Series> live = new ArrayList<>(numeric.length);
    for (int i = 0; i < numeric.length; i++) {
      if (numeric[i] != null && existing.contains(numeric[i])) {
        live.add(Series.newBuilder().id(seriesIds.get(i)).build());
      }
    }
    return live;
  }
}
