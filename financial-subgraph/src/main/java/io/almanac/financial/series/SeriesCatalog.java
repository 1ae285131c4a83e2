package io.almanac.financial.series;

import io.almanac.store.SeriesDirectory;
import io.almanac.store.SeriesRecord;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

/** Series lookups and listings over the store's in-memory series directory. */
@Service
public class SeriesCatalog {

  private final SeriesDirectory directory;
  /** Whether lookups use the view last loaded, asking the catalog for a newer one only on a miss. */
  private final boolean lastLoaded;
  /** The one view every lookup uses (a request's), or null. */
  private final SeriesDirectory.View fixed;

  private static final String REQUEST_VIEW = SeriesCatalog.class.getName() + ".view";

  @Autowired
  public SeriesCatalog(SeriesDirectory directory) {
    this(directory, false, null);
  }

  private SeriesCatalog(SeriesDirectory directory, boolean lastLoaded, SeriesDirectory.View fixed) {
    this.directory = directory;
    this.lastLoaded = lastLoaded;
    this.fixed = fixed;
  }

  /**
   * The same lookups over one view per request: the first lookup of the request checks the series table's
   * freshness (a catalog round trip, so a request sees every series written before it began), the others reuse
   * that view, so a query naming 50 series costs one check instead of 50.
   */
  public SeriesCatalog forRequest(graphql.GraphQLContext context) {
    SeriesDirectory.View view = context.computeIfAbsent(REQUEST_VIEW, key -> directory.current());
    return new SeriesCatalog(directory, false, view);
  }

  /**
   * The same lookups over the view last loaded: no catalog round trip unless a series is missing from it
   * (then the current view). A series changed since may read as its previous version; searches see the
   * last loaded set. For estimates made before a request's own fetchers read the current view.
   */
  public SeriesCatalog lastLoaded() {
    return new SeriesCatalog(directory, true, null);
  }

  private SeriesDirectory.View view() {
    return fixed != null ? fixed : lastLoaded ? directory.lastLoaded() : directory.current();
  }

  public Optional<Series> get(long id) {
    SeriesRecord found = view().byId().get(id);
    if (found == null && lastLoaded) {
      found = directory.current().byId().get(id);
    }
    return Optional.ofNullable(found).map(Series::of);
  }

  /**
   * A live series with the metadata it had at the end of {@code day} (UTC): the version whose update
   * time is on or before then; empty when the series is unknown or deleted, or had no version by then.
   */
  public Optional<Series> asOf(long id, LocalDate day) {
    OffsetDateTime endOfDay = day.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC).minusNanos(1);
    return Optional.ofNullable((fixed != null ? fixed : directory.current()).asOf(id, endOfDay)).map(Series::of);
  }

  /** Every metadata version of a live series, oldest first (the last is the current one). */
  public List<SeriesRecord> versions(long id) {
    return directory.current().history(id);
  }

  public Map<Long, Series> getAll(Collection<Long> ids) {
    SeriesDirectory.View view = view();
    Map<Long, Series> found = new HashMap<>();
    boolean missed = false;
    for (Long id : ids) {
      SeriesRecord s = view.byId().get(id);
      if (s != null) {
        found.put(id, Series.of(s));
      } else {
        missed = true;
      }
    }
    return missed && lastLoaded ? new SeriesCatalog(directory).getAll(ids) : found;
  }

  public Optional<Series> byExternalId(String providerId, String externalId) {
    SeriesRecord found = view().byExternalId(providerId, externalId);
    if (found == null && lastLoaded) {
      found = directory.current().byExternalId(providerId, externalId);
    }
    return Optional.ofNullable(found).map(Series::of);
  }

  /**
   * Series with id greater than {@code afterId} that match, in id order, at most {@code limit}.
   *
   * @return the page and the total number of matches
   */
  public Page search(Predicate<Series> matches, long afterId, int limit) {
    List<Series> page = new ArrayList<>(limit);
    int total = 0;
    for (SeriesRecord r : view().byId().values()) {
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
}
