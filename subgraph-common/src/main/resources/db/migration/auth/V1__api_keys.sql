-- API keys, read by every subgraph to authenticate callers; issued and revoked by the user subgraph.
-- A key is shown once: only a salted SHA-256 of its secret is kept (keys are 192 random bits, so a slow
-- password hash would add latency without adding safety). The prefix is the lookup handle.
CREATE TABLE api_keys (
  id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  prefix       TEXT NOT NULL UNIQUE,
  salt         BYTEA NOT NULL,
  secret_hash  BYTEA NOT NULL,
  user_id      BIGINT NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('VIEWER', 'CRAWLER', 'ADMIN')),
  name         TEXT NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_used_at TIMESTAMPTZ,
  revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_keys_user ON api_keys (user_id);
