package io.almanac.crawler.ingest;

import static io.almanac.crawler.db.Tables.INGEST_BATCHES;

import io.almanac.crawler.Json;
import io.almanac.store.TableKind;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.impl.DSL;
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
      Set<TableKind> knownCommitted) {}

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

  /** Records the result; call inside the transaction that also counts the batch in its run. */
  void complete(String batchId, BulkUpsertResult result) {
    db.update(INGEST_BATCHES)
        .set(INGEST_BATCHES.STATE, "DONE")
        .set(INGEST_BATCHES.RESULT, JSONB.valueOf(Json.MAPPER.writeValueAsString(result)))
        .where(INGEST_BATCHES.BATCH_ID.eq(batchId))
        .execute();
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
            committed(r.getArchiveCommitted(), r.getObservationsCommitted())));
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
