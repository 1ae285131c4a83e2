package io.almanac.store;

import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Every live series' metadata in memory, reloaded when the series table has a new snapshot (checked on
 * each {@link #current()}, so a series written before a call is visible to it). The table is small:
 * one row per series version.
 */
public final class SeriesDirectory {

  /**
   * One consistent view of the series table.
   *
   * @param byId the current version of each live series
   * @param histories each live series' metadata versions, oldest first (see
   *     {@link TimeseriesReader#readSeriesHistories}); the last is {@code byId}'s
   */
  public record View(long snapshotId, NavigableMap<Long, SeriesRecord> byId, Map<String, SeriesRecord> byExternalKey,
      Map<Long, List<SeriesRecord>> histories) {

    public SeriesRecord byExternalId(String providerId, String externalId) {
      return byExternalKey.get(externalKey(providerId, externalId));
    }

    /** Every metadata version of a live series, oldest first; empty for an unknown or deleted one. */
    public List<SeriesRecord> history(long id) {
      return histories.getOrDefault(id, List.of());
    }

    /**
     * The version of a live series in effect at {@code at}: the last whose {@code updatedAt} is on or
     * before it; null when the series is unknown, deleted, or its first version is later.
     */
    public SeriesRecord asOf(long id, OffsetDateTime at) {
      SeriesRecord found = null;
      for (SeriesRecord version : history(id)) {
        if (version.updatedAt().isAfter(at)) {
          break;
        }
        found = version;
      }
      return found;
    }
  }

  private final TimeseriesReader reader;
  private volatile View view = new View(-2, Collections.emptyNavigableMap(), Map.of(), Map.of());

  public SeriesDirectory(TimeseriesReader reader) {
    this.reader = reader;
  }

  public View current() {
    long snapshot = reader.seriesSnapshot();
    View known = view;
    if (known.snapshotId() == snapshot) {
      return known;
    }
    synchronized (this) {
      if (view.snapshotId() != snapshot) {
        NavigableMap<Long, SeriesRecord> byId = new TreeMap<>();
        Map<String, SeriesRecord> byExternal = new HashMap<>();
        Map<Long, List<SeriesRecord>> histories = reader.readSeriesHistories(snapshot);
        histories.forEach((id, versions) -> {
          SeriesRecord r = versions.get(versions.size() - 1);
          byId.put(id, r);
          byExternal.put(externalKey(r.providerId(), r.externalId()), r);
        });
        view = new View(snapshot, Collections.unmodifiableNavigableMap(byId), Collections.unmodifiableMap(byExternal),
            Collections.unmodifiableMap(histories));
      }
      return view;
    }
  }

  /**
   * The view last loaded, without asking the catalog for a newer snapshot (no PostgreSQL round trip); the
   * current one when none was loaded yet. For callers that can do with a view one write behind, such as
   * the financial subgraph's cost estimate, which looks up a series again with {@link #current()} on a miss.
   */
  public View lastLoaded() {
    View known = view;
    return known.snapshotId() == -2 ? current() : known;
  }

  private static String externalKey(String providerId, String externalId) {
    return providerId + '\u0000' + externalId;
  }
}
