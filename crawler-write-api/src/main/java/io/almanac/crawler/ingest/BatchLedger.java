package io.almanac.crawler.ingest;

import static io.almanac.crawler.db.Tables.INGEST_BATCHES;

import io.almanac.crawler.Json;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.springframework.stereotype.Repository;

/** Which batches were received, when, and what came of them (PostgreSQL, schema {@code crawler}). */
@Repository
class BatchLedger {

  record Entry(String batchId, OffsetDateTime receivedAt, String runId, boolean done, BulkUpsertResult result) {}

  private final DSLContext db;

  BatchLedger(DSLContext db) {
    this.db = db;
  }

  /** Claims a batch id; false when it was claimed before (see {@link #find}). */
  boolean claim(String batchId, OffsetDateTime receivedAt, String runId) {
    return db.insertInto(INGEST_BATCHES)
        .set(INGEST_BATCHES.BATCH_ID, batchId)
        .set(INGEST_BATCHES.RECEIVED_AT, receivedAt)
        .set(INGEST_BATCHES.RUN_ID, runId)
        .set(INGEST_BATCHES.STATE, "IN_PROGRESS")
        .onConflictDoNothing()
        .execute() == 1;
  }

  void complete(String batchId, BulkUpsertResult result) {
    db.update(INGEST_BATCHES)
        .set(INGEST_BATCHES.STATE, "DONE")
        .set(INGEST_BATCHES.RESULT, JSONB.valueOf(Json.MAPPER.writeValueAsString(result)))
        .where(INGEST_BATCHES.BATCH_ID.eq(batchId))
        .execute();
  }

  /** Forgets a claim whose commit failed, so the client can retry with the same id. */
  void release(String batchId) {
    db.deleteFrom(INGEST_BATCHES)
        .where(INGEST_BATCHES.BATCH_ID.eq(batchId).and(INGEST_BATCHES.STATE.eq("IN_PROGRESS")))
        .execute();
  }

  Optional<Entry> find(String batchId) {
    return db.selectFrom(INGEST_BATCHES).where(INGEST_BATCHES.BATCH_ID.eq(batchId)).fetchOptional()
        .map(r -> new Entry(r.getBatchId(), r.getReceivedAt(), r.getRunId(), "DONE".equals(r.getState()),
            r.getResult() == null ? null : Json.MAPPER.readValue(r.getResult().data(), BulkUpsertResult.class)));
  }
}
