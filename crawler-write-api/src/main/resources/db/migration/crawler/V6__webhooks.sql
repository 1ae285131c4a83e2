-- Webhooks (issue 17). The signing secret is stored as is: Almanac must compute HMACs with it, so a hash
-- cannot serve; it authenticates Almanac to the receiver and grants nothing in Almanac (see WebhookService).
CREATE TABLE webhooks (
  id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  url                  TEXT NOT NULL,
  events               TEXT[] NOT NULL,
  series_ids           BIGINT[],
  release_id           BIGINT REFERENCES releases (id) ON DELETE CASCADE,
  provider_id          BIGINT REFERENCES providers (id) ON DELETE CASCADE,
  secret               TEXT NOT NULL,
  created_by           TEXT,
  created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  enabled              BOOLEAN NOT NULL DEFAULT TRUE,
  consecutive_failures INT NOT NULL DEFAULT 0
);

-- The outbox and delivery log: a row per event per matching webhook, inserted in the transaction that
-- records the event (a batch DONE, a run finished), so an event whose record committed is delivered even
-- when the process stops before sending it. The worker leases a due row by moving next_attempt_at past the
-- request timeout (FOR UPDATE SKIP LOCKED: several processes share the work), so a lease a crash abandoned
-- is retried once it runs out.
CREATE TABLE webhook_deliveries (
  id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Sent as X-Almanac-Delivery, the same on every attempt: receivers drop a delivery id seen before.
  delivery_id     UUID NOT NULL UNIQUE,
  webhook_id      BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event           TEXT NOT NULL,
  payload         JSONB NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
  attempts        INT NOT NULL DEFAULT 0,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  last_attempt_at TIMESTAMPTZ,
  delivered_at    TIMESTAMPTZ,
  response_status INT,
  error           TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, id DESC);
