package io.almanac.store;

import org.apache.parquet.io.api.Binary;

/**
 * One row of the observations table as Parquet stores it: what compaction moves from the files it merges
 * to the file it writes without making a {@link org.apache.iceberg.data.Record} of each row (no
 * {@code LocalDate}, {@code OffsetDateTime} or {@code BigDecimal} per row, no conversion back).
 *
 * @param seriesId the series id
 * @param date the observed period, days since 1970-01-01
 * @param revisionDate the vintage, days since 1970-01-01
 * @param value the unscaled value as 16 big-endian two's-complement bytes (decimal(38, 10)), null when missing
 * @param ingestedAt the commit stamp, microseconds since the epoch (UTC)
 * @param batchId the UTF-8 batch id, null when the row has none
 */
record EncodedObservation(long seriesId, int date, int revisionDate, Binary value, long ingestedAt, Binary batchId) {

  /** {@link ObservationLayout#ORDER} on the encoded columns: key, then stamp (the greater wins). */
  static int compare(EncodedObservation a, EncodedObservation b) {
    int c = Long.compare(a.seriesId, b.seriesId);
    if (c == 0) {
      c = Integer.compare(a.date, b.date);
    }
    if (c == 0) {
      c = Integer.compare(a.revisionDate, b.revisionDate);
    }
    return c != 0 ? c : Long.compare(a.ingestedAt, b.ingestedAt);
  }

  /** {@link ObservationLayout#sameKey}: same series, date and revision date. */
  boolean sameKey(EncodedObservation other) {
    return seriesId == other.seriesId && date == other.date && revisionDate == other.revisionDate;
  }
}
