package io.almanac.store;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Every live series' metadata in memory, reloaded when the series table has a new snapshot (checked on
 * each {@link #current()}, so a series written before a call is visible to it). The table is small:
 * one row per series version.
 */
public final class SeriesDirectory {

  /** One consistent view of the series table. */
  public record View(long snapshotId, NavigableMap<Long, SeriesRecord> byId, Map<String, SeriesRecord> byExternalKey) {

    public SeriesRecord byExternalId(String providerId, String externalId) {
      return byExternalKey.get(externalKey(providerId, externalId));
    }
  }

  private final TimeseriesReader reader;
  private volatile View view = new View(-2, Collections.emptyNavigableMap(), Map.of());

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
        reader.readSeries(snapshot).forEach((id, r) -> {
          byId.put(id, r);
          byExternal.put(externalKey(r.providerId(), r.externalId()), r);
        });
        view = new View(snapshot, Collections.unmodifiableNavigableMap(byId), Collections.unmodifiableMap(byExternal));
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
