package io.almanac.store;

/** Almanac's tables. */
public enum TableKind {
  OBSERVATIONS,
  SERIES,
  RAW_BATCHES
}
