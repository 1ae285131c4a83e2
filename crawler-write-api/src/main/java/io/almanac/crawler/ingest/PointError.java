package io.almanac.crawler.ingest;

import io.almanac.store.RawPoint;

/**
 * Why a point (or, with a null index, the whole batch) was not written. Hand-written: its code is the
 * {@link PointErrorCode} enum where the generated type has the schema's String.
 */
public record PointError(Integer index, PointErrorCode code, String message) {

  /**
   * A client's text as an error message quotes it: at most {@code max} characters, then "...", with control
   * characters written as {@code \\uXXXX} (U+0000 would not survive the ledger's jsonb, and a terminal
   * reading the log should not obey them).
   */
  static String quote(String text, int max) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), max) + 8);
    for (int i = 0; i < text.length() && i < max; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return text.length() <= max ? out.toString() : out.append("...").toString();
  }

  static PointError batch(PointErrorCode code, String message) {
    return new PointError(null, code, message);
  }

  /** The archive's row for an error about the whole batch: no index, no point fields. */
  RawPoint toRawPoint() {
    return new RawPoint(null, null, null, null, null, null, null, code.name(), message);
  }
}
