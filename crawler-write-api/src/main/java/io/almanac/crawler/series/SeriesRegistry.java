package io.almanac.crawler.series;

import static io.almanac.crawler.db.Tables.PROVIDERS;
import static io.almanac.crawler.db.Tables.SERIES_KEYS;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/** Series ids, allocated in PostgreSQL so that concurrent writers agree on them. */
@Repository
public class SeriesRegistry implements SeriesLookup {

  private final DSLContext db;

  public SeriesRegistry(DSLContext db) {
    this.db = db;
  }

  /** The id of each key, allocating ids for keys seen for the first time. */
  public Map<SeriesKey, Long> idsFor(List<SeriesKey> keys) {
    if (keys.isEmpty()) {
      return new HashMap<>();
    }
    var insert = db.insertInto(SERIES_KEYS, SERIES_KEYS.PROVIDER_ID, SERIES_KEYS.EXTERNAL_ID);
    for (SeriesKey key : keys) {
      insert = insert.values(key.providerId(), key.externalId());
    }
    insert.onConflictDoNothing().execute();
    return find(keys);
  }

  @Override
  public Map<SeriesKey, Long> find(Collection<SeriesKey> keys) {
    Map<SeriesKey, Long> ids = new HashMap<>();
    if (keys.isEmpty()) {
      return ids;
    }
    List<Condition> wanted = new ArrayList<>(keys.size());
    for (SeriesKey key : keys) {
      wanted.add(SERIES_KEYS.PROVIDER_ID.eq(key.providerId()).and(SERIES_KEYS.EXTERNAL_ID.eq(key.externalId())));
    }
    db.select(SERIES_KEYS.ID, SERIES_KEYS.PROVIDER_ID, SERIES_KEYS.EXTERNAL_ID)
        .from(SERIES_KEYS)
        .where(DSL.row(SERIES_KEYS.PROVIDER_ID, SERIES_KEYS.EXTERNAL_ID).in(
            keys.stream().map(k -> DSL.row(k.providerId(), k.externalId())).toList()))
        .forEach(r -> ids.put(new SeriesKey(r.value2(), r.value3()), r.value1()));
    return ids;
  }

  @Override
  public Map<Long, SeriesKey> existing(Collection<Long> ids) {
    Map<Long, SeriesKey> found = new HashMap<>();
    if (ids.isEmpty()) {
      return found;
    }
    db.select(SERIES_KEYS.ID, SERIES_KEYS.PROVIDER_ID, SERIES_KEYS.EXTERNAL_ID)
        .from(SERIES_KEYS)
        .where(SERIES_KEYS.ID.in(new HashSet<>(ids)))
        .forEach(r -> found.put(r.value1(), new SeriesKey(r.value2(), r.value3())));
    return found;
  }

  /** Ids of every series of a provider. */
  public Map<Long, SeriesKey> ofProvider(long providerId) {
    Map<Long, SeriesKey> found = new HashMap<>();
    db.select(SERIES_KEYS.ID, SERIES_KEYS.EXTERNAL_ID).from(SERIES_KEYS).where(SERIES_KEYS.PROVIDER_ID.eq(providerId))
        .forEach(r -> found.put(r.value1(), new SeriesKey(providerId, r.value2())));
    return found;
  }

  public int delete(Collection<Long> ids) {
    return ids.isEmpty() ? 0 : db.deleteFrom(SERIES_KEYS).where(SERIES_KEYS.ID.in(ids)).execute();
  }

  /** Provider ids among {@code ids} that exist. */
  public Set<Long> existingProviders(Collection<Long> ids) {
    if (ids.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(db.select(PROVIDERS.ID).from(PROVIDERS).where(PROVIDERS.ID.in(new HashSet<>(ids)))
        .fetch(PROVIDERS.ID));
  }
}
