package io.almanac.financial.observations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.almanac.financial.generated.types.Aggregation;
import io.almanac.financial.generated.types.DayOfWeek;
import io.almanac.financial.generated.types.Frequency;
import io.almanac.financial.generated.types.Transform;
import io.almanac.store.SeriesHistory;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Golden tests of the read pipeline's steps: {@link SeriesReads#read} against a second, plain
 * implementation written here from FRED's and ALFRED's definitions over the raw stored rows (maps and
 * {@code java.time}, none of the production classes), compared value by value, with each derived row's
 * revision date and first-release flag.
 *
 * <p>Three series, each with missing values, revisions (some dates revised twice) and gaps: a daily
 * one (business days, holidays and a three-week gap, a zero and a negative value, 2024-02-29), a weekly
 * one (weeks ending Saturday, an eight-week gap) and a monthly one. For each: every transform x (no
 * aggregation, the series' own frequency, and each aggregation method to each lower frequency, weekly
 * and biweekly periods with the default and another ending day) x four vintage views (latest, as of a
 * date, first releases, first releases as of a date) x two ranges (all, and one whose start sits just
 * after a gap so that the look-back must reach further than usual).
 */
class StepsGoldenTest {

  /** One stored row: a date's value (null = missing) as published on {@code revision}. */
  record Row(LocalDate date, LocalDate revision, BigDecimal value) {}

  /** An observation of a view: value null when missing; its revision columns. */
  record Point(LocalDate date, Double value, LocalDate revision, boolean original, LocalDate supersededOn) {}

  /** A lower frequency and how to aggregate to it; target null = no aggregation. */
  record Step(Frequency target, Aggregation method, DayOfWeek weekEnding) {
    String label() {
      return target == null ? "none" : target + (method == null ? "" : "/" + method)
          + (weekEnding == null ? "" : "/ending " + weekEnding);
    }
  }

  /** A vintage view as ALFRED defines it. */
  record Vintage(String name, LocalDate asOf, boolean firstRelease) {}

  // ---------------------------------------------------------------- the three series

  private static final LocalDate DAILY_GAP_START = LocalDate.of(2021, 1, 18);
  private static final LocalDate DAILY_GAP_END = LocalDate.of(2021, 2, 7);

  /**
   * Business days from 2019-11-07 to 2024-03-22 without Jan 1, Jul 4, Dec 25, one day in a hundred and
   * a three-week gap. The first month has 17 values and the last 16, one each side of FRED's minimum
   * for daily to monthly (17): the first is kept, the last is not.
   */
  static List<Row> daily() {
    Random random = new Random(11);
    List<Row> rows = new ArrayList<>();
    BigDecimal level = new BigDecimal("3000.00");
    for (LocalDate date = LocalDate.of(2019, 11, 7); !date.isAfter(LocalDate.of(2024, 3, 22)); date = date.plusDays(1)) {
      boolean weekend = date.getDayOfWeek().getValue() > 5;
      boolean holiday = date.getMonthValue() == 1 && date.getDayOfMonth() == 1
          || date.getMonthValue() == 7 && date.getDayOfMonth() == 4
          || date.getMonthValue() == 12 && date.getDayOfMonth() == 25;
      boolean gap = !date.isBefore(DAILY_GAP_START) && !date.isAfter(DAILY_GAP_END);
      boolean edgeMonth = date.isBefore(LocalDate.of(2019, 12, 1)) || date.isAfter(LocalDate.of(2024, 2, 29));
      if (weekend || holiday || gap || random.nextInt(100) == 0 && !edgeMonth) {
        continue;
      }
      level = level.add(BigDecimal.valueOf(Math.round(random.nextGaussian() * 1500), 2));
      BigDecimal value = random.nextInt(100) == 0 && !edgeMonth ? null : level;
      if (date.equals(LocalDate.of(2021, 6, 15))) {
        value = BigDecimal.ZERO;
      } else if (date.equals(LocalDate.of(2021, 6, 16))) {
        value = new BigDecimal("-5.5");
      }
      if (edgeMonth) {
        rows.add(new Row(date, date.plusDays(1), value));
      } else {
        addVintages(rows, random, date, value, date.plusDays(1), date.plusDays(7), date.plusDays(40), new BigDecimal("0.5"));
      }
    }
    return rows;
  }

