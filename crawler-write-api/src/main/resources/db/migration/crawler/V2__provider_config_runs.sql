-- Provider configuration and schedule (cron, validated by the API).
ALTER TABLE providers ADD COLUMN config JSONB NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(config) = 'object');
ALTER TABLE providers ADD COLUMN schedule TEXT;

-- Ingestion runs. Totals per provider (totalRuns, successRate, lastRunAt) are derived from here, never stored twice.
CREATE TABLE runs (
  id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  provider_id      BIGINT NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
  status           TEXT NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
  started_at       TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  completed_at     TIMESTAMPTZ,
  duration_ms      BIGINT,
  records_ingested BIGINT NOT NULL DEFAULT 0,
  records_failed   BIGINT NOT NULL DEFAULT 0,
  error_message    TEXT,
  parameters       JSONB,
  logs             TEXT[] NOT NULL DEFAULT '{}'
);
CREATE INDEX runs_provider_started ON runs (provider_id, started_at DESC, id DESC);
CREATE INDEX runs_running ON runs (started_at) WHERE status = 'RUNNING';

-- Series of a deleted provider go with it (force delete); the API refuses otherwise.
ALTER TABLE series_keys DROP CONSTRAINT series_keys_provider_id_fkey,
  ADD CONSTRAINT series_keys_provider_id_fkey FOREIGN KEY (provider_id) REFERENCES providers (id) ON DELETE CASCADE;
