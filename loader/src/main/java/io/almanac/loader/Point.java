package io.almanac.loader;

/**
 * One point as read from an input file: every field as text, exactly as the file had it (null when the file
 * had none), so the server validates what the file says and the rejected-rows file can quote it.
 *
 * @param record 1-based position of the point among the file's records (CSV: data rows after the header,
 *     NDJSON: non-blank lines, Parquet: rows)
 * @param malformed why the record could not be read (the other fields are then null), or null
 */
record Point(long record, String seriesId, String providerId, String externalId, String date, String value,
    String revisionDate, String malformed) {

  static Point malformed(long record, String why) {
    return new Point(record, null, null, null, null, null, null, why);
  }

  /** This point with {@code provider} as its provider when it names its series by external id alone. */
  Point withDefaultProvider(String provider) {
    if (providerId != null || externalId == null || malformed != null) {
      return this;
    }
    return new Point(record, seriesId, provider, externalId, date, value, revisionDate, null);
  }
}