  /** Weeks ending Saturday from 2017-07-01 to 2023-06-24, without 2018-02-03 to 2018-03-24. */
  static List<Row> weekly() {
    Random random = new Random(22);
    List<Row> rows = new ArrayList<>();
    for (LocalDate date = LocalDate.of(2017, 7, 1); date.isBefore(LocalDate.of(2023, 6, 25)); date = date.plusWeeks(1)) {
      if (!date.isBefore(LocalDate.of(2018, 2, 3)) && !date.isAfter(LocalDate.of(2018, 3, 24))) {
        continue;
      }
      BigDecimal value = random.nextInt(30) == 0 ? null : BigDecimal.valueOf(200_000 + random.nextInt(60_000));
      addVintages(rows, random, date, value, date.plusDays(5), date.plusDays(12), date.plusDays(370), new BigDecimal("750"));
    }
    return rows;
  }

  /** Months from 2014-03 to 2023-08 without 2015-09, published the next month and revised up to twice. */
  static List<Row> monthly() {
    Random random = new Random(33);
    List<Row> rows = new ArrayList<>();
    BigDecimal level = new BigDecimal("235.000");
    for (LocalDate date = LocalDate.of(2014, 3, 1); !date.isAfter(LocalDate.of(2023, 8, 1)); date = date.plusMonths(1)) {
      level = level.add(BigDecimal.valueOf(random.nextInt(1500) - 300, 3));
      if (date.equals(LocalDate.of(2015, 9, 1))) {
        continue;
      }
      BigDecimal value = random.nextInt(40) == 0 ? null : level;
      addVintages(rows, random, date, value, date.plusMonths(1).plusDays(12), date.plusMonths(2).plusDays(12),
          date.plusMonths(13).plusDays(20), new BigDecimal("0.125"));
    }
    return rows;
  }

  /**
   * A first release on {@code first}, revised on {@code second} for about a third of the dates (one in
   * ten of those to missing, one in ten to the same value: a re-publication), and again on
   * {@code third} for about one in eight.
   */
  private static void addVintages(List<Row> rows, Random random, LocalDate date, BigDecimal value, LocalDate first,
      LocalDate second, LocalDate third, BigDecimal step) {
    rows.add(new Row(date, first, value));
    if (random.nextInt(3) == 0) {
      int kind = random.nextInt(10);
      BigDecimal revised = kind == 0 ? null : kind == 1 || value == null ? value : value.add(step);
      rows.add(new Row(date, second, revised));
      if (random.nextInt(8) == 0) {
        rows.add(new Row(date, third, revised == null ? step : revised.subtract(step).subtract(step)));
      }
    }
  }

