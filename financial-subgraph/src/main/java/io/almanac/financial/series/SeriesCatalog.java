package io.almanac.financial.series;

import io.almanac.store.SeriesDirectory;
import io.almanac.store.SeriesRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.springframework.stereotype.Service;

/** Series lookups and search over the store's in-memory series directory. */
@Service
public class SeriesCatalog {

  private final SeriesDirectory directory;

  public SeriesCatalog(SeriesDirectory directory) {
    this.directory = directory;
  }

  public Optional<Series> get(long id) {
    return Optional.ofNullable(directory.current().byId().get(id)).map(Series::of);
  }

  public Map<Long, Series> getAll(Collection<Long> ids) {
    SeriesDirectory.View current = directory.current();
    Map<Long, Series> found = new HashMap<>();
    for (Long id : ids) {
      SeriesRecord s = current.byId().get(id);
      if (s != null) {
        found.put(id, Series.of(s));
      }
    }
    return found;
  }

  public Optional<Series> byExternalId(String providerId, String externalId) {
    return Optional.ofNullable(directory.current().byExternalId(providerId, externalId)).map(Series::of);
  }

  /**
   * Series with id greater than {@code afterId} that match, in id order, at most {@code limit}.
   *
   * @return the page and the total number of matches
   */
  public Page search(Predicate<Series> matches, long afterId, int limit) {
    List<Series> page = new ArrayList<>(limit);
    int total = 0;
    for (SeriesRecord r : directory.current().byId().values()) {
      Series s = Series.of(r);
      if (matches.test(s)) {
        total++;
        if (r.id() > afterId && page.size() < limit) {
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
}
