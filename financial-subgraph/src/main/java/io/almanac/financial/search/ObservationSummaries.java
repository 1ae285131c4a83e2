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
 * chunks, its history dropped at once); when only appends (and compactions) came since, what the appended files
 * hold is folded in ({@link TimeseriesReader#appendedExtremes}: the cost of following uploads is what they wrote);
 * after a retraction or deletion only the series the changed files may hold are re-read
 * ({@link TimeseriesReader#changedSeriesRanges}), or all of them when the reader cannot tell.
 */
final class ObservationSummaries {

  /** @param endDay epoch day of the last observation; @param lastIngestMicros when it was last written */
  record Summary(int endDay, long lastIngestMicros) {}

  private static final int CHUNK = 1_000;

  private final TimeseriesReader reader;
  private final Map<Long, Summary> byId = new HashMap<>();
  /** The live series at the last advance: a series that becomes live later may hold rows no advance saw. */
  private Set<Long> known = new HashSet<>();
  private long snapshot = Long.MIN_VALUE;

  ObservationSummaries(TimeseriesReader reader) {
    this.reader = reader;
  }

  /** Forgets everything: the next {@link #advance} reads every live series. */
  void reset() {
    byId.clear();
    known = new HashSet<>();
    snapshot = Long.MIN_VALUE;
  }

  Summary get(long seriesId) {
    return byId.get(seriesId);
  }

  /**
   * Moves to the current observations snapshot. The series directory and the observations table are read at
   * different moments, so observations may arrive before their series is live (an upload right after
   * {@code upsertSeries}, seen by a directory view not yet refreshed): appended rows are folded in for every
   * series, live or not, and a series that became live since the last advance is read once.
   *
   * @param live the ids of the live series
   * @return the ids whose summary may have changed
   */
  Set<Long> advance(Collection<Long> live) {
    long current = reader.observationsSnapshot();
    Set<Long> liveIds = new HashSet<>(live);
    Set<Long> newlyLive = new HashSet<>(liveIds);
    newlyLive.removeAll(known);
    known = liveIds;
    if (current == snapshot) {
      // No new observations: a series that became live meanwhile may still hold rows read before it was live.
      newlyLive.removeIf(byId::containsKey);
      read(new ArrayList<>(newlyLive), current);
      return newlyLive;
    }
    Set<Long> changed = new HashSet<>();
    Optional<Map<Long, long[]>> appended = snapshot == Long.MIN_VALUE || current < 0 ? Optional.empty()
        : reader.appendedExtremes(snapshot, current);
    if (appended.isPresent()) {
      // Appends only (and compactions): fold what they wrote into the summaries, reading nothing else.
      appended.get().forEach((id, extremes) -> {
        Summary before = byId.get(id);
        int end = (int) extremes[0];
        long ingest = extremes[1];
        byId.put(id, before == null ? new Summary(end, ingest)
            : new Summary(Math.max(before.endDay(), end), Math.max(before.lastIngestMicros(), ingest)));
        if (liveIds.contains(id)) {
          changed.add(id);
        }
      });
      newlyLive.removeIf(byId::containsKey);
      read(new ArrayList<>(newlyLive), current);
      changed.addAll(newlyLive);
      snapshot = current;
      return changed;
    }
    Optional<List<long[]>> ranges = snapshot == Long.MIN_VALUE || current < 0 ? Optional.empty()
        : reader.changedSeriesRanges(snapshot, current);
    for (Long id : liveIds) {
      if (ranges.isEmpty() || covers(ranges.get(), id) || newlyLive.contains(id)) {
        changed.add(id);
      }
    }
    if (ranges.isEmpty()) {
      byId.keySet().retainAll(liveIds);
    }
    read(new ArrayList<>(changed), current);
    snapshot = current;
    return changed;
  }

  /** Reads these series' summaries at {@code snapshotId}, a chunk of histories at a time. */
  private void read(List<Long> ids, long snapshotId) {
    ids.sort(null);
    for (int from = 0; from < ids.size(); from += CHUNK) {
      List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
      Map<Long, SeriesHistory> histories = snapshotId < 0 ? Map.of() : reader.readHistories(chunk, snapshotId);
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
