package io.almanac.users;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ArrayList;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Users and watchlists in PostgreSQL (schema {@code users}). */
@Repository
public class UserRepository {

  private static final String COLUMNS = "id, email, display_name, role, created_at";

  private final JdbcClient jdbc;

  public UserRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public boolean emailTaken(String email) {
    return jdbc.sql("SELECT EXISTS (SELECT 1 FROM users.users WHERE lower(email) = lower(?))")
        .param(email).query(Boolean.class).single();
  }

  public User create(String email, String displayName, String role) {
    return jdbc.sql("INSERT INTO users.users (email, display_name, role) VALUES (?, ?, ?) RETURNING " + COLUMNS)
        .params(email, displayName, role).query(UserRepository::map).single();
  }

  public Optional<User> find(long id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM users.users WHERE id = ?").param(id)
        .query(UserRepository::map).optional();
  }

  public List<User> findAll(Collection<Long> ids) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM users.users WHERE id = ANY(?)")
        .param(ids.toArray(Long[]::new)).query(UserRepository::map).list();
  }

  public List<User> page(long afterId, int limit) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM users.users WHERE id > ? ORDER BY id LIMIT ?")
        .params(afterId, limit).query(UserRepository::map).list();
  }

  public void addToWatchlist(long userId, String seriesId) {
    jdbc.sql("INSERT INTO users.watchlist_items (user_id, series_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
        .params(userId, seriesId).update();
  }

  public void removeFromWatchlist(long userId, String seriesId) {
    jdbc.sql("DELETE FROM users.watchlist_items WHERE user_id = ? AND series_id = ?").params(userId, seriesId).update();
  }

  /** Watchlists of the given users in the order series were added; one query for all of them. */
  public Map<Long, List<String>> watchlists(Collection<Long> userIds) {
    Map<Long, List<String>> lists = new HashMap<>();
    userIds.forEach(id -> lists.put(id, new ArrayList<>()));
    jdbc.sql("""
            SELECT user_id, series_id FROM users.watchlist_items WHERE user_id = ANY(?)
            ORDER BY user_id, added_at, series_id""")
        .param(userIds.toArray(Long[]::new))
        .query((rs, row) -> Map.entry(rs.getLong(1), rs.getString(2)))
        .list()
        .forEach(e -> lists.get(e.getKey()).add(e.getValue()));
    return lists;
  }

  private static User map(ResultSet rs, int row) throws SQLException {
    return new User(String.valueOf(rs.getLong("id")), rs.getString("email"), rs.getString("display_name"),
        rs.getString("role"), rs.getObject("created_at", OffsetDateTime.class));
  }
}
