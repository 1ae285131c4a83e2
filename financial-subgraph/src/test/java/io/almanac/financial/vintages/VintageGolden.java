package io.almanac.financial.vintages;

import io.almanac.store.SeriesHistory;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A monthly series with six vintages, as raw points, and the ALFRED views and revision statistics
 * recomputed from those points in plain Java (BigDecimal, lists and maps), independently of the
 * production code: what the golden tests compare Almanac's answers with.
 *
 * <p>The series: January revised twice (with a re-publication between), February revised twice,
 * March never revised but re-published at another scale, April first published as missing then filled
 * and re-published, May and June never revised; July's first release comes in the last vintage.
 */
final class VintageGolden {

  /** One stored observation. {@code value} null = published as missing. */
  record Point(LocalDate date, LocalDate revision, BigDecimal value) {}

  /** Revision statistics as the schema defines them; nulls where the schema gives null. */
  record Stats(int observations, int revisedObservations, Double meanRevision, Double meanAbsoluteRevision,
      Double maxAbsoluteRevision, Double meanRevisionsPerObservation, Double meanDaysToFinal) {}

  /** A vintage panel: {@code values.get(v).get(d)} is the value of {@code dates.get(d)} as of vintage {@code v}. */
  record Panel(List<LocalDate> dates, List<List<BigDecimal>> values) {}

  static final LocalDate V1 = LocalDate.parse("2023-02-15");
  static final LocalDate V2 = LocalDate.parse("2023-03-15");
  static final LocalDate V3 = LocalDate.parse("2023-04-15");
  static final LocalDate V4 = LocalDate.parse("2023-05-15");
  static final LocalDate V5 = LocalDate.parse("2023-06-15");
  static final LocalDate V6 = LocalDate.parse("2023-07-15");
  static final List<LocalDate> VINTAGES = List.of(V1, V2, V3, V4, V5, V6);

  static final List<Point> POINTS = List.of(
      p("2023-01-01", V1, "100.0"), p("2023-01-01", V2, "100.5"), p("2023-01-01", V3, "100.50"),
      p("2023-01-01", V4, "101.25"),
      p("2023-02-01", V2, "200"), p("2023-02-01", V3, "199.5"), p("2023-02-01", V5, "199.75"),
      p("2023-03-01", V3, "300"), p("2023-03-01", V4, "300.000"),
      p("2023-04-01", V4, null), p("2023-04-01", V5, "410"), p("2023-04-01", V6, "410"),
      p("2023-05-01", V5, "-0.1234567891"),
      p("2023-06-01", V6, "600"),
      p("2023-07-01", V6, "1E+3"));

  private VintageGolden() {}

  private static Point p(String date, LocalDate revision, String value) {
    return new Point(LocalDate.parse(date), revision, value == null ? null : new BigDecimal(value));
  }

  /** The points as the store holds them: a history sorted by date, then revision date. */
  static SeriesHistory history(long seriesId, List<Point> points) {
    List<Point> sorted = new ArrayList<>(points);
    sorted.sort(Comparator.comparing(Point::date).thenComparing(Point::revision));
    int n = sorted.size();
    int[] dates = new int[n];
    int[] revisions = new int[n];
    BigDecimal[] values = new BigDecimal[n];
    for (int i = 0; i < n; i++) {
      dates[i] = (int) sorted.get(i).date().toEpochDay();
      revisions[i] = (int) sorted.get(i).revision().toEpochDay();
      values[i] = sorted.get(i).value();
    }
    return SeriesHistory.of(seriesId, dates, revisions, values);
  }

  /** The points of each date published on or before {@code asOf} (null = all), oldest first, dates ascending. */
  static TreeMap<LocalDate, List<Point>> byDate(List<Point> points, LocalDate asOf) {
    TreeMap<LocalDate, List<Point>> byDate = new TreeMap<>();
    for (Point point : points) {
      if (asOf == null || !point.revision().isAfter(asOf)) {
        byDate.computeIfAbsent(point.date(), k -> new ArrayList<>()).add(point);
      }
    }
    byDate.values().forEach(list -> list.sort(Comparator.comparing(Point::revision)));
    return byDate;
  }

  /** ALFRED's as-of view: each date's latest point published on or before {@code asOf}, within [from, to]. */
  static TreeMap<LocalDate, Point> asOf(List<Point> points, LocalDate asOf, LocalDate from, LocalDate to) {
    TreeMap<LocalDate, Point> view = new TreeMap<>();
    byDate(points, asOf).forEach((date, list) -> {
      if (within(date, from, to)) {
        view.put(date, list.get(list.size() - 1));
      }
    });
    return view;
  }

