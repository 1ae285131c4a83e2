package io.almanac.financial.observations;

import io.almanac.store.SeriesHistory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Least-recently-used series histories, bounded by their total number of rows. An entry is valid only
 * for the observations snapshot it was read at: a newer snapshot may have added rows to the series.
 */
final class SeriesHistoryCache {

  private record Entry(long snapshotId, SeriesHistory history) {}

  private final long maxRows;
  private final LinkedHashMap<Long, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);
  private long rows;

  SeriesHistoryCache(long maxRows) {
    this.maxRows = maxRows;
  }

  synchronized SeriesHistory get(long seriesId, long snapshotId) {
    Entry entry = entries.get(seriesId);
    return entry != null && entry.snapshotId() == snapshotId ? entry.history() : null;
  }

  synchronized void put(long snapshotId, SeriesHistory history) {
    if (history.size() > maxRows) {
      return;
    }
    Entry previous = entries.put(history.seriesId(), new Entry(snapshotId, history));
    if (previous != null) {
      rows -= previous.history().size();
    }
    rows += history.size();
    var eldest = entries.entrySet().iterator();
    while (rows > maxRows && eldest.hasNext()) {
      Map.Entry<Long, Entry> evicted = eldest.next();
      rows -= evicted.getValue().history().size();
      eldest.remove();
    }
  }

  synchronized long rows() {
    return rows;
  }
}
