package io.almanac.crawler.providers;

import static io.almanac.crawler.db.Tables.PROVIDERS;
import static io.almanac.crawler.db.Tables.RUNS;
import static io.almanac.crawler.db.Tables.SERIES_KEYS;

import io.almanac.crawler.Json;
import io.almanac.crawler.db.tables.records.ProvidersRecord;
import io.almanac.crawler.generated.DgsConstants.UPDATEPROVIDERINPUT;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/** Providers in PostgreSQL (schema {@code crawler}), through jOOQ. */
@Repository
public class ProviderRepository {

  /** Derived from runs, never stored: totals and the latest start. */
  public record RunStats(int totalRuns, int finished, int succeeded, OffsetDateTime lastRunAt) {
    public static final RunStats NONE = new RunStats(0, 0, 0, null);

    public Double successRate() {
      return finished == 0 ? null : (double) succeeded / finished;
    }
  }

  private final DSLContext db;

  public ProviderRepository(DSLContext db) {
    this.db = db;
  }

  public Provider create(String name, String type, String status, String description, Map<String, Object> config,
      String schedule) {
    return map(db.insertInto(PROVIDERS)
        .set(PROVIDERS.NAME, name)
        .set(PROVIDERS.TYPE, type)
        .set(PROVIDERS.STATUS, status)
        .set(PROVIDERS.DESCRIPTION, description)
        .set(PROVIDERS.CONFIG, Json.jsonb(config))
        .set(PROVIDERS.SCHEDULE, schedule)
        .returning()
        .fetchOne());
  }

  /** Sets the given columns (by {@code UpdateProviderInput} field name) and {@code updated_at}. */
  public Optional<Provider> update(long id, Map<String, Object> changes) {
    Map<Field<?>, Object> values = new HashMap<>();
    changes.forEach((field, value) -> {
      switch (field) {
        case UPDATEPROVIDERINPUT.Name -> values.put(PROVIDERS.NAME, value);
        case UPDATEPROVIDERINPUT.Type -> values.put(PROVIDERS.TYPE, value);
        case UPDATEPROVIDERINPUT.Status -> values.put(PROVIDERS.STATUS, value);
        case UPDATEPROVIDERINPUT.Description -> values.put(PROVIDERS.DESCRIPTION, value);
        case UPDATEPROVIDERINPUT.Config -> values.put(PROVIDERS.CONFIG, Json.jsonb(value));
        case UPDATEPROVIDERINPUT.Schedule -> values.put(PROVIDERS.SCHEDULE, value);
        default -> throw new IllegalArgumentException("Unknown provider field " + field);
      }
    });
    values.put(PROVIDERS.UPDATED_AT, OffsetDateTime.now());
    return db.update(PROVIDERS).set(values).where(PROVIDERS.ID.eq(id)).returning().fetchOptional()
        .map(ProviderRepository::map);
  }

  public boolean delete(long id) {
    return db.deleteFrom(PROVIDERS).where(PROVIDERS.ID.eq(id)).execute() == 1;
  }

  public boolean nameTaken(String name, Long exceptId) {
    Condition sameName = DSL.lower(PROVIDERS.NAME).eq(name.toLowerCase());
    return db.fetchExists(PROVIDERS, exceptId == null ? sameName : sameName.and(PROVIDERS.ID.ne(exceptId)));
  }

  public Optional<Provider> find(long id) {
    return db.selectFrom(PROVIDERS).where(PROVIDERS.ID.eq(id)).fetchOptional().map(ProviderRepository::map);
  }

  public List<Provider> findAll(Collection<Long> ids) {
    return db.selectFrom(PROVIDERS).where(PROVIDERS.ID.in(ids)).fetch(ProviderRepository::map);
  }

  /**
   * Providers with id greater than {@code afterId}, optionally of one status and whose name contains
   * {@code search} (case-insensitive; LIKE wildcards in it match literally), in id order.
   */
  public List<Provider> page(String status, String search, long afterId, int limit) {
    Condition condition = PROVIDERS.ID.gt(afterId);
    if (status != null) {
      condition = condition.and(PROVIDERS.STATUS.eq(status));
    }
    if (search != null && !search.isBlank()) {
      condition = condition.and(PROVIDERS.NAME.containsIgnoreCase(search.strip()));
    }
    return db.selectFrom(PROVIDERS).where(condition).orderBy(PROVIDERS.ID).limit(limit).fetch(ProviderRepository::map);
  }

  public int seriesCount(long providerId) {
    return db.fetchCount(SERIES_KEYS, SERIES_KEYS.PROVIDER_ID.eq(providerId));
  }

  /** Run statistics of many providers in one query. */
  public Map<Long, RunStats> runStats(Collection<Long> providerIds) {
    Map<Long, RunStats> stats = new HashMap<>();
    db.select(RUNS.PROVIDER_ID, DSL.count(),
            DSL.count().filterWhere(RUNS.STATUS.ne("RUNNING")),
            DSL.count().filterWhere(RUNS.STATUS.eq("SUCCEEDED")),
            DSL.max(RUNS.STARTED_AT))
        .from(RUNS)
        .where(RUNS.PROVIDER_ID.in(providerIds))
        .groupBy(RUNS.PROVIDER_ID)
        .forEach(r -> stats.put(r.value1(), new RunStats(r.value2(), r.value3(), r.value4(), r.value5())));
    return stats;
  }

  static Provider map(ProvidersRecord r) {
    return new Provider(String.valueOf(r.getId()), r.getName(), r.getType(), r.getStatus(), r.getDescription(),
        Json.object(r.getConfig()), r.getSchedule(), r.getCreatedAt(), r.getUpdatedAt());
  }
}
