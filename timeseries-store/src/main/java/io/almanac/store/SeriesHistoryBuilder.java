package io.almanac.store;

import java.math.BigDecimal;
import java.util.Arrays;

/** Collects the raw rows of one series in any order; {@link #build} sorts and keeps the last write per key. */
final class SeriesHistoryBuilder {

  private final long seriesId;
  private int size;
  private int[] dates = new int[64];
  private int[] revisions = new int[64];
  private long[] ingested = new long[64];
  private BigDecimal[] values = new BigDecimal[64];

  SeriesHistoryBuilder(long seriesId) {
    this.seriesId = seriesId;
  }

  void add(int date, int revision, BigDecimal value, long ingestMicros) {
    if (size == dates.length) {
      int capacity = size * 2;
      dates = Arrays.copyOf(dates, capacity);
      revisions = Arrays.copyOf(revisions, capacity);
      ingested = Arrays.copyOf(ingested, capacity);
      values = Arrays.copyOf(values, capacity);
    }
    dates[size] = date;
    revisions[size] = revision;
    ingested[size] = ingestMicros;
    values[size] = value;
    size++;
  }

  SeriesHistory build() {
    Integer[] order = new Integer[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> {
      int c = Integer.compare(dates[a], dates[b]);
      if (c == 0) {
        c = Integer.compare(revisions[a], revisions[b]);
      }
      return c != 0 ? c : Long.compare(ingested[a], ingested[b]);
    });
    int[] outDates = new int[size];
    int[] outRevisions = new int[size];
    BigDecimal[] outValues = new BigDecimal[size];
    long lastIngest = 0;
    int n = 0;
    for (int k = 0; k < size; k++) {
      int i = order[k];
      lastIngest = Math.max(lastIngest, ingested[i]);
      boolean sameKeyAsPrevious = n > 0 && outDates[n - 1] == dates[i] && outRevisions[n - 1] == revisions[i];
      // Rows of one key are ordered by ingestion time, so the later write overwrites the earlier one.
      int slot = sameKeyAsPrevious ? n - 1 : n++;
      outDates[slot] = dates[i];
      outRevisions[slot] = revisions[i];
      outValues[slot] = values[i] == null ? null : values[i].stripTrailingZeros();
    }
    return new SeriesHistory(
        seriesId, Arrays.copyOf(outDates, n), Arrays.copyOf(outRevisions, n), Arrays.copyOf(outValues, n), lastIngest);
  }
}
