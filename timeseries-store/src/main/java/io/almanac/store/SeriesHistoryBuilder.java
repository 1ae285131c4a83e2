package io.almanac.store;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Collects the raw rows of one series in any order; {@link #build} sorts and keeps the last write per
 * key. Values are held as unscaled longs at {@link TimeseriesTables#VALUE_SCALE}, the table's scale,
 * so a read makes no object per row; only a value too large for a long is kept as a decimal.
 */
final class SeriesHistoryBuilder {

  private final long seriesId;
  private int size;
  private int[] dates = new int[64];
  private int[] revisions = new int[64];
  private long[] ingested = new long[64];
  private long[] unscaled = new long[64];
  private final BitSet missing = new BitSet();
  /** Rows whose value does not fit {@code unscaled}; null until there is one. */
  private BigDecimal[] wide;

  SeriesHistoryBuilder(long seriesId) {
    this.seriesId = seriesId;
  }

  /** A row whose value is {@code unscaledValue / 10^VALUE_SCALE}. */
  void addUnscaled(int date, int revision, long unscaledValue, long ingestMicros) {
    int row = append(date, revision, ingestMicros);
    unscaled[row] = unscaledValue;
  }

  void addMissing(int date, int revision, long ingestMicros) {
    missing.set(append(date, revision, ingestMicros));
  }

  /** A row with any decimal value, or none (null). */
  void add(int date, int revision, BigDecimal value, long ingestMicros) {
    if (value == null) {
      addMissing(date, revision, ingestMicros);
      return;
    }
    try {
      addUnscaled(date, revision, value.setScale(TimeseriesTables.VALUE_SCALE).unscaledValue().longValueExact(),
          ingestMicros);
    } catch (ArithmeticException tooWide) {
      int row = append(date, revision, ingestMicros);
      if (wide == null) {
        wide = new BigDecimal[dates.length];
      }
      wide[row] = value;
    }
  }

  private int append(int date, int revision, long ingestMicros) {
    if (size == dates.length) {
      int capacity = size * 2;
      dates = Arrays.copyOf(dates, capacity);
      revisions = Arrays.copyOf(revisions, capacity);
      ingested = Arrays.copyOf(ingested, capacity);
      unscaled = Arrays.copyOf(unscaled, capacity);
      if (wide != null) {
        wide = Arrays.copyOf(wide, capacity);
      }
    }
    dates[size] = date;
    revisions[size] = revision;
    ingested[size] = ingestMicros;
    return size++;
  }

  SeriesHistory build() {
    int[] order = inKeyOrder() ? null : sortedOrder();
    int[] outDates = new int[size];
    int[] outRevisions = new int[size];
    long[] outUnscaled = new long[size];
    BigDecimal[] outWide = wide == null ? null : new BigDecimal[size];
    BitSet outMissing = new BitSet(size);
    long lastIngest = 0;
    int n = 0;
    for (int k = 0; k < size; k++) {
      int i = order == null ? k : order[k];
      lastIngest = Math.max(lastIngest, ingested[i]);
      boolean sameKeyAsPrevious = n > 0 && outDates[n - 1] == dates[i] && outRevisions[n - 1] == revisions[i];
      // Rows of one key are ordered by ingestion time, so the later write overwrites the earlier one.
      int slot = sameKeyAsPrevious ? n - 1 : n++;
      outDates[slot] = dates[i];
      outRevisions[slot] = revisions[i];
      outUnscaled[slot] = unscaled[i];
      outMissing.set(slot, missing.get(i));
      if (outWide != null) {
        outWide[slot] = wide[i];
      }
    }
    int[] keptDates = Arrays.copyOf(outDates, n);
    int[] keptRevisions = Arrays.copyOf(outRevisions, n);
    if (outWide == null) {
      return SeriesHistory.ofUnscaled(seriesId, keptDates, keptRevisions, Arrays.copyOf(outUnscaled, n), outMissing,
          lastIngest);
    }
    BigDecimal[] values = new BigDecimal[n];
    for (int i = 0; i < n; i++) {
      BigDecimal value = outMissing.get(i) ? null
          : outWide[i] != null ? outWide[i] : BigDecimal.valueOf(outUnscaled[i], TimeseriesTables.VALUE_SCALE);
      values[i] = value == null ? null : value.stripTrailingZeros();
    }
    return SeriesHistory.ofValues(seriesId, keptDates, keptRevisions, values, lastIngest);
  }

  /** True when rows came in (date, revision, ingestion) order, as a read of one sorted file yields them. */
  private boolean inKeyOrder() {
    for (int i = 1; i < size; i++) {
      if (compare(i - 1, i) > 0) {
        return false;
      }
    }
    return true;
  }

  private int[] sortedOrder() {
    Integer[] order = new Integer[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    Arrays.sort(order, this::compare);
    return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
  }

  private int compare(int a, int b) {
    int c = Integer.compare(dates[a], dates[b]);
    if (c == 0) {
      c = Integer.compare(revisions[a], revisions[b]);
    }
    return c != 0 ? c : Long.compare(ingested[a], ingested[b]);
  }
}
