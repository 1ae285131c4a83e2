package io.almanac.users;

import static io.almanac.users.db.Tables.USERS_;
import static io.almanac.users.db.Tables.WATCHLIST_ITEMS;

import io.almanac.users.db.tables.records.UsersRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/** Users and watchlists in PostgreSQL (schema {@code users}), through jOOQ. */
@Repository
public class UserRepository {

  private final DSLContext db;

  public UserRepository(DSLContext db) {
    this.db = db;
  }

  public boolean emailTaken(String email) {
    return db.fetchExists(USERS_, DSL.lower(USERS_.EMAIL).eq(email.toLowerCase()));
  }

  public User create(String email, String displayName, String role) {
    return map(db.insertInto(USERS_)
        .set(USERS_.EMAIL, email)
        .set(USERS_.DISPLAY_NAME, displayName)
        .set(USERS_.ROLE, role)
        .returning()
        .fetchOne());
  }

  public Optional<User> find(long id) {
    return db.selectFrom(USERS_).where(USERS_.ID.eq(id)).fetchOptional().map(UserRepository::map);
  }

  public Optional<User> findByEmail(String email) {
    return db.selectFrom(USERS_).where(DSL.lower(USERS_.EMAIL).eq(email.toLowerCase())).fetchOptional()
        .map(UserRepository::map);
  }

  public List<User> findAll(Collection<Long> ids) {
    return db.selectFrom(USERS_).where(USERS_.ID.in(ids)).fetch(UserRepository::map);
  }

  public List<User> page(long afterId, int limit) {
    return db.selectFrom(USERS_).where(USERS_.ID.gt(afterId)).orderBy(USERS_.ID).limit(limit).fetch(UserRepository::map);
  }

  public void addToWatchlist(long userId, String seriesId) {
    db.insertInto(WATCHLIST_ITEMS)
        .set(WATCHLIST_ITEMS.USER_ID, userId)
        .set(WATCHLIST_ITEMS.SERIES_ID, seriesId)
        .onConflictDoNothing()
        .execute();
  }

  public void removeFromWatchlist(long userId, String seriesId) {
    db.deleteFrom(WATCHLIST_ITEMS)
        .where(WATCHLIST_ITEMS.USER_ID.eq(userId).and(WATCHLIST_ITEMS.SERIES_ID.eq(seriesId)))
        .execute();
  }

  /** Watchlists of the given users in the order series were added; one query for all of them. */
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

  private static User map(UsersRecord r) {
    return new User(String.valueOf(r.getId()), r.getEmail(), r.getDisplayName(), r.getRole(), r.getCreatedAt());
  }
}
