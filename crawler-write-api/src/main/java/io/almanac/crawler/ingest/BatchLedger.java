package io.almanac.crawler.ingest;

import static io.almanac.crawler.db.Tables.INGEST_BATCHES;
import static io.almanac.crawler.db.Tables.RUNS;
import static io.almanac.crawler.db.Tables.SERIES_KEYS;

import io.almanac.crawler.Json;
import io.almanac.crawler.db.tables.records.IngestBatchesRecord;
import io.almanac.store.BatchRetraction;
import io.almanac.store.TableKind;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.JSONB;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.springframework.stereotype.Repository;

/**
 * Which batches were received, when, and what came of them (PostgreSQL, schema {@code crawler}). A
 * row is written only by the holder of the batch's claim ({@link BatchClaims}): {@code IN_PROGRESS}
 * while a process writes it (or after that process stopped, until a retry completes it), then
 * {@code DONE} with the result.
 */
@Repository
class BatchLedger {

  /**
   * @param knownCommitted for an IN_PROGRESS batch: the tables known to hold its commits, as
   *     maintenance read them from the tables after its writer stopped (see {@link #settle})
   */
  record Entry(String batchId, OffsetDateTime receivedAt, String runId, boolean done, BulkUpsertResult result,
      Set<TableKind> knownCommitted, Retraction retraction) {

    boolean retracted() {
      return retraction != null;
    }
  }

  /**
   * The mark of a retracted batch.
   *
   * @param counts null while the retraction is unfinished (marked, store not yet known to be changed)
   */
  record Retraction(OffsetDateTime at, String by, String reason, BatchRetraction.Result counts) {}

  /** A batch that wrote rows of some of the asked series: where to find it in the archive, and its stamp. */
  record Writer(String batchId, OffsetDateTime receivedAt, OffsetDateTime ingestedAt) {}

  private final DSLContext db;

  BatchLedger(DSLContext db) {
    this.db = db;
  }

  /** Records a new batch as IN_PROGRESS; the caller holds its claim and found no entry. */
  void start(String batchId, OffsetDateTime receivedAt, String runId) {
    db.insertInto(INGEST_BATCHES)
        .set(INGEST_BATCHES.BATCH_ID, batchId)
        .set(INGEST_BATCHES.RECEIVED_AT, receivedAt)
        .set(INGEST_BATCHES.RUN_ID, runId)
        .set(INGEST_BATCHES.STATE, "IN_PROGRESS")
        .set(INGEST_BATCHES.ATTEMPT_STARTED_AT, receivedAt)
        .execute();
  }

  /** A new attempt at an IN_PROGRESS batch begins (by the holder of its claim): unsettled again. */
  void restart(String batchId, OffsetDateTime now) {
    db.update(INGEST_BATCHES)
        .set(INGEST_BATCHES.SETTLED, false)
        .set(INGEST_BATCHES.ATTEMPT_STARTED_AT, now)
        .where(INGEST_BATCHES.BATCH_ID.eq(batchId).and(INGEST_BATCHES.STATE.eq("IN_PROGRESS")))
        .execute();
  }

  /**
   * Records the result; call inside the transaction that also counts the batch in its run.
   *
   * @param ingestedAt the stamp of the batch's observation rows, null when unknown or none were written
   * @param seriesIds the series it wrote rows of
   */
  void complete(String batchId, BulkUpsertResult result, OffsetDateTime ingestedAt, Collection<Long> seriesIds) {
    db.update(INGEST_BATCHES)
        .set(INGEST_BATCHES.STATE, "DONE")
        .set(INGEST_BATCHES.RESULT, JSONB.valueOf(Json.MAPPER.writeValueAsString(result)))
        .set(INGEST_BATCHES.INGESTED_AT, ingestedAt)
        .set(INGEST_BATCHES.SERIES_IDS, seriesIds.isEmpty() ? null : seriesIds.toArray(Long[]::new))
        .where(INGEST_BATCHES.BATCH_ID.eq(batchId))
        .execute();
  }

  /**
   * Where a batch came from, for {@code ObservationSource}: when it was received, the run it named, and
   * its provider (the run's; else the one provider of every series it wrote; else null).
   */
  record Source(String batchId, OffsetDateTime receivedAt, Long runId, Long providerId) {}

