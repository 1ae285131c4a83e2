-- Keys that expire and rotate (issue 15). A rotation gives a key a new secret under the same id and prefix; the
-- previous secret's hash is kept with the instant it stops working, so a holder can switch without downtime.
-- Only one previous secret is kept: rotating again ends the older one's overlap.
ALTER TABLE api_keys
  ADD COLUMN expires_at             TIMESTAMPTZ,
  ADD COLUMN rotated_at             TIMESTAMPTZ,
  ADD COLUMN previous_salt          BYTEA,
  ADD COLUMN previous_secret_hash   BYTEA,
  ADD COLUMN previous_valid_until   TIMESTAMPTZ;

-- Users signed in with an OpenID Connect identity provider, by (issuer, subject). Written only by the user
-- subgraph, which owns the users and creates one on first sight of a subject; every subgraph reads it to
-- know the user id of a bearer token.
CREATE TABLE identities (
  issuer     TEXT NOT NULL,
  subject    TEXT NOT NULL,
  user_id    BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (issuer, subject)
);
CREATE INDEX identities_user ON identities (user_id);
