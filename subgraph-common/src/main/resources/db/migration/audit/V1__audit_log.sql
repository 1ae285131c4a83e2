-- The audit trail: one row per mutation (GraphQL) or HTTP write, written by the subgraph that performed it
-- (every subgraph migrates this schema at start, as `auth`), served by the user subgraph's auditLog.
-- Rows are only inserted, and deleted after almanac.audit.retention.
CREATE TABLE audit_log (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  -- The caller's user; for a signed-in caller (OIDC) user-subgraph has not linked to a user yet, null and
  -- actor_subject holds the token's subject (auth.identities links it to a user later).
  actor_id    BIGINT,
  actor_subject TEXT,
  key_id      BIGINT,
  action      TEXT NOT NULL,
  target      TEXT,
  -- The arguments as received, secrets redacted and long lists replaced by their length.
  arguments   JSONB,
  -- 'OK' or the ErrorCode the caller got.
  outcome     TEXT NOT NULL,
  subgraph    TEXT NOT NULL,
  request_id  TEXT,
  CHECK (actor_id IS NOT NULL OR actor_subject IS NOT NULL)
);
-- auditLog pages newest first by id, optionally per actor or per action; since/until and the retention
-- delete use `at`.
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_subject ON audit_log (actor_subject, id) WHERE actor_subject IS NOT NULL;
CREATE INDEX audit_log_at ON audit_log (at);
