-- Provider ingestion specs (UIS documents, issue 17 item 8): every version kept, the newest is Provider.spec.
-- A version with a null spec records that the spec was cleared. Versions count from 1 per provider.
CREATE TABLE provider_spec_versions (
  provider_id BIGINT NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
  version     INT NOT NULL CHECK (version > 0),
  spec        JSONB CHECK (spec IS NULL OR jsonb_typeof(spec) = 'object'),
  created_at  TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  created_by  TEXT,
  PRIMARY KEY (provider_id, version)
);
