package io.almanac.crawler.providers;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Providers in PostgreSQL (schema {@code crawler}). */
@Repository
public class ProviderRepository {

  private final JdbcClient jdbc;

  public ProviderRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public Provider create(String name, String type, String status, String description) {
    return jdbc.sql("""
            INSERT INTO crawler.providers (name, type, status, description) VALUES (?, ?, ?, ?)
            RETURNING id, name, type, status, description, created_at""")
        .params(name, type, status, description)
        .query(ProviderRepository::map)
        .single();
  }

  public boolean nameTaken(String name) {
    return jdbc.sql("SELECT EXISTS (SELECT 1 FROM crawler.providers WHERE lower(name) = lower(?))")
        .param(name).query(Boolean.class).single();
  }

  public Optional<Provider> find(long id) {
    return jdbc.sql("SELECT id, name, type, status, description, created_at FROM crawler.providers WHERE id = ?")
        .param(id).query(ProviderRepository::map).optional();
  }

  public List<Provider> findAll(Collection<Long> ids) {
    return jdbc.sql("SELECT id, name, type, status, description, created_at FROM crawler.providers WHERE id = ANY(?)")
        .param(ids.toArray(Long[]::new)).query(ProviderRepository::map).list();
  }

  /** Providers with id greater than {@code afterId}, optionally of one status, in id order. */
  public List<Provider> page(String status, long afterId, int limit) {
    return jdbc.sql("""
            SELECT id, name, type, status, description, created_at FROM crawler.providers
            WHERE id > ? AND (CAST(? AS TEXT) IS NULL OR status = ?)
            ORDER BY id LIMIT ?""")
        .params(afterId, status, status, limit).query(ProviderRepository::map).list();
  }

  private static Provider map(ResultSet rs, int row) throws SQLException {
    return new Provider(String.valueOf(rs.getLong("id")), rs.getString("name"), rs.getString("type"),
        rs.getString("status"), rs.getString("description"), rs.getObject("created_at", OffsetDateTime.class));
  }
}
