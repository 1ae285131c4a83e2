package io.almanac.crawler.ingest;

/**
 * Why a point, or the whole batch, was not written: the one list of {@code PointError.code} values (a
 * String in the schema, the constant's name on the wire). The README's point-error table is checked
 * against it.
 */
public enum PointErrorCode {
  EMPTY_BATCH("the batch has no points; nothing written (index null)"),
  BATCH_TOO_LARGE("the batch has more than almanac.ingest.max-points points; nothing written (index null); an HTTP"
      + " upload is read only that far, and its first max-points points are archived"),
  ATOMIC_BATCH_FAILED("valid points of an atomic batch not written because others failed (index null)"),
  MISSING_SERIES("neither seriesId nor providerId + externalId"),
  UNKNOWN_SERIES("no such series"),
  SERIES_MISMATCH("seriesId and providerId + externalId name different series"),
  INVALID_DATE("date is missing or not an ISO yyyy-MM-dd date (including 2024-02-30)"),
  INVALID_REVISION_DATE("revisionDate is not an ISO yyyy-MM-dd date"),
  INVALID_VALUE("value is not a decimal, or has more than 10 fractional or 28 integer digits, or was sent to"
      + " GraphQL as a JSON number of more than 15 significant digits (send decimals as strings)"),
  NON_FINITE_VALUE("value is NaN or infinite"),
  DUPLICATE_KEY("same series, date and revision date as an earlier point of the batch"),
  MALFORMED_RECORD("HTTP uploads: a line or row that could not be read (quoted in the message)"),
  UNKNOWN_RUN("runId names no run; nothing written (index null)"),
  RUN_NOT_RUNNING("runId names a finished run; nothing written (index null)");

  private final String meaning;

  PointErrorCode(String meaning) {
    this.meaning = meaning;
  }

  /** What the code means, in one line. */
  public String meaning() {
    return meaning;
  }

  /** A refusal of the batch's run: the run's counts are left as they are. */
  boolean refusesRun() {
    return this == UNKNOWN_RUN || this == RUN_NOT_RUNNING;
  }
}
