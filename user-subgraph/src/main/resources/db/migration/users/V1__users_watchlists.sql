CREATE TABLE users (
  id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email        TEXT NOT NULL,
  display_name TEXT,
  role         TEXT NOT NULL CHECK (role IN ('VIEWER', 'CRAWLER', 'ADMIN')),
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- Series are referenced by id only: the financial subgraph owns them and resolves them as entities.
CREATE TABLE watchlist_items (
  user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  series_id TEXT NOT NULL,
  added_at  TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (user_id, series_id)
);
