package io.almanac.crawler.runs;

import static io.almanac.crawler.db.Tables.RUNS;

import io.almanac.crawler.Json;
import io.almanac.crawler.db.tables.records.RunsRecord;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SortField;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/** Ingestion runs in PostgreSQL (schema {@code crawler}), through jOOQ. */
@Repository
public class RunRepository {

  /** Logs kept per run (the latest), and the longest line kept. */
  static final int MAX_LOG_LINES = 500;
  static final int MAX_LOG_LINE = 2000;

  /**
   * A keyset position: the sort value (epoch micros or duration; -1 for a running run's duration, as
   * {@link RunPageOrder#sortValue} computes it for a cursor) and the id.
   */
  public record Position(long sortValue, long id) {}

  private final DSLContext db;

  public RunRepository(DSLContext db) {
    this.db = db;
  }

  public IngestionRun start(long providerId, Object parameters) {
    return map(db.insertInto(RUNS)
        .set(RUNS.PROVIDER_ID, providerId)
        .set(RUNS.STATUS, "RUNNING")
        .set(RUNS.PARAMETERS, Json.jsonb(parameters))
        .returning()
        .fetchOne());
  }

  public Optional<IngestionRun> find(long id) {
    return db.selectFrom(RUNS).where(RUNS.ID.eq(id)).fetchOptional().map(RunRepository::map);
  }

  public List<IngestionRun> findAll(Collection<Long> ids) {
    return db.selectFrom(RUNS).where(RUNS.ID.in(ids)).fetch(RunRepository::map);
  }

  /**
   * Ends a RUNNING run; empty when it was not RUNNING (finished concurrently or before). Logs are
   * appended and trimmed to the latest {@link #MAX_LOG_LINES}.
   */
  public Optional<IngestionRun> finish(long id, String status, String errorMessage, List<String> logs,
      OffsetDateTime at) {
    String[] lines = logs.stream()
        .map(l -> l.length() > MAX_LOG_LINE ? l.substring(0, MAX_LOG_LINE) : l)
        .toArray(String[]::new);
    Field<String[]> appended = DSL.field("({0} || {1}::text[])", String[].class, RUNS.LOGS, DSL.val(lines));
    Field<String[]> trimmed = DSL.field(
        "(SELECT coalesce(array_agg(line ORDER BY n), '{{}}') FROM unnest({0}) WITH ORDINALITY AS l(line, n) "
            + "WHERE n > cardinality({0}) - {1})", String[].class, appended, DSL.val(MAX_LOG_LINES));
    return db.update(RUNS)
        .set(RUNS.STATUS, status)
        .set(RUNS.COMPLETED_AT, at)
        .set(RUNS.DURATION_MS, DSL.field("(extract(epoch FROM ({0} - {1})) * 1000)::bigint", Long.class,
            DSL.val(at), RUNS.STARTED_AT))
        .set(RUNS.ERROR_MESSAGE, errorMessage)
        .set(RUNS.LOGS, trimmed)
        .where(RUNS.ID.eq(id).and(RUNS.STATUS.eq("RUNNING")))
        .returning()
        .fetchOptional()
        .map(RunRepository::map);
  }

  /** Adds an upload's counts to a run. */
  public void addRecords(long id, long ingested, long failed) {
    db.update(RUNS)
        .set(RUNS.RECORDS_INGESTED, RUNS.RECORDS_INGESTED.plus(ingested))
        .set(RUNS.RECORDS_FAILED, RUNS.RECORDS_FAILED.plus(failed))
        .where(RUNS.ID.eq(id))
        .execute();
  }

  /** Marks runs still RUNNING that started before {@code startedBefore} as FAILED; returns them. */
  public List<IngestionRun> failStale(OffsetDateTime startedBefore, OffsetDateTime now, Duration timeout) {
    return db.update(RUNS)
        .set(RUNS.STATUS, "FAILED")
        .set(RUNS.COMPLETED_AT, now)
        .set(RUNS.DURATION_MS, DSL.field("(extract(epoch FROM ({0} - {1})) * 1000)::bigint", Long.class,
            DSL.val(now), RUNS.STARTED_AT))
        .set(RUNS.ERROR_MESSAGE, "Timed out: still RUNNING " + timeout + " after it started (no finishRun)")
        .where(RUNS.STATUS.eq("RUNNING").and(RUNS.STARTED_AT.lt(startedBefore)))
        .returning()
        .fetch()
        .map(RunRepository::map);
  }

  /**
   * A page of runs in a stable keyset order: by start time or duration (running runs count as -1),
   * then id, so rows inserted meanwhile never shift or repeat a page.
   */
  public List<IngestionRun> page(Long providerId, String status, boolean byDuration, boolean ascending,
      Position after, int limit) {
    Field<Long> sort = sortValue(byDuration);
    Condition condition = DSL.noCondition();
    if (providerId != null) {
      condition = condition.and(RUNS.PROVIDER_ID.eq(providerId));
    }
    if (status != null) {
      condition = condition.and(RUNS.STATUS.eq(status));
    }
    if (after != null) {
      condition = condition.and(ascending
          ? DSL.row(sort, RUNS.ID).gt(after.sortValue(), after.id())
          : DSL.row(sort, RUNS.ID).lt(after.sortValue(), after.id()));
    }
    SortField<?>[] order = ascending
        ? new SortField<?>[] {sort.asc(), RUNS.ID.asc()}
        : new SortField<?>[] {sort.desc(), RUNS.ID.desc()};
    return db.selectFrom(RUNS).where(condition).orderBy(order).limit(limit).fetch(RunRepository::map);
  }

  private static Field<Long> sortValue(boolean byDuration) {
    return byDuration
        ? DSL.coalesce(RUNS.DURATION_MS, DSL.val(-1L))
        : DSL.field("(extract(epoch FROM {0}) * 1000000)::bigint", Long.class, RUNS.STARTED_AT);
  }

  static IngestionRun map(RunsRecord r) {
    return new IngestionRun(String.valueOf(r.getId()), r.getProviderId(), r.getStatus(), r.getStartedAt(),
        r.getCompletedAt(), r.getDurationMs(), r.getRecordsIngested(), r.getRecordsFailed(), r.getErrorMessage(),
        Json.value(r.getParameters()), r.getLogs() == null ? List.of() : Arrays.asList(r.getLogs()));
  }
}
