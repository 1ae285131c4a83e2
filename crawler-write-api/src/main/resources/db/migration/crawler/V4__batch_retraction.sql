-- Retraction of batches (see BatchRetractionService).
-- What finding a key's earlier write needs (set when a batch is recorded DONE):
--   ingested_at: the one stamp the batch's observation rows carry, i.e. its place in commit order; null
--     when it wrote no rows (or none is left in the table when a retry completes it);
--   series_ids: the series the batch wrote rows of.
-- The mark (the batch and its id stay; an upload re-sending the id is refused):
--   retracted_at, retracted_by (user id), retraction_reason: set before the store is changed;
--   observations_removed, keys_restored, keys_restored_from_archive, files_rewritten: set once the
--     store's commit is made; null while the retraction is unfinished (a retry of retractBatch completes it).
ALTER TABLE ingest_batches ADD COLUMN ingested_at TIMESTAMPTZ;
ALTER TABLE ingest_batches ADD COLUMN series_ids BIGINT[];
ALTER TABLE ingest_batches ADD COLUMN retracted_at TIMESTAMPTZ;
ALTER TABLE ingest_batches ADD COLUMN retracted_by TEXT;
ALTER TABLE ingest_batches ADD COLUMN retraction_reason TEXT;
ALTER TABLE ingest_batches ADD COLUMN observations_removed BIGINT;
ALTER TABLE ingest_batches ADD COLUMN keys_restored INT;
ALTER TABLE ingest_batches ADD COLUMN keys_restored_from_archive INT;
ALTER TABLE ingest_batches ADD COLUMN files_rewritten INT;
CREATE INDEX ingest_batches_series ON ingest_batches USING gin (series_ids) WHERE retracted_at IS NULL;
