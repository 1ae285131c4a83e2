package io.almanac.crawler.series;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Series ids, allocated in PostgreSQL so that concurrent writers agree on them. */
@Repository
public class SeriesRegistry {

  private final JdbcClient jdbc;

  public SeriesRegistry(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** The id of each key, allocating ids for keys seen for the first time. */
  public Map<SeriesKey, Long> idsFor(List<SeriesKey> keys) {
    Map<SeriesKey, Long> ids = new HashMap<>();
    if (keys.isEmpty()) {
      return ids;
    }
    Long[] providers = keys.stream().map(SeriesKey::providerId).toArray(Long[]::new);
    String[] externals = keys.stream().map(SeriesKey::externalId).toArray(String[]::new);
    jdbc.sql("""
            INSERT INTO crawler.series_keys (provider_id, external_id)
            SELECT * FROM unnest(?::bigint[], ?::text[])
            ON CONFLICT (provider_id, external_id) DO NOTHING""")
        .params(providers, externals).update();
    ids.putAll(find(keys));
    return ids;
  }

  /** Ids of the keys that exist. */
  public Map<SeriesKey, Long> find(Collection<SeriesKey> keys) {
    Map<SeriesKey, Long> ids = new HashMap<>();
    if (keys.isEmpty()) {
      return ids;
    }
    Long[] providers = keys.stream().map(SeriesKey::providerId).toArray(Long[]::new);
    String[] externals = keys.stream().map(SeriesKey::externalId).toArray(String[]::new);
    jdbc.sql("""
            SELECT k.id, k.provider_id, k.external_id
            FROM crawler.series_keys k JOIN unnest(?::bigint[], ?::text[]) AS wanted(provider_id, external_id)
              ON k.provider_id = wanted.provider_id AND k.external_id = wanted.external_id""")
        .params(providers, externals)
        .query((rs, row) -> Map.entry(new SeriesKey(rs.getLong(2), rs.getString(3)), rs.getLong(1)))
        .list()
        .forEach(e -> ids.put(e.getKey(), e.getValue()));
    return ids;
  }

  /** The given ids that name a series, with their keys. */
  public Map<Long, SeriesKey> existing(Collection<Long> ids) {
    Map<Long, SeriesKey> found = new HashMap<>();
    if (ids.isEmpty()) {
      return found;
    }
    jdbc.sql("SELECT id, provider_id, external_id FROM crawler.series_keys WHERE id = ANY(?)")
        .param(new HashSet<>(ids).toArray(Long[]::new))
        .query((rs, row) -> Map.entry(rs.getLong(1), new SeriesKey(rs.getLong(2), rs.getString(3))))
        .list()
        .forEach(e -> found.put(e.getKey(), e.getValue()));
    return found;
  }

  /** Provider ids among {@code ids} that exist. */
  public Set<Long> existingProviders(Collection<Long> ids) {
    if (ids.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(jdbc.sql("SELECT id FROM crawler.providers WHERE id = ANY(?)")
        .param(new HashSet<>(ids).toArray(Long[]::new)).query(Long.class).list());
  }
}
