package io.almanac.users.watchlists;

import static io.almanac.users.db.Tables.WATCHLIST_ITEMS;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;

/**
 * Watchlists in PostgreSQL (table {@code users.watchlist_items}), through jOOQ. Series ids are kept as sent: the
 * financial subgraph owns series and resolves them as entities.
 */
@Repository
public class WatchlistRepository {

  private final DSLContext db;

  public WatchlistRepository(DSLContext db) {
    this.db = db;
  }

  /** Adds a series to a watchlist; adding it again changes nothing (its first position stays). */
  public void add(long userId, String seriesId) {
    db.insertInto(WATCHLIST_ITEMS)
        .set(WATCHLIST_ITEMS.USER_ID, userId)
        .set(WATCHLIST_ITEMS.SERIES_ID, seriesId)
        .onConflictDoNothing()
        .execute();
  }

  /** Removes a series from a watchlist; removing an absent one changes nothing. */
  public void remove(long userId, String seriesId) {
    db.deleteFrom(WATCHLIST_ITEMS)
        .where(WATCHLIST_ITEMS.USER_ID.eq(userId).and(WATCHLIST_ITEMS.SERIES_ID.eq(seriesId)))
        .execute();
  }

  /**
   * Watchlists of the given users in the order series were added, one query for all of them.
   *
   * @return a list per requested user id, empty for users without items (or without a row)
   */
  public Map<Long, List<String>> watchlists(Collection<Long> userIds) {
    Map<Long, List<String>> lists = new HashMap<>();
    userIds.forEach(id -> lists.put(id, new ArrayList<>()));
    db.select(WATCHLIST_ITEMS.USER_ID, WATCHLIST_ITEMS.SERIES_ID)
        .from(WATCHLIST_ITEMS)
        .where(WATCHLIST_ITEMS.USER_ID.in(userIds))
        .orderBy(WATCHLIST_ITEMS.USER_ID, WATCHLIST_ITEMS.ADDED_AT, WATCHLIST_ITEMS.SERIES_ID)
        .forEach(r -> lists.get(r.value1()).add(r.value2()));
    return lists;
  }
}
