-- Releases (issue 17): a provider's named publications, their calendar, and which series each publishes.
CREATE TABLE releases (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  provider_id BIGINT NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  link        TEXT,
  notes       TEXT,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- upsertRelease finds a release by provider and name, as upsertSeries finds a series by provider and external id.
CREATE UNIQUE INDEX releases_provider_name ON releases (provider_id, lower(name));

-- A date of a release's calendar: scheduled (scheduleReleaseDates), published (an upload naming the release
-- committed a vintage of that date), or both.
CREATE TABLE release_dates (
  release_id BIGINT NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
  date       DATE NOT NULL,
  scheduled  BOOLEAN NOT NULL DEFAULT FALSE,
  published  BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (release_id, date)
);
CREATE INDEX release_dates_date ON release_dates (date, release_id);

-- Release membership of a series (SeriesInput.releaseId).
ALTER TABLE series_keys ADD COLUMN release_id BIGINT REFERENCES releases (id) ON DELETE SET NULL;
CREATE INDEX series_keys_release ON series_keys (release_id, id) WHERE release_id IS NOT NULL;

-- The updates feed (seriesUpdates): a row per committed batch per series, written in the transaction that
-- records the batch DONE, after its Iceberg commit. seq is assigned under a transaction-level advisory lock
-- taken just before the insert and held to the commit (see SeriesUpdatesLog), so seqs become visible in
-- increasing order: a poller that read up to seq N never later sees a new row below N. Not a SEQUENCE:
-- PostgreSQL hands those out at insert time, and a transaction that took a lower one may commit later.
CREATE TABLE series_updates (
  seq           BIGINT PRIMARY KEY,
  series_id     BIGINT NOT NULL REFERENCES series_keys (id) ON DELETE CASCADE,
  batch_id      TEXT NOT NULL,
  recorded_at   TIMESTAMPTZ NOT NULL,
  -- ISO text (yyyy-MM-dd, signed beyond year 9999 or before year 1, as the store accepts): a PostgreSQL date
  -- array cannot take Java's text of years before 1.
  vintage_dates TEXT[] NOT NULL
);
CREATE INDEX series_updates_recorded ON series_updates (recorded_at, seq);
