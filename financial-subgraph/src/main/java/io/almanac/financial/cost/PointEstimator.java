package io.almanac.financial.cost;

import io.almanac.financial.generated.types.Frequency;
import io.almanac.financial.observations.ObservationDataFetcher;
import io.almanac.financial.series.Series;
import io.almanac.financial.series.SeriesCatalog;
import io.almanac.financial.series.SeriesDataFetcher;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.Cursors;
import io.almanac.graphql.Ids;
import io.almanac.store.SeriesHistory;
import graphql.normalized.ExecutableNormalizedField;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The points an operation may return, estimated before anything is read: from the operation itself
 * (fragments, aliases and variables resolved by graphql-java's normalized operation) and series metadata
 * held in memory ({@link SeriesCatalog}: which series, their frequency), plus the history of a series when
 * the cache already holds it. Never reads storage or the table's snapshot.
 *
 * <p>Per series, for the fields that return observations: {@code data} and {@code observations} count the
 * periods of the range in the (aggregated) frequency ({@link Periods}), capped by {@code last} and by the
 * page ({@code first}/{@code last}, default 1,000, at most 10,000); {@code vintagePanel} is vintage dates x
 * periods; {@code changes} one revision of every date; {@code revisions} the date's revisions when the history
 * is cached, else 1; {@code latest} 1. For a series whose history the cache holds, a range counts its
 * distinct dates (at most); for another, an open range starts at {@code unknownStart} and ends today. Series come from
 * {@code series}, {@code seriesByExternalId}, {@code searchSeries} (the page the search index gives) and {@code Provider.series} (the page the
 * catalog would give, exactly), {@code _entities} (each representation) and {@code Series.provider}; each
 * alias and each repetition of a series counts again. Other fields cost nothing.
 *
 * <p>How loose: exact for a series with one observation in each period of the range; for a business-day
 * series not in the cache 7/5 of its rows; for an open range of a series not in the cache, as many periods
 * as since {@code unknownStart} (1900-01-01 by default: 46,000 days, 1,512 months). {@code revisions} and {@code changes} of a series not in the cache can be under
 * the truth: the exact per-field check ({@link io.almanac.financial.observations.ResponseLimit}) stays.
 */
public final class PointEstimator {

  private final SeriesCatalog catalog;
  private final Function<Map<String, Object>, List<Series>> searchPage;
  private final LongFunction<SeriesHistory> cachedHistory;
  private final LocalDate unknownStart;
  private final Supplier<LocalDate> today;

  /**
   * @param searchPage the series of the page {@code searchSeries} gives for its resolved arguments
   * @param cachedHistory a series' history if held in memory, else null (never read for this)
   * @param unknownStart where an open range of a series not in the cache is taken to start
   * @param today where an open range of a series not in the cache is taken to end
   */
  public PointEstimator(SeriesCatalog catalog, Function<Map<String, Object>, List<Series>> searchPage,
      LongFunction<SeriesHistory> cachedHistory, LocalDate unknownStart, Supplier<LocalDate> today) {
    this.catalog = catalog;
    this.searchPage = searchPage;
    this.cachedHistory = cachedHistory;
    this.unknownStart = unknownStart;
    this.today = today;
  }

  /** Points the operation whose top-level fields are {@code fields} may return (saturating at Long.MAX_VALUE). */
  public long estimate(Collection<ExecutableNormalizedField> fields) {
    long total = 0;
    for (ExecutableNormalizedField field : fields) {
      total = add(total, root(field));
    }
    return total;
  }

  /** What the objects a selection is made on are: series and providers, each with how often it occurs. */
  private record Parents(Map<Series, Long> series, Map<String, Long> providers) {
    static Parents ofSeries(Map<Series, Long> series) {
      return new Parents(series, Map.of());
    }
  }

  private long root(ExecutableNormalizedField field) {
    Map<String, Object> args = field.getResolvedArguments();
    Parents parents;
    try {
      parents = switch (field.getName()) {
        case "series" -> single(Ids.parse(string(args.get("id"))));
        case "seriesByExternalId" -> Parents.ofSeries(count(catalog.byExternalId(string(args.get("providerId")),
            string(args.get("externalId"))).stream().toList(), 1));
        // A search whose selection returns no points costs nothing: skip running it twice.
        case "searchSeries" -> selectsPoints(field) ? Parents.ofSeries(count(search(args), 1)) : null;
        case "_entities" -> entities(args.get("representations"));
        default -> null;
      };
    } catch (AlmanacGraphQLException badArgument) {
      // The field's own fetcher refuses it, naming the argument; it reads nothing.
      return 0;
    }
    return parents == null ? 0 : children(field, parents);
  }

  /** The fields of {@link #points} that return points. */
  private static final Set<String> POINT_FIELDS =
      Set.of("latest", "data", "observations", "vintagePanel", "changes", "revisions");

  /** Whether any field under {@code field} may return points. */
  private static boolean selectsPoints(ExecutableNormalizedField field) {
    for (ExecutableNormalizedField child : field.getChildren()) {
      if (POINT_FIELDS.contains(child.getName()) || selectsPoints(child)) {
        return true;
      }
    }
    return false;
  }

  private long children(ExecutableNormalizedField field, Parents parents) {
    long total = 0;
    for (ExecutableNormalizedField child : field.getChildren()) {
      total = add(total, field(child, parents));
    }
    return total;
  }

  /** A field selected on one or more object types (a field of a union's members may be merged into one). */
  private long field(ExecutableNormalizedField field, Parents parents) {
    long total = 0;
    for (String type : field.getObjectTypeNames()) {
      total = add(total, field(type, field, parents));
    }
    return total;
  }

  private long field(String type, ExecutableNormalizedField field, Parents parents) {
    String name = field.getName();
    switch (type) {
      case "Series" -> {
        if (name.equals("provider")) {
          Map<String, Long> providers = new LinkedHashMap<>();
          parents.series().forEach((s, n) -> providers.merge(s.providerId(), n, PointEstimator::add));
          return children(field, new Parents(Map.of(), providers));
        }
        long total = 0;
        for (Map.Entry<Series, Long> entry : parents.series().entrySet()) {
          total = add(total, multiply(entry.getValue(), points(entry.getKey(), name, field.getResolvedArguments())));
        }
        return total;
      }
      case "Provider" -> {
        if (!name.equals("series")) {
          return 0;
        }
        Map<Series, Long> series = new LinkedHashMap<>();
        try {
          for (Map.Entry<String, Long> provider : parents.providers().entrySet()) {
            String id = provider.getKey();
            page(s -> s.providerId().equals(id), field.getResolvedArguments())
                .forEach(s -> series.merge(s, provider.getValue(), PointEstimator::add));
          }
        } catch (AlmanacGraphQLException badArgument) {
          return 0;
        }
        return children(field, Parents.ofSeries(series));
      }
      case "SeriesConnection", "SeriesSearchConnection", "SeriesEdge" -> {
        return name.equals("nodes") || name.equals("edges") || name.equals("node") ? children(field, parents) : 0;
      }
      default -> {
        return 0;
      }
    }
  }

  /** Points one series' field returns, by its arguments. */
  long points(Series series, String field, Map<String, Object> args) {
    Frequency own = frequency(series.frequency(), Frequency.DAILY);
    SeriesHistory history = cachedHistory.apply(series.numericId());
    return switch (field) {
      case "latest" -> 1;
      case "data" -> {
        long n = periods(history, target(own, args), date(args.get("from")), date(args.get("to")));
        Object last = args.get("last");
        yield last instanceof Number max && max.longValue() >= 1 ? Math.min(n, max.longValue()) : n;
      }
      case "observations" -> {
        long n = periods(history, target(own, args), date(args.get("from")), date(args.get("to")));
        Object size = args.get("first") != null ? args.get("first") : args.get("last");
        long page = size instanceof Number s ? Math.max(0, Math.min(s.longValue(), ObservationDataFetcher.MAX_PAGE))
            : ObservationDataFetcher.DEFAULT_PAGE;
        yield Math.min(n, page);
      }
      case "vintagePanel" -> {
        long vintages = args.get("vintageDates") instanceof Collection<?> dates ? dates.size() : 0;
        yield multiply(vintages,
            periods(history, target(own, args), date(args.get("from")), date(args.get("to"))));
      }
      case "changes" -> history != null ? history.size() : periods(null, own, null, null);
      case "revisions" -> {
        LocalDate date = date(args.get("date"));
        yield history != null && date != null ? history.revisionsOf(date).length : 1;
      }
      default -> 0;
    };
  }

  /**
   * Rows of {@code frequency} in [from, to]: with the history cached, its distinct dates there (no view has
   * more; an aggregation has at most as many periods); else the periods, an open side taken as
   * {@code unknownStart} or today.
   */
  private long periods(SeriesHistory history, Frequency frequency, LocalDate from, LocalDate to) {
    if (history == null) {
      return Periods.between(frequency, from != null ? from : unknownStart, to != null ? to : today.get());
    }
    if (history.isEmpty()) {
      return 0;
    }
    LocalDate start = from != null ? from : history.date(0);
    LocalDate end = to != null ? to : history.date(history.size() - 1);
    return Math.min(Periods.between(frequency, start, end), distinctDates(history, start, end));
  }

  private static long distinctDates(SeriesHistory history, LocalDate from, LocalDate to) {
    long last = to.toEpochDay();
    long count = 0;
    int previous = Integer.MIN_VALUE;
    for (int row = history.firstRowOnOrAfter((int) from.toEpochDay()); row < history.size(); row++) {
      int day = history.epochDay(row);
      if (day > last) {
        break;
      }
      if (day != previous) {
        count++;
        previous = day;
      }
    }
    return count;
  }

  /** The frequency rows come out in: a lower one asked for ({@code frequency}), else the series' own. */
  private static Frequency target(Frequency own, Map<String, Object> args) {
    Frequency asked = frequency(args.get("frequency"), null);
    return asked != null && Periods.rank(asked) > Periods.rank(own) ? asked : own;
  }

  private Parents single(Long id) {
    if (id == null) {
      return Parents.ofSeries(Map.of());
    }
    return Parents.ofSeries(count(catalog.get(id).stream().toList(), 1));
  }

  /** The page {@code searchSeries} gives for these arguments (the same search, on the same index). */
  private List<Series> search(Map<String, Object> args) {
    return searchPage.apply(args);
  }

  /** The series the catalog gives for a page of {@code SeriesConnection} ({@code first}, {@code after}). */
  private List<Series> page(Predicate<Series> matches, Map<String, Object> args) {
    Integer first = args.get("first") instanceof Number n ? n.intValue() : null;
    int size = Cursors.pageSize(first, SeriesDataFetcher.DEFAULT_PAGE, SeriesDataFetcher.MAX_PAGE);
    String after = string(args.get("after"));
    long afterId = after == null ? Long.MIN_VALUE : Cursors.decodeLong(SeriesDataFetcher.CURSOR_KIND, after);
    return catalog.search(matches, afterId, size).items();
  }

  /** The entities of {@code _entities}: series looked up at once (one catalog refresh for a whole watchlist). */
  private Parents entities(Object representations) {
    List<Long> seriesIds = new ArrayList<>();
    Map<String, Long> providers = new LinkedHashMap<>();
    if (representations instanceof Collection<?> all) {
      for (Object representation : all) {
        if (!(representation instanceof Map<?, ?> entity)) {
          continue;
        }
        String id = string(entity.get("id"));
        if ("Series".equals(entity.get("__typename"))) {
          Long numeric = Ids.parse(id);
          if (numeric != null) {
            seriesIds.add(numeric);
          }
        } else if ("Provider".equals(entity.get("__typename")) && id != null) {
          providers.merge(id, 1L, PointEstimator::add);
        }
      }
    }
    Map<Series, Long> series = new LinkedHashMap<>();
    if (!seriesIds.isEmpty()) {
      Map<Long, Series> found = catalog.getAll(seriesIds);
      for (Long id : seriesIds) {
        Series s = found.get(id);
        if (s != null) {
          series.merge(s, 1L, PointEstimator::add);
        }
      }
    }
    return new Parents(series, providers);
  }

  private static Map<Series, Long> count(List<Series> series, long times) {
    Map<Series, Long> counted = new LinkedHashMap<>();
    series.forEach(s -> counted.merge(s, times, PointEstimator::add));
    return counted;
  }

  private static Frequency frequency(Object value, Frequency otherwise) {
    if (value == null) {
      return otherwise;
    }
    if (value instanceof Frequency f) {
      return f;
    }
    try {
      return Frequency.valueOf(value.toString());
    } catch (IllegalArgumentException e) {
      return otherwise;
    }
  }

  private static LocalDate date(Object value) {
    if (value instanceof LocalDate d) {
      return d;
    }
    if (value instanceof String s) {
      try {
        return LocalDate.parse(s);
      } catch (RuntimeException e) {
        return null;
      }
    }
    return null;
  }

  private static String string(Object value) {
    return value == null ? null : value.toString();
  }

  static long add(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  static long multiply(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    return (high == 0 && low >= 0) ? low : Long.MAX_VALUE;
  }
}
