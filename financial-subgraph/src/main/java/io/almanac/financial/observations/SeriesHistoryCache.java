package io.almanac.financial.observations;

import io.almanac.store.SeriesHistory;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Least-recently-used series histories, bounded by their total number of rows, all valid at one
 * observations snapshot. Moving to a newer snapshot evicts only the series whose ids fall in the
 * ranges that snapshot's new files cover; compactions evict nothing.
 */
final class SeriesHistoryCache {

  private final long maxRows;
  private final LinkedHashMap<Long, SeriesHistory> entries = new LinkedHashMap<>(256, 0.75f, true);
  private long rows;
  private long snapshotId = Long.MIN_VALUE;

  SeriesHistoryCache(long maxRows) {
    this.maxRows = maxRows;
  }

  synchronized long snapshotId() {
    return snapshotId;
  }

  /**
   * Moves the cache to {@code newSnapshot}, evicting series in {@code changed}; a null list means
   * anything may have changed.
   */
  synchronized void advance(long newSnapshot, List<long[]> changed) {
    if (changed == null) {
      entries.clear();
      rows = 0;
    } else if (!changed.isEmpty()) {
      Iterator<Map.Entry<Long, SeriesHistory>> it = entries.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<Long, SeriesHistory> entry = it.next();
        long id = entry.getKey();
        for (long[] range : changed) {
          if (id >= range[0] && id <= range[1]) {
            rows -= entry.getValue().size();
            it.remove();
            break;
          }
        }
      }
    }
    snapshotId = newSnapshot;
  }

  /** The cached history of a series, if the cache is still at {@code snapshot}. */
  synchronized SeriesHistory get(long snapshot, long seriesId) {
    return snapshot == snapshotId ? entries.get(seriesId) : null;
  }

  /** Keeps a history read at {@code readAt}, unless the cache has moved on since. */
  synchronized void put(long readAt, SeriesHistory history) {
    if (readAt != snapshotId || history.size() > maxRows) {
      return;
    }
    SeriesHistory previous = entries.put(history.seriesId(), history);
    if (previous != null) {
      rows -= previous.size();
    }
    rows += history.size();
    Iterator<Map.Entry<Long, SeriesHistory>> eldest = entries.entrySet().iterator();
    while (rows > maxRows && eldest.hasNext()) {
      rows -= eldest.next().getValue().size();
      eldest.remove();
    }
  }

  synchronized long rows() {
    return rows;
  }
}
