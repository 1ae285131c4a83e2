package io.almanac.financial.observations;

import io.almanac.store.SeriesHistory;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Least-recently-used series histories, bounded by their total number of rows, all valid at one
 * observations snapshot. Moving to a newer snapshot evicts only the series whose ids fall in the
 * ranges that snapshot's new files cover; compactions evict nothing.
 *
 * <p>The last {@link #ADVANCES_KEPT} moves are remembered, so a history read at an older snapshot is
 * still kept when nothing since touched its series, and a request that fixed its snapshot before the
 * cache moved on is still served from it for the series nothing since touched. Without that, a read that
 * straddled any commit (a compaction, or an append to other series) was thrown away, and every request in
 * flight when a commit landed read its series from files, so under a steady stream of commits the same
 * series were read from files request after request.
 *
 * <p>The cache only moves forward: its snapshot's sequence number (Iceberg's, increasing along the
 * table's history) is kept, and a request still at an older snapshot does not move it back.
 */
final class SeriesHistoryCache {

  static final int ADVANCES_KEPT = 64;

  /**
   * A move from snapshot {@code from} to the next one the cache was at; {@code changed} null when
   * anything may have changed.
   */
  private record Advance(long from, List<long[]> changed) {}

  private final long maxRows;
  private final LinkedHashMap<Long, SeriesHistory> entries = new LinkedHashMap<>(256, 0.75f, true);
  private final ArrayDeque<Advance> advances = new ArrayDeque<>();
  private long rows;
  private long snapshotId = Long.MIN_VALUE;
  /** The sequence number of {@link #snapshotId}; -1 before the first move or when it was not known. */
  private long sequenceNumber = -1;

  SeriesHistoryCache(long maxRows) {
    this.maxRows = maxRows;
  }

  synchronized long snapshotId() {
    return snapshotId;
  }

  /**
   * True when the cache is already at a later snapshot than one with {@code sequence} (a newer request
   * moved it on): moving to that snapshot would be a move back. False when either number is unknown (-1).
   */
  synchronized boolean isPast(long sequence) {
    return sequence >= 0 && sequenceNumber >= 0 && sequence < sequenceNumber;
  }

  /**
   * Moves the cache to {@code newSnapshot} (with Iceberg sequence number {@code newSequence}, -1 when not
   * known), evicting series in {@code changed}; a null list means anything may have changed.
   */
  synchronized void advance(long newSnapshot, long newSequence, List<long[]> changed) {
    advances.addLast(new Advance(snapshotId, changed));
    if (advances.size() > ADVANCES_KEPT) {
      advances.removeFirst();
    }
    if (changed == null) {
      entries.clear();
      rows = 0;
    } else if (!changed.isEmpty()) {
      Iterator<Map.Entry<Long, SeriesHistory>> it = entries.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<Long, SeriesHistory> entry = it.next();
        if (covers(changed, entry.getKey())) {
          rows -= entry.getValue().size();
          it.remove();
        }
      }
    }
    snapshotId = newSnapshot;
    sequenceNumber = newSequence;
  }

  /**
   * The cached history of a series as of {@code snapshot}: held, and the cache is at that snapshot or no
   * move since it may have changed the series (the history then is the same at both).
   */
  synchronized SeriesHistory get(long snapshot, long seriesId) {
    SeriesHistory held = entries.get(seriesId);
    return held != null && unchangedSince(snapshot, seriesId) ? held : null;
  }

  /**
   * Keeps a history read at {@code readAt}, unless the cache has moved on since in a way that may
   * have changed that series (or further back than it remembers).
   */
  synchronized void put(long readAt, SeriesHistory history) {
    if (history.size() > maxRows || !unchangedSince(readAt, history.seriesId())) {
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

  /** True when no move from {@code readAt} to the current snapshot may have changed {@code seriesId}. */
  private boolean unchangedSince(long readAt, long seriesId) {
    if (readAt == snapshotId) {
      return true;
    }
    Iterator<Advance> newestFirst = advances.descendingIterator();
    while (newestFirst.hasNext()) {
      Advance advance = newestFirst.next();
      if (advance.changed() == null || covers(advance.changed(), seriesId)) {
        return false;
      }
      if (advance.from() == readAt) {
        return true;
      }
    }
    return false; // readAt is older than the moves remembered, or not a snapshot this cache was at
  }

  private static boolean covers(List<long[]> ranges, long seriesId) {
    for (long[] range : ranges) {
      if (seriesId >= range[0] && seriesId <= range[1]) {
        return true;
      }
    }
    return false;
  }

  /** Drops the history of {@code seriesId}, if held. */
  synchronized void remove(long seriesId) {
    SeriesHistory removed = entries.remove(seriesId);
    if (removed != null) {
      rows -= removed.size();
    }
  }

  synchronized long rows() {
    return rows;
  }
}