  /** The sources of the given batches in one query; batches not in the ledger are absent. */
  Map<String, Source> sources(Collection<String> batchIds) {
    Field<Long[]> seriesProviders = DSL.field(DSL.select(DSL.arrayAggDistinct(SERIES_KEYS.PROVIDER_ID))
        .from(SERIES_KEYS).where(SERIES_KEYS.ID.eq(DSL.any(INGEST_BATCHES.SERIES_IDS))));
    Map<String, Source> found = new java.util.HashMap<>();
    db.select(INGEST_BATCHES.BATCH_ID, INGEST_BATCHES.RECEIVED_AT, RUNS.ID, RUNS.PROVIDER_ID, seriesProviders)
        .from(INGEST_BATCHES)
        .leftJoin(RUNS).on(RUNS.ID.cast(SQLDataType.VARCHAR).eq(INGEST_BATCHES.RUN_ID))
        .where(INGEST_BATCHES.BATCH_ID.in(batchIds))
        .forEach(r -> {
          Long[] providers = r.value5();
          Long provider = r.value4() != null ? r.value4()
              : providers != null && providers.length == 1 ? providers[0] : null;
          found.put(r.value1(), new Source(r.value1(), r.value2(), r.value3(), provider));
        });
    return found;
  }

  /** Marks a DONE batch retracted (counts unknown yet); the caller holds its claim. */
  void markRetracted(String batchId, OffsetDateTime at, String by, String reason) {
    db.update(INGEST_BATCHES)
        .set(INGEST_BATCHES.RETRACTED_AT, at)
        .set(INGEST_BATCHES.RETRACTED_BY, by)
        .set(INGEST_BATCHES.RETRACTION_REASON, reason)
        .where(INGEST_BATCHES.BATCH_ID.eq(batchId).and(INGEST_BATCHES.STATE.eq("DONE")))
        .execute();
  }

  /** The series a batch wrote rows of that still exist (deleted ones left out), in id order. */
  List<Long> seriesOf(String batchId) {
    Long[] written = db.select(INGEST_BATCHES.SERIES_IDS).from(INGEST_BATCHES)
        .where(INGEST_BATCHES.BATCH_ID.eq(batchId)).fetchOptional(INGEST_BATCHES.SERIES_IDS).orElse(null);
    if (written == null || written.length == 0) {
      return List.of();
    }
    return db.select(SERIES_KEYS.ID).from(SERIES_KEYS).where(SERIES_KEYS.ID.in(written)).orderBy(SERIES_KEYS.ID)
        .fetch(SERIES_KEYS.ID);
  }

  /** Records what the retraction of a marked batch did: it is then finished. */
  void recordRetraction(String batchId, BatchRetraction.Result counts) {
    db.update(INGEST_BATCHES)
        .set(INGEST_BATCHES.OBSERVATIONS_REMOVED, counts.observationsRemoved())
        .set(INGEST_BATCHES.KEYS_RESTORED, counts.keysRestored())
        .set(INGEST_BATCHES.KEYS_RESTORED_FROM_ARCHIVE, counts.keysRestoredFromArchive())
        .set(INGEST_BATCHES.FILES_REWRITTEN, counts.filesRewritten())
        .where(INGEST_BATCHES.BATCH_ID.eq(batchId))
        .execute();
  }

  /**
   * Batches not retracted that wrote rows of a series of {@code afterBySeries} and were committed
   * strictly after that series' instant (a null instant: from the first) and strictly before
   * {@code before}; latest first. Batches whose stamp is unknown are not among them (see the V4
   * migration). Bounding each series by its own instant keeps a retraction that overwrote keys of
   * many series from reading the archive of every batch since the oldest of them.
   */
  List<Writer> writersBetween(Map<Long, OffsetDateTime> afterBySeries, OffsetDateTime before) {
    Long[] ids = afterBySeries.keySet().toArray(Long[]::new);
    OffsetDateTime[] afters = new OffsetDateTime[ids.length];
    for (int i = 0; i < ids.length; i++) {
      afters[i] = afterBySeries.get(ids[i]);
    }
    Table<?> asked = DSL.table("unnest({0}, {1}) AS asked(series_id, after)",
        DSL.val(ids, SQLDataType.BIGINT.array()), DSL.val(afters, SQLDataType.TIMESTAMPWITHTIMEZONE.array()));
    Field<Long> seriesId = DSL.field(DSL.name("asked", "series_id"), Long.class);
    Field<OffsetDateTime> after = DSL.field(DSL.name("asked", "after"), OffsetDateTime.class);
    return db.selectDistinct(INGEST_BATCHES.BATCH_ID, INGEST_BATCHES.RECEIVED_AT, INGEST_BATCHES.INGESTED_AT)
        .from(INGEST_BATCHES)
        .join(asked).on(DSL.condition("{0} @> ARRAY[{1}]::bigint[]", INGEST_BATCHES.SERIES_IDS, seriesId)
            .and(after.isNull().or(INGEST_BATCHES.INGESTED_AT.gt(after))))
        .where(INGEST_BATCHES.INGESTED_AT.lt(before)
            .and(INGEST_BATCHES.RETRACTED_AT.isNull())
            .and(INGEST_BATCHES.STATE.eq("DONE")))
        .orderBy(INGEST_BATCHES.INGESTED_AT.desc())
        .fetch(r -> new Writer(r.value1(), r.value2(), r.value3()));
  }

