package io.almanac.crawler.ingest;

import java.time.OffsetDateTime;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** Which batches were received, when, and what came of them (PostgreSQL, schema {@code crawler}). */
@Repository
class BatchLedger {

  record Entry(String batchId, OffsetDateTime receivedAt, String runId, boolean done, BulkUpsertResult result) {}

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final JdbcClient jdbc;

  BatchLedger(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Claims a batch id; empty when it was claimed before (see {@link #find}). */
  boolean claim(String batchId, OffsetDateTime receivedAt, String runId) {
    return jdbc.sql("""
            INSERT INTO crawler.ingest_batches (batch_id, received_at, run_id, state) VALUES (?, ?, ?, 'IN_PROGRESS')
            ON CONFLICT (batch_id) DO NOTHING""")
        .params(batchId, receivedAt, runId).update() == 1;
  }

  void complete(String batchId, BulkUpsertResult result) {
    jdbc.sql("UPDATE crawler.ingest_batches SET state = 'DONE', result = CAST(? AS jsonb) WHERE batch_id = ?")
        .params(JSON.writeValueAsString(result), batchId).update();
  }

  /** Forgets a claim whose commit failed, so the client can retry with the same id. */
  void release(String batchId) {
    jdbc.sql("DELETE FROM crawler.ingest_batches WHERE batch_id = ? AND state = 'IN_PROGRESS'").param(batchId).update();
  }

  Optional<Entry> find(String batchId) {
    return jdbc.sql("SELECT batch_id, received_at, run_id, state, result::text FROM crawler.ingest_batches WHERE batch_id = ?")
        .param(batchId)
        .query((rs, row) -> {
          String json = rs.getString(5);
          return new Entry(rs.getString(1), rs.getObject(2, OffsetDateTime.class), rs.getString(3),
              "DONE".equals(rs.getString(4)), json == null ? null : JSON.readValue(json, BulkUpsertResult.class));
        })
        .optional();
  }
}