  static SeriesHistory history(List<Row> rows) {
    List<Row> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparing(Row::date).thenComparing(Row::revision));
    int[] dates = new int[sorted.size()];
    int[] revisions = new int[sorted.size()];
    BigDecimal[] values = new BigDecimal[sorted.size()];
    for (int i = 0; i < sorted.size(); i++) {
      dates[i] = (int) sorted.get(i).date().toEpochDay();
      revisions[i] = (int) sorted.get(i).revision().toEpochDay();
      values[i] = sorted.get(i).value();
    }
    return SeriesHistory.of(1, dates, revisions, values);
  }

  // ---------------------------------------------------------------- the reference implementation

  /** ALFRED: per date, the latest row published by asOf, or (first releases) its first row if published by then. */
  static List<Point> vintage(List<Row> rows, Vintage vintage) {
    TreeMap<LocalDate, List<Row>> byDate = new TreeMap<>();
    for (Row row : rows) {
      byDate.computeIfAbsent(row.date(), d -> new ArrayList<>()).add(row);
    }
    List<Point> points = new ArrayList<>();
    for (List<Row> ofDate : byDate.values()) {
      ofDate.sort(Comparator.comparing(Row::revision));
      int chosen = -1;
      for (int i = 0; i < ofDate.size(); i++) {
        boolean published = vintage.asOf() == null || !ofDate.get(i).revision().isAfter(vintage.asOf());
        if (published && (!vintage.firstRelease() || i == 0)) {
          chosen = i;
        }
      }
      if (chosen >= 0) {
        Row row = ofDate.get(chosen);
        LocalDate superseded = chosen + 1 < ofDate.size() ? ofDate.get(chosen + 1).revision() : null;
        points.add(new Point(row.date(), row.value() == null ? null : row.value().doubleValue(), row.revision(),
            chosen == 0, superseded));
      }
    }
    return points;
  }

  /** FRED's minimum observations for the first and last period (FRED help, "How are Missing Values Determined for First/Last Observations?"). */
  static final Map<String, Integer> FRED_MINIMUM = Map.ofEntries(
      Map.entry("DAILY>WEEKLY", 4), Map.entry("DAILY>BIWEEKLY", 8), Map.entry("DAILY>MONTHLY", 17),
      Map.entry("DAILY>QUARTERLY", 52), Map.entry("DAILY>SEMIANNUAL", 104), Map.entry("DAILY>ANNUAL", 208),
      Map.entry("WEEKLY>BIWEEKLY", 2), Map.entry("WEEKLY>MONTHLY", 3), Map.entry("WEEKLY>QUARTERLY", 10),
      Map.entry("WEEKLY>SEMIANNUAL", 20), Map.entry("WEEKLY>ANNUAL", 39),
      Map.entry("BIWEEKLY>MONTHLY", 2), Map.entry("BIWEEKLY>QUARTERLY", 7), Map.entry("BIWEEKLY>SEMIANNUAL", 13),
      Map.entry("BIWEEKLY>ANNUAL", 26),
      Map.entry("MONTHLY>QUARTERLY", 3), Map.entry("MONTHLY>SEMIANNUAL", 6), Map.entry("MONTHLY>ANNUAL", 12),
      Map.entry("QUARTERLY>SEMIANNUAL", 2), Map.entry("QUARTERLY>ANNUAL", 4), Map.entry("SEMIANNUAL>ANNUAL", 2));

  /** The date of the period holding {@code date}: first day of a calendar period, ending day of a week or two. */
  static LocalDate period(LocalDate date, Frequency target, java.time.DayOfWeek ending) {
    switch (target) {
      case MONTHLY:
        return date.withDayOfMonth(1);
      case QUARTERLY:
        return LocalDate.of(date.getYear(), date.getMonth().firstMonthOfQuarter(), 1);
      case SEMIANNUAL:
        return LocalDate.of(date.getYear(), date.getMonthValue() <= 6 ? 1 : 7, 1);
      case ANNUAL:
        return LocalDate.of(date.getYear(), 1, 1);
      case WEEKLY:
        return date.with(TemporalAdjusters.nextOrSame(ending));
      case BIWEEKLY:
        LocalDate end = date.with(TemporalAdjusters.nextOrSame(ending));
        LocalDate anchor = LocalDate.of(1970, 1, 1).with(TemporalAdjusters.nextOrSame(ending));
        return Math.floorMod(ChronoUnit.WEEKS.between(anchor, end), 2) == 0 ? end : end.plusWeeks(1);
      default:
        throw new IllegalArgumentException(target.toString());
    }
  }

  /**
   * FRED's aggregation: the period of each observation's own date; missing values ignored; the first and
   * last period (holding the first and last value) only with FRED's minimum of values; a period between
   * them with only missing values is missing.
   */
  static List<Point> aggregate(List<Point> in, Frequency own, Step step) {
    java.time.DayOfWeek ending = step.weekEnding() != null ? java.time.DayOfWeek.valueOf(step.weekEnding().name())
        : step.target() == Frequency.BIWEEKLY ? java.time.DayOfWeek.WEDNESDAY : java.time.DayOfWeek.FRIDAY;
    TreeMap<LocalDate, List<Point>> periods = new TreeMap<>();
    LocalDate firstValued = null;
    LocalDate lastValued = null;
    for (Point point : in) {
      LocalDate period = period(point.date(), step.target(), ending);
      periods.computeIfAbsent(period, p -> new ArrayList<>()).add(point);
      if (point.value() != null) {
        firstValued = firstValued == null ? period : firstValued;
        lastValued = period;
      }
    }
    int minimum = FRED_MINIMUM.get(own + ">" + step.target());
    Aggregation method = step.method() == null ? Aggregation.AVERAGE : step.method();
    List<Point> out = new ArrayList<>();
    for (Map.Entry<LocalDate, List<Point>> period : periods.entrySet()) {
      LocalDate date = period.getKey();
      List<Point> values = period.getValue().stream().filter(p -> p.value() != null).toList();
      if (firstValued == null || date.isBefore(firstValued) || date.isAfter(lastValued)) {
        continue;
      }
      if ((date.equals(firstValued) || date.equals(lastValued)) && values.size() < minimum) {
        continue;
      }
      Double value;
      List<Point> inputs;
      if (values.isEmpty()) {
        value = null;
        inputs = period.getValue();
      } else if (method == Aggregation.END_OF_PERIOD) {
        inputs = List.of(values.get(values.size() - 1));
        value = inputs.get(0).value();
      } else {
        double sum = 0;
        for (Point p : values) {
          sum += p.value();
        }
        value = method == Aggregation.SUM ? sum : sum / values.size();
        inputs = values;
      }
      out.add(derived(date, value, inputs));
    }
    return out;
  }

  static Point derived(LocalDate date, Double value, List<Point> inputs) {
    LocalDate revision = inputs.stream().map(Point::revision).max(Comparator.naturalOrder()).orElseThrow();
    boolean original = inputs.stream().allMatch(Point::original);
    return new Point(date, value, revision, original, null);
  }

  static int periodsPerYear(Frequency frequency) {
    return Map.of(Frequency.DAILY, 260, Frequency.WEEKLY, 52, Frequency.BIWEEKLY, 26, Frequency.MONTHLY, 12,
        Frequency.QUARTERLY, 4, Frequency.SEMIANNUAL, 2, Frequency.ANNUAL, 1).get(frequency);
  }

  /**
   * FRED's units, written as its documentation states them; "a year ago" n rows back for monthly and
   * lower frequencies, else the last observation dated on or before the same day a year earlier.
   */
  static List<Point> transform(List<Point> in, Transform transform, Frequency frequency) {
    int n = periodsPerYear(frequency);
    boolean byDate = frequency == Frequency.DAILY || frequency == Frequency.WEEKLY || frequency == Frequency.BIWEEKLY;
    TreeMap<LocalDate, Point> byDay = new TreeMap<>();
    in.forEach(p -> byDay.put(p.date(), p));
    List<Point> out = new ArrayList<>();
    for (int i = 0; i < in.size(); i++) {
      Point x = in.get(i);
      Point previous;
      switch (transform) {
        case NATURAL_LOG -> previous = null;
        case CHANGE_FROM_YEAR_AGO, PERCENT_CHANGE_FROM_YEAR_AGO -> {
          if (byDate) {
            Map.Entry<LocalDate, Point> floor = byDay.floorEntry(x.date().minusYears(1));
            previous = floor == null ? null : floor.getValue();
          } else {
            previous = i >= n ? in.get(i - n) : null;
          }
          if (previous == null) {
            continue;
          }
        }
        default -> {
          if (i == 0) {
            continue;
          }
          previous = in.get(i - 1);
        }
      }
      Double value = null;
      if (x.value() != null && (previous == null || previous.value() != null)) {
        double a = x.value();
        double b = previous == null ? Double.NaN : previous.value();
        double result = switch (transform) {
          case CHANGE, CHANGE_FROM_YEAR_AGO -> a - b;
          case PERCENT_CHANGE, PERCENT_CHANGE_FROM_YEAR_AGO -> ((a / b) - 1) * 100;
          case COMPOUNDED_ANNUAL_RATE -> (Math.pow(a / b, n) - 1) * 100;
          case CONTINUOUSLY_COMPOUNDED -> (Math.log(a) - Math.log(b)) * 100;
          case CONTINUOUSLY_COMPOUNDED_ANNUAL -> (Math.log(a) - Math.log(b)) * 100 * n;
          case NATURAL_LOG -> Math.log(a);
          case LEVEL -> throw new IllegalArgumentException();
        };
        value = Double.isNaN(result) || Double.isInfinite(result) ? null : result;
      }
      out.add(derived(x.date(), value, previous == null ? List.of(x) : List.of(x, previous)));
    }
    return out;
  }

  static List<Point> between(List<Point> points, LocalDate from, LocalDate to) {
    return points.stream()
        .filter(p -> (from == null || !p.date().isBefore(from)) && (to == null || !p.date().isAfter(to)))
        .toList();
  }

  // ---------------------------------------------------------------- the comparison

  /**
   * Reads compared, by source frequency and step (for the report), and values compared in all; package
   * scope for DemoDatasetGoldenTest, which runs this comparison over the demo dataset.
   */
  final Map<String, Integer> compared = new LinkedHashMap<>();
  long valuesCompared;

  void check(String series, List<Row> rows, Frequency own, List<Step> steps, List<Vintage> vintages,
      List<LocalDate[]> ranges) {
    SeriesHistory history = history(rows);
    for (Vintage vintage : vintages) {
      List<Point> view = vintage(rows, vintage);
      for (Step step : steps) {
        boolean aggregates = step.target() != null && step.target() != own;
        List<Point> stepped = aggregates ? aggregate(view, own, step) : view;
        Frequency frequency = aggregates ? step.target() : own;
        for (Transform transform : Transform.values()) {
          List<Point> all = transform == Transform.LEVEL ? stepped : transform(stepped, transform, frequency);
          for (LocalDate[] range : ranges) {
            List<Point> expected = between(all, range[0], range[1]);
            ViewRequest request = new ViewRequest(range[0], range[1], vintage.asOf(), vintage.firstRelease(),
                transform, step.target(), step.method(), step.weekEnding());
            String label = series + " " + vintage.name() + " " + step.label() + " " + transform + " ["
                + range[0] + ", " + range[1] + "]";
            compare(label, expected, SeriesReads.read(history, own, request), aggregates || transform != Transform.LEVEL);
            compared.merge(own + " -> " + step.label(), 1, Integer::sum);
          }
          if (vintage.asOf() == null && !vintage.firstRelease()) {
            assertThat(all).as("%s %s %s has values", series, step.label(), transform)
                .anyMatch(p -> p.value() != null);
          }
        }
      }
    }
  }

  private void compare(String label, List<Point> expected, SeriesView actual, boolean derived) {
    if (actual.size() != expected.size()) {
      fail(label + ": " + actual.size() + " rows, expected " + expected.size() + " (" + firstDifference(expected, actual) + ")");
    }
    for (int i = 0; i < expected.size(); i++) {
      Point e = expected.get(i);
      String at = label + " at " + e.date();
      if (!actual.date(i).equals(e.date())) {
        fail(at + ": date " + actual.date(i));
      }
      if (actual.isMissing(i) != (e.value() == null)) {
        fail(at + ": value " + actual.value(i) + ", expected " + e.value());
      }
      if (e.value() != null) {
        double a = actual.doubleValue(i);
        double x = e.value();
        if (Math.abs(a - x) > 1e-9 * Math.max(1, Math.abs(x))) {
          fail(at + ": value " + a + ", expected " + x);
        }
        if (derived && actual.value(i).doubleValue() != a) {
          fail(at + ": decimal " + actual.value(i) + " does not read back as " + a);
        }
        valuesCompared++;
      }
      if (!actual.revisionDate(i).equals(e.revision())) {
        fail(at + ": revisionDate " + actual.revisionDate(i) + ", expected " + e.revision());
      }
      if (actual.originalRelease(i) != e.original()) {
        fail(at + ": originalRelease " + actual.originalRelease(i) + ", expected " + e.original());
      }
      LocalDate superseded = actual.supersededOn(i);
      if (superseded == null ? e.supersededOn() != null : !superseded.equals(e.supersededOn())) {
        fail(at + ": supersededOn " + superseded + ", expected " + e.supersededOn());
      }
      if (derived && actual.previousValue(i) != null) {
        fail(at + ": a derived row has no previous value");
      }
    }
  }

  private static String firstDifference(List<Point> expected, SeriesView actual) {
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      if (!expected.get(i).date().equals(actual.date(i))) {
        return "first difference at " + i + ": " + actual.date(i) + ", expected " + expected.get(i).date();
      }
    }
    return "the shorter is a prefix of the other";
  }

  static List<Step> aggregations(Frequency own, Map<Frequency, DayOfWeek> otherEnding) {
    List<Step> steps = new ArrayList<>();
    steps.add(new Step(null, null, null));
    steps.add(new Step(own, null, null));
    List<Frequency> highToLow = List.of(Frequency.DAILY, Frequency.WEEKLY, Frequency.BIWEEKLY, Frequency.MONTHLY,
        Frequency.QUARTERLY, Frequency.SEMIANNUAL, Frequency.ANNUAL);
    for (Frequency target : highToLow) {
      if (highToLow.indexOf(target) > highToLow.indexOf(own)) {
        for (Aggregation method : Aggregation.values()) {
          steps.add(new Step(target, method, null));
          if (otherEnding.containsKey(target)) {
            steps.add(new Step(target, method, otherEnding.get(target)));
          }
        }
      }
    }
    return steps;
  }

  static List<Vintage> vintages(LocalDate asOf) {
    return List.of(new Vintage("latest", null, false), new Vintage("as of " + asOf, asOf, false),
        new Vintage("first releases", null, true), new Vintage("first releases as of " + asOf, asOf, true));
  }

  @Test
  void dailySeriesToEveryLowerFrequency() {
    List<Step> steps = aggregations(Frequency.DAILY,
        Map.of(Frequency.WEEKLY, DayOfWeek.MONDAY, Frequency.BIWEEKLY, DayOfWeek.FRIDAY));
    // 2021-02-08 is the first business day after the gap: its predecessors are three weeks back.
    check("daily", daily(), Frequency.DAILY, steps, vintages(LocalDate.of(2022, 6, 30)),
        List.of(new LocalDate[] {null, null}, new LocalDate[] {LocalDate.of(2021, 2, 8), LocalDate.of(2023, 5, 20)}));
    assertThat(steps).hasSize(2 + 6 * 3 + 2 * 3);
    assertThat(compared).hasSize(steps.size()).allSatisfy((step, reads) -> assertThat(reads).isEqualTo(9 * 4 * 2));
    assertThat(valuesCompared).isGreaterThan(150_000);
  }

  @Test
  void weeklySeriesToEveryLowerFrequency() {
    List<Step> steps = aggregations(Frequency.WEEKLY, Map.of(Frequency.BIWEEKLY, DayOfWeek.FRIDAY));
    // A year before 2019-03-01 falls in the eight-week gap of 2018.
    check("weekly", weekly(), Frequency.WEEKLY, steps, vintages(LocalDate.of(2020, 12, 31)),
        List.of(new LocalDate[] {null, null}, new LocalDate[] {LocalDate.of(2019, 3, 1), LocalDate.of(2022, 7, 31)}));
    assertThat(steps).hasSize(2 + 5 * 3 + 3);
    assertThat(compared).hasSize(steps.size()).allSatisfy((step, reads) -> assertThat(reads).isEqualTo(9 * 4 * 2));
    assertThat(valuesCompared).isGreaterThan(50_000);
  }

  @Test
  void monthlySeriesToEveryLowerFrequency() {
    List<Step> steps = aggregations(Frequency.MONTHLY, Map.of());
    check("monthly", monthly(), Frequency.MONTHLY, steps, vintages(LocalDate.of(2019, 6, 30)),
        List.of(new LocalDate[] {null, null}, new LocalDate[] {LocalDate.of(2016, 5, 1), LocalDate.of(2022, 2, 1)}));
    assertThat(steps).hasSize(2 + 3 * 3);
    assertThat(compared).hasSize(steps.size()).allSatisfy((step, reads) -> assertThat(reads).isEqualTo(9 * 4 * 2));
    assertThat(valuesCompared).isGreaterThan(10_000);
  }
}
