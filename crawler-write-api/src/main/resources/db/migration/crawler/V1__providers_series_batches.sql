-- Providers of data (crawlers, APIs, files).
CREATE TABLE providers (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        TEXT NOT NULL,
  type        TEXT NOT NULL CHECK (type IN ('API', 'DATABASE', 'FILE', 'STREAM')),
  status      TEXT NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE', 'PAUSED', 'ERROR')),
  description TEXT,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX providers_name_key ON providers (lower(name));

-- Series identity: the id every observation row carries, allocated once per (provider, external id).
-- Metadata lives in the Iceberg series table, which the financial subgraph reads.
CREATE TABLE series_keys (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  provider_id BIGINT NOT NULL REFERENCES providers (id),
  external_id TEXT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (provider_id, external_id)
);

-- One row per bulk upload: makes a re-sent batchId return the first result, and finds the batch in the raw archive.
CREATE TABLE ingest_batches (
  batch_id    TEXT PRIMARY KEY,
  received_at TIMESTAMPTZ NOT NULL,
  run_id      TEXT,
  state       TEXT NOT NULL CHECK (state IN ('IN_PROGRESS', 'DONE')),
  result      JSONB
);
