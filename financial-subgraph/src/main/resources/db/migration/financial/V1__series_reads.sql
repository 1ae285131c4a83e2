-- Reads of each series through the API per UTC day, for searchSeries' POPULARITY order (the last 30 days).
-- Written by the financial subgraph in batches (SeriesReadCounts); rows older than 31 days are deleted.
CREATE TABLE series_reads (
  series_id BIGINT NOT NULL,
  day DATE NOT NULL,
  reads BIGINT NOT NULL,
  PRIMARY KEY (series_id, day)
);
CREATE INDEX series_reads_day ON series_reads (day);
