package io.almanac.crawler.ingest;

import io.almanac.store.RawPoint;

/**
 * Why a point (or, with a null index, the whole batch) was not written. Hand-written: its code is the
 * {@link PointErrorCode} enum where the generated type has the schema's String.
 */
public record PointError(Integer index, PointErrorCode code, String message) {

  static PointError batch(PointErrorCode code, String message) {
    return new PointError(null, code, message);
  }

  /** The archive's row for an error about the whole batch: no index, no point fields. */
  RawPoint toRawPoint() {
    return new RawPoint(null, null, null, null, null, null, null, code.name(), message);
  }
}
