package io.almanac.crawler.ingest;

import io.almanac.store.RawPoint;

/**
 * One point of an upload as received, from the GraphQL mutation or any HTTP format: every field is the
 * text as sent (null when absent), nothing parsed yet. After validation it carries its error.
 *
 * @param index position in the batch, from 0
 * @param malformed why the record could not be read at all (HTTP uploads), its other fields then null;
 *     null for a readable record
 * @param errorCode null until validation refuses the point (or set on receipt: a GraphQL number that may
 *     have been rounded)
 * @param errorMessage null until validation refuses the point
 */
public record ReceivedPoint(int index, String seriesId, String providerId, String externalId, String date,
    String value, String revisionDate, String malformed, PointErrorCode errorCode, String errorMessage) {

  static ReceivedPoint of(int index, String seriesId, String providerId, String externalId, String date,
      String value, String revisionDate) {
    return new ReceivedPoint(index, seriesId, providerId, externalId, date, value, revisionDate, null, null, null);
  }

  /** A record that could not be read, and why (quoting it). */
  static ReceivedPoint malformed(int index, String reason) {
    return new ReceivedPoint(index, null, null, null, null, null, null, reason, null, null);
  }

  /** This point refused for {@code code}. */
  ReceivedPoint withError(PointErrorCode code, String message) {
    return new ReceivedPoint(index, seriesId, providerId, externalId, date, value, revisionDate, malformed, code,
        message);
  }

  /** The point as the raw archive keeps it: the text as sent and its error, if it was refused. */
  RawPoint toRawPoint() {
    return new RawPoint(index, seriesId, providerId, externalId, date, value, revisionDate,
        errorCode == null ? null : errorCode.name(), errorMessage);
  }
}
