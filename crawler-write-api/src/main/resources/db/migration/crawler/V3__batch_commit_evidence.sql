-- Crash recovery of batches (see BulkUpsertService). For a batch still IN_PROGRESS:
--   archive_committed / observations_committed: commits known to have happened (only ever set to true);
--   settled: true once maintenance read the tables' snapshot summaries for a batch whose writer is gone,
--     so the flags say all there is; until then expiry keeps the snapshots since attempt_started_at.
ALTER TABLE ingest_batches ADD COLUMN archive_committed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE ingest_batches ADD COLUMN observations_committed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE ingest_batches ADD COLUMN settled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE ingest_batches ADD COLUMN attempt_started_at TIMESTAMPTZ;
CREATE INDEX ingest_batches_unsettled ON ingest_batches (received_at) WHERE state = 'IN_PROGRESS' AND NOT settled;