  /**
   * Records which tables hold commits of an IN_PROGRESS batch whose writer is gone (adding to what was
   * known), and that nothing more is in flight.
   */
  void settle(String batchId, Set<TableKind> committed) {
    // Known commits only ever become true: a flag set earlier stays even if its snapshot has expired.
    db.update(INGEST_BATCHES)
        .set(INGEST_BATCHES.ARCHIVE_COMMITTED, committed.contains(TableKind.RAW_BATCHES)
            ? DSL.inline(true) : INGEST_BATCHES.ARCHIVE_COMMITTED)
        .set(INGEST_BATCHES.OBSERVATIONS_COMMITTED, committed.contains(TableKind.OBSERVATIONS)
            ? DSL.inline(true) : INGEST_BATCHES.OBSERVATIONS_COMMITTED)
        .set(INGEST_BATCHES.SETTLED, true)
        .where(INGEST_BATCHES.BATCH_ID.eq(batchId).and(INGEST_BATCHES.STATE.eq("IN_PROGRESS")))
        .execute();
  }

  /** IN_PROGRESS batches not settled, oldest first, at most {@code limit}. */
  List<String> unsettled(int limit) {
    return db.select(INGEST_BATCHES.BATCH_ID).from(INGEST_BATCHES)
        .where(INGEST_BATCHES.STATE.eq("IN_PROGRESS").and(INGEST_BATCHES.SETTLED.isFalse()))
        .orderBy(INGEST_BATCHES.RECEIVED_AT)
        .limit(limit)
        .fetch(INGEST_BATCHES.BATCH_ID);
  }

  /** When the oldest attempt at an IN_PROGRESS batch not settled began. */
  Optional<OffsetDateTime> oldestUnsettled() {
    return Optional.ofNullable(db.select(DSL.min(DSL.coalesce(INGEST_BATCHES.ATTEMPT_STARTED_AT,
            INGEST_BATCHES.RECEIVED_AT))).from(INGEST_BATCHES)
        .where(INGEST_BATCHES.STATE.eq("IN_PROGRESS").and(INGEST_BATCHES.SETTLED.isFalse()))
        .fetchOne(0, OffsetDateTime.class));
  }

  Optional<Entry> find(String batchId) {
    return db.selectFrom(INGEST_BATCHES).where(INGEST_BATCHES.BATCH_ID.eq(batchId)).fetchOptional()
        .map(r -> new Entry(r.getBatchId(), r.getReceivedAt(), r.getRunId(), "DONE".equals(r.getState()),
            r.getResult() == null ? null : Json.MAPPER.readValue(r.getResult().data(), BulkUpsertResult.class),
            committed(r.getArchiveCommitted(), r.getObservationsCommitted()), retraction(r)));
  }

  private static Retraction retraction(IngestBatchesRecord r) {
    if (r.getRetractedAt() == null) {
      return null;
    }
    BatchRetraction.Result counts = r.getObservationsRemoved() == null ? null : new BatchRetraction.Result(
        r.getObservationsRemoved(), r.getKeysRestored(), r.getKeysRestoredFromArchive(), r.getFilesRewritten(), -1);
    return new Retraction(r.getRetractedAt(), r.getRetractedBy(), r.getRetractionReason(), counts);
  }

  private static Set<TableKind> committed(boolean archive, boolean observations) {
    Set<TableKind> tables = EnumSet.noneOf(TableKind.class);
    if (archive) {
      tables.add(TableKind.RAW_BATCHES);
    }
    if (observations) {
      tables.add(TableKind.OBSERVATIONS);
    }
    return tables;
  }
}
