package io.almanac.crawler.ingest;

/** Why a point (or, with a null index, the whole batch) was not written. */
public record PointError(Integer index, String code, String message) {

  static PointError batch(String code, String message) {
    return new PointError(null, code, message);
  }
}