  /** ALFRED output type 4: each date's first published point, of the dates first published by {@code asOf}. */
  static TreeMap<LocalDate, Point> firstRelease(List<Point> points, LocalDate asOf) {
    TreeMap<LocalDate, Point> view = new TreeMap<>();
    byDate(points, asOf).forEach((date, list) -> view.put(date, list.get(0)));
    return view;
  }

  /** ALFRED output type 2 over {@code vintages} (in their order): dates present in some vintage's view. */
  static Panel panel(List<Point> points, List<LocalDate> vintages, LocalDate from, LocalDate to) {
    TreeSet<LocalDate> dates = new TreeSet<>();
    List<TreeMap<LocalDate, Point>> views = new ArrayList<>();
    for (LocalDate vintage : vintages) {
      TreeMap<LocalDate, Point> view = asOf(points, vintage, from, to);
      views.add(view);
      dates.addAll(view.keySet());
    }
    List<List<BigDecimal>> values = new ArrayList<>();
    for (TreeMap<LocalDate, Point> view : views) {
      List<BigDecimal> row = new ArrayList<>();
      for (LocalDate date : dates) {
        Point point = view.get(date);
        row.add(point == null ? null : point.value());
      }
      values.add(row);
    }
    return new Panel(List.copyOf(dates), values);
  }

  /**
   * ALFRED output type 3: points with {@code since < revision <= until} that are new or changed the value
   * of the date's previous point (missing = missing is no change), by revision then date, each with the
   * value it replaced (null for a new date) as {@code previous}.
   */
  static List<Map.Entry<Point, BigDecimal>> changes(List<Point> points, LocalDate since, LocalDate until) {
    List<Map.Entry<Point, BigDecimal>> changes = new ArrayList<>();
    byDate(points, null).forEach((date, list) -> {
      for (int k = 0; k < list.size(); k++) {
        Point point = list.get(k);
        boolean inWindow = point.revision().isAfter(since) && (until == null || !point.revision().isAfter(until));
        BigDecimal previous = k == 0 ? null : list.get(k - 1).value();
        if (inWindow && (k == 0 || !same(point.value(), previous))) {
          changes.add(new java.util.AbstractMap.SimpleImmutableEntry<>(point, previous));
        }
      }
    });
    changes.sort(Comparator.comparing((Map.Entry<Point, BigDecimal> e) -> e.getKey().revision())
        .thenComparing(e -> e.getKey().date()));
    return changes;
  }

  /**
   * The schema's revision statistics: over the dates in [from, to] whose as-of value is not missing; per
   * date, its non-missing published values in vintage order, the first being the first release and every
   * value unequal to the one before it a revision.
   */
  static Stats stats(List<Point> points, LocalDate from, LocalDate to, LocalDate asOf) {
    int observations = 0;
    int revised = 0;
    int revisions = 0;
    BigDecimal sum = BigDecimal.ZERO;
    BigDecimal sumAbs = BigDecimal.ZERO;
    BigDecimal max = BigDecimal.ZERO;
    long days = 0;
    for (Map.Entry<LocalDate, List<Point>> entry : byDate(points, asOf).entrySet()) {
      List<Point> list = entry.getValue();
      if (!within(entry.getKey(), from, to) || list.get(list.size() - 1).value() == null) {
        continue;
      }
      List<Point> published = list.stream().filter(pt -> pt.value() != null).toList();
      Point first = published.get(0);
      Point lastRevision = null;
      for (int k = 1; k < published.size(); k++) {
        if (published.get(k).value().compareTo(published.get(k - 1).value()) != 0) {
          revisions++;
          lastRevision = published.get(k);
        }
      }
      observations++;
      BigDecimal revision = list.get(list.size() - 1).value().subtract(first.value());
      sum = sum.add(revision);
      sumAbs = sumAbs.add(revision.abs());
      max = max.max(revision.abs());
      if (lastRevision != null) {
        revised++;
        days += lastRevision.revision().toEpochDay() - first.revision().toEpochDay();
      }
    }
    if (observations == 0) {
      return new Stats(0, 0, null, null, null, null, null);
    }
    return new Stats(observations, revised, sum.doubleValue() / observations, sumAbs.doubleValue() / observations,
        max.doubleValue(), (double) revisions / observations, revised == 0 ? null : (double) days / revised);
  }

  static boolean same(BigDecimal a, BigDecimal b) {
    return a == null || b == null ? a == b : a.compareTo(b) == 0;
  }

  private static boolean within(LocalDate date, LocalDate from, LocalDate to) {
    return (from == null || !date.isBefore(from)) && (to == null || !date.isAfter(to));
  }
}
