package io.almanac.financial.series;

import io.almanac.store.TimeseriesReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.springframework.stereotype.Service;

/**
 * Series metadata in memory, reloaded whenever the series table has a new snapshot (checked on every
 * call, so a series written before a query is visible to it). The table is small: one row per series
 * version.
 */
@Service
public class SeriesCatalog {

  private record Index(long snapshotId, NavigableMap<Long, Series> byId, Map<String, Series> byExternalKey) {}

  private final TimeseriesReader reader;
  private volatile Index index = new Index(-2, Collections.emptyNavigableMap(), Map.of());

  public SeriesCatalog(TimeseriesReader reader) {
    this.reader = reader;
  }

  public Optional<Series> get(long id) {
    return Optional.ofNullable(current().byId().get(id));
  }

  public Map<Long, Series> getAll(Collection<Long> ids) {
    Index current = current();
    Map<Long, Series> found = new HashMap<>();
    for (Long id : ids) {
      Series s = current.byId().get(id);
      if (s != null) {
        found.put(id, s);
      }
    }
    return found;
  }

  public Optional<Series> byExternalId(String providerId, String externalId) {
    return Optional.ofNullable(current().byExternalKey().get(externalKey(providerId, externalId)));
  }

  /**
   * Series with id greater than {@code afterId} that match, in id order, at most {@code limit}.
   *
   * @return the page and the total number of matches
   */
  public Page search(Predicate<Series> matches, long afterId, int limit) {
    List<Series> page = new ArrayList<>(limit);
    int total = 0;
    for (Series s : current().byId().values()) {
      if (matches.test(s)) {
        total++;
        if (s.numericId() > afterId && page.size() < limit) {
          page.add(s);
        }
      }
    }
    return new Page(page, total);
  }

  public record Page(List<Series> items, int totalCount) {}

  /** Case-insensitive substring match on title or external id; null or blank matches everything. */
  public static Predicate<Series> textMatch(String query) {
    if (query == null || query.isBlank()) {
      return s -> true;
    }
    String needle = query.strip().toLowerCase(Locale.ROOT);
    return s -> s.title().toLowerCase(Locale.ROOT).contains(needle)
        || s.externalId().toLowerCase(Locale.ROOT).contains(needle);
  }

  private Index current() {
    long snapshot = reader.seriesSnapshot();
    Index known = index;
    if (known.snapshotId() == snapshot) {
      return known;
    }
    synchronized (this) {
      if (index.snapshotId() == snapshot) {
        return index;
      }
      NavigableMap<Long, Series> byId = new TreeMap<>();
      Map<String, Series> byExternal = new HashMap<>();
      reader.readSeries(snapshot).values().forEach(r -> {
        Series s = Series.of(r);
        byId.put(r.id(), s);
        byExternal.put(externalKey(s.providerId(), s.externalId()), s);
      });
      index = new Index(snapshot, Collections.unmodifiableNavigableMap(byId), byExternal);
      return index;
    }
  }

  private static String externalKey(String providerId, String externalId) {
    return providerId + '\u0000' + externalId;
  }
}
