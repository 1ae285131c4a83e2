package io.almanac.financial.search;

import io.almanac.store.SeriesHistory;
import io.almanac.store.TimeseriesReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What ordering and filtering by observations needs of each series (its last observation date and its last
 * write), kept current by the index's one writer thread: at the first snapshot every live series is read (in
 * chunks, its history dropped at once); at a later one only the series the new files may hold
 * ({@link TimeseriesReader#changedSeriesRanges}), or all of them when the reader cannot tell.
 */
final class ObservationSummaries {

  /** @param endDay epoch day of the last observation; @param lastIngestMicros when it was last written */
  record Summary(int endDay, long lastIngestMicros) {}

  private static final int CHUNK = 1_000;

  private final TimeseriesReader reader;
  private final Map<Long, Summary> byId = new HashMap<>();
  private long snapshot = Long.MIN_VALUE;

  ObservationSummaries(TimeseriesReader reader) {
    this.reader = reader;
  }

  /** Forgets everything: the next {@link #advance} reads every live series. */
  void reset() {
    byId.clear();
    snapshot = Long.MIN_VALUE;
  }

  Summary get(long seriesId) {
    return byId.get(seriesId);
  }

  /**
   * Moves to the current observations snapshot.
   *
   * @param live the ids of the live series
   * @return the ids whose summary may have changed
   */
  Set<Long> advance(Collection<Long> live) {
    long current = reader.observationsSnapshot();
    if (current == snapshot) {
      return Set.of();
    }
    Set<Long> changed = new HashSet<>();
    Optional<List<long[]>> ranges = snapshot == Long.MIN_VALUE || current < 0 ? Optional.empty()
        : reader.changedSeriesRanges(snapshot, current);
    for (Long id : live) {
      if (ranges.isEmpty() || covers(ranges.get(), id)) {
        changed.add(id);
      }
    }
    byId.keySet().retainAll(new HashSet<>(live));
    List<Long> toRead = new ArrayList<>(changed);
    toRead.sort(null);
    for (int from = 0; from < toRead.size(); from += CHUNK) {
      List<Long> chunk = toRead.subList(from, Math.min(toRead.size(), from + CHUNK));
      Map<Long, SeriesHistory> histories = current < 0 ? Map.of() : reader.readHistories(chunk, current);
      for (Long id : chunk) {
        SeriesHistory history = histories.get(id);
        if (history == null || history.isEmpty()) {
          byId.remove(id);
        } else {
          int end = Integer.MIN_VALUE;
          for (int row = 0; row < history.size(); row++) {
            end = Math.max(end, history.epochDay(row));
          }
          byId.put(id, new Summary(end, history.lastIngestMicros()));
        }
      }
    }
    snapshot = current;
    return changed;
  }

  private static boolean covers(List<long[]> ranges, long id) {
    for (long[] range : ranges) {
      if (id >= range[0] && id <= range[1]) {
        return true;
      }
    }
    return false;
  }
}
