package io.almanac.bench.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.almanac.bench.baseline.generated.types.Aggregation;
import io.almanac.bench.baseline.generated.types.DayOfWeek;
import io.almanac.bench.baseline.generated.types.Frequency;
import io.almanac.bench.baseline.generated.types.Transform;
import io.almanac.graphql.AlmanacGraphQLException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.math.BigDecimal;
import java.math.MathContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The baseline's SQL answers for derived reads (transforms, aggregation, vintage panels), on a real
 * PostgreSQL (zonky), against a plain-Java reading of the same raw points written here from FRED's
 * formulas and Almanac's rules (schema/financial.graphqls), independent of {@link Steps}' SQL.
 */
class BaselineDerivedReadsTest {

  /** float8 in SQL and double here may differ in the last bits (numeric averages, operation order). */
  private static final double TOLERANCE = 1e-12;

  private static final long DAILY = 1;
  private static final long MONTHLY = 2;
  private static final long ODD = 3;
  private static final long UNREGISTERED = 4;

  private static EmbeddedPostgres postgres;
  private static ObservationRepository repository;
  private static final Map<Long, List<Point>> POINTS = new TreeMap<>();

  record Point(LocalDate date, LocalDate revision, BigDecimal value) {}

  /** One row of a view: the date and its value as a double (null = missing). */
  record Row(LocalDate date, Double value) {}

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    repository = new ObservationRepository(postgres.getPostgresDatabase());
    repository.createTables();
    POINTS.put(DAILY, dailyPoints());
    POINTS.put(MONTHLY, monthlyPoints());
    POINTS.put(ODD, oddPoints());
    POINTS.put(UNREGISTERED, List.of(new Point(LocalDate.of(2024, 1, 2), LocalDate.of(2024, 1, 2), BigDecimal.ONE)));
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        PreparedStatement ps = c.prepareStatement(
            "INSERT INTO baseline.observations (series_id, date, revision_date, value) VALUES (?, ?, ?, ?)")) {
      for (Map.Entry<Long, List<Point>> series : POINTS.entrySet()) {
        for (Point p : series.getValue()) {
          ps.setLong(1, series.getKey());
          ps.setObject(2, p.date());
          ps.setObject(3, p.revision());
          ps.setBigDecimal(4, p.value());
          ps.addBatch();
        }
      }
      ps.executeBatch();
      ObservationRepository.registerSeries(c, new long[] {DAILY, MONTHLY, ODD},
          new Frequency[] {Frequency.DAILY, Frequency.MONTHLY, Frequency.DAILY});
    }
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  /**
   * Calendar days from 2022-11-14 to 2024-03-20, each published on its day, with whole days absent
   * (every 9th, so "a year ago" often falls on a gap) and some missing values; crosses 2024-02-29.
   */
  private static List<Point> dailyPoints() {
    SplittableRandom random = new SplittableRandom(13);
    List<Point> points = new ArrayList<>();
    long unscaled = 10_000;
    int i = 0;
    for (LocalDate d = LocalDate.of(2022, 11, 14); !d.isAfter(LocalDate.of(2024, 3, 20)); d = d.plusDays(1), i++) {
      unscaled = Math.max(100, unscaled + random.nextInt(-150, 151));
      if (i % 9 == 3) {
        continue;
      }
      points.add(new Point(d, d, i % 37 == 5 ? null : BigDecimal.valueOf(unscaled, 2)));
    }
    return points;
  }

  /** 40 months from 2020-01, one to three vintages each (the first release a month after the date). */
  private static List<Point> monthlyPoints() {
    SplittableRandom random = new SplittableRandom(17);
    List<Point> points = new ArrayList<>();
    for (int m = 0; m < 40; m++) {
      LocalDate date = LocalDate.of(2020, 1, 1).plusMonths(m);
      int vintages = 1 + m % 3;
      for (int v = 0; v < vintages; v++) {
        LocalDate revision = date.plusMonths(1 + v).withDayOfMonth(10);
        points.add(new Point(date, revision, m == 7 && v == 0 ? null : BigDecimal.valueOf(5_000 + m * 37L
            + random.nextInt(-40, 41), 1)));
      }
    }
    return points;
  }

  /** Zeros and negative values: divisions by zero, logs of non-positive values, a rate that overflows. */
  private static List<Point> oddPoints() {
    String[] values = {"5", "0", "3", "-2", "4", "0.001", "1000000", "2", "2", "-1"};
    List<Point> points = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      LocalDate d = LocalDate.of(2024, 1, 1).plusDays(i);
      points.add(new Point(d, d, new BigDecimal(values[i])));
    }
    return points;
  }

  // ---------------------------------------------------------------- tests

  @Test
  void everyTransformOfADailySeriesWithGapsAndMissingValues() throws Exception {
    for (Transform t : Transform.values()) {
      List<Row> expected = transform(asOf(POINTS.get(DAILY), null), t, 260, true);
      assertRows(read(DAILY, steps(Frequency.DAILY, t, null, null, null), null, null, null), expected);
    }
    // The first year has no year-ago observation, so those dates are omitted; after it every date has one.
    List<Row> pc1 = read(DAILY, steps(Frequency.DAILY, Transform.PERCENT_CHANGE_FROM_YEAR_AGO, null, null, null),
        null, null, null);
    assertThat(pc1.get(0).date()).isEqualTo(LocalDate.of(2023, 11, 14));
    // 2024-02-29 looks back to 2023-02-28 (or the last day before it that has a row).
    assertThat(pc1).extracting(Row::date).contains(LocalDate.of(2024, 2, 29));
  }

  @Test
  void everyAggregationFromDailyToEachLowerFrequency() throws Exception {
    List<Row> view = asOf(POINTS.get(DAILY), null);
    Map<Frequency, Integer> minimum = Map.of(Frequency.WEEKLY, 4, Frequency.BIWEEKLY, 8, Frequency.MONTHLY, 17,
        Frequency.QUARTERLY, 52, Frequency.SEMIANNUAL, 104, Frequency.ANNUAL, 208);
    for (Frequency f : minimum.keySet()) {
      for (Aggregation a : Aggregation.values()) {
        List<Row> expected = aggregate(view, periodOf(f, defaultWeekEnding(f)), a, minimum.get(f));
        assertRows(read(DAILY, steps(Frequency.DAILY, null, f, a, null), null, null, null), expected);
      }
    }
    // The first month (2022-11: 14 values) is short of FRED's 17; the last (2024-03: exactly 17 values) is kept.
    List<Row> monthly = read(DAILY, steps(Frequency.DAILY, null, Frequency.MONTHLY, null, null), null, null, null);
    assertThat(monthly.get(0).date()).isEqualTo(LocalDate.of(2022, 12, 1));
    assertThat(monthly.get(monthly.size() - 1).date()).isEqualTo(LocalDate.of(2024, 3, 1));
  }

  @Test
  void weeksEndOnTheGivenDayAndBiweeklyPeriodsCountFromTheFirstSuchDayOf1970() throws Exception {
    List<Row> view = asOf(POINTS.get(DAILY), null);
    for (DayOfWeek day : List.of(DayOfWeek.MONDAY, DayOfWeek.THURSDAY, DayOfWeek.SUNDAY)) {
      assertRows(read(DAILY, steps(Frequency.DAILY, null, Frequency.WEEKLY, Aggregation.SUM, day), null, null, null),
          aggregate(view, periodOf(Frequency.WEEKLY, day), Aggregation.SUM, 4));
      assertRows(read(DAILY, steps(Frequency.DAILY, null, Frequency.BIWEEKLY, Aggregation.END_OF_PERIOD, day), null,
          null, null), aggregate(view, periodOf(Frequency.BIWEEKLY, day), Aggregation.END_OF_PERIOD, 8));
    }
    List<Row> weekly = read(DAILY, steps(Frequency.DAILY, null, Frequency.WEEKLY, null, null), null, null, null);
    assertThat(weekly).extracting(r -> r.date().getDayOfWeek()).containsOnly(java.time.DayOfWeek.FRIDAY);
    // FRED's default biweekly periods end on Wednesdays: 1970-01-07 was the first, so 2024-01-10 (1,409
    // fortnights later) is one and 2024-01-03 is not.
    List<Row> biweekly = read(DAILY, steps(Frequency.DAILY, null, Frequency.BIWEEKLY, null, null), null, null, null);
    assertThat(biweekly).extracting(Row::date).contains(LocalDate.of(2024, 1, 10))
        .doesNotContain(LocalDate.of(2024, 1, 3));
  }

  @Test
  void transformsApplyAfterAggregationAtTheAggregatedFrequency() throws Exception {
    List<Row> view = asOf(POINTS.get(DAILY), null);
    List<Row> monthly = aggregate(view, periodOf(Frequency.MONTHLY, null), Aggregation.AVERAGE, 17);
    for (Transform t : List.of(Transform.PERCENT_CHANGE, Transform.PERCENT_CHANGE_FROM_YEAR_AGO,
        Transform.COMPOUNDED_ANNUAL_RATE, Transform.CONTINUOUSLY_COMPOUNDED_ANNUAL)) {
      assertRows(read(DAILY, steps(Frequency.DAILY, t, Frequency.MONTHLY, Aggregation.AVERAGE, null), null, null, null),
          transform(monthly, t, 12, false));
    }
    List<Row> weekly = aggregate(view, periodOf(Frequency.WEEKLY, DayOfWeek.FRIDAY), Aggregation.END_OF_PERIOD, 4);
    assertRows(read(DAILY, steps(Frequency.DAILY, Transform.CHANGE_FROM_YEAR_AGO, Frequency.WEEKLY,
        Aggregation.END_OF_PERIOD, null), null, null, null), transform(weekly, Transform.CHANGE_FROM_YEAR_AGO, 52, true));
  }

  @Test
  void monthlySeriesWithRevisionsAsOfEachVintage() throws Exception {
    List<Point> points = POINTS.get(MONTHLY);
    for (LocalDate asOf : List.of(LocalDate.of(2021, 6, 30), LocalDate.of(2022, 12, 10), LocalDate.of(2030, 1, 1))) {
      List<Row> view = asOf(points, asOf);
      for (Transform t : Transform.values()) {
        assertRows(read(MONTHLY, steps(Frequency.MONTHLY, t, null, null, null), null, null, asOf),
            transform(view, t, 12, false));
      }
      assertRows(read(MONTHLY, steps(Frequency.MONTHLY, null, Frequency.QUARTERLY, Aggregation.AVERAGE, null), null,
          null, asOf), aggregate(view, periodOf(Frequency.QUARTERLY, null), Aggregation.AVERAGE, 3));
      assertRows(read(MONTHLY, steps(Frequency.MONTHLY, Transform.PERCENT_CHANGE, Frequency.ANNUAL, Aggregation.SUM,
          null), null, null, asOf), transform(aggregate(view, periodOf(Frequency.ANNUAL, null), Aggregation.SUM, 12),
          Transform.PERCENT_CHANGE, 1, false));
    }
    // The series' own frequency is the identity.
    assertRows(read(MONTHLY, steps(Frequency.MONTHLY, null, Frequency.MONTHLY, Aggregation.SUM, null), null, null,
        null), asOf(points, null));
  }

  @Test
  void fromAndToBoundTheResultWhileTransformsLookBackBeforeFrom() throws Exception {
    LocalDate from = LocalDate.of(2023, 12, 15);
    LocalDate to = LocalDate.of(2024, 2, 10);
    List<Row> all = transform(asOf(POINTS.get(DAILY), null), Transform.PERCENT_CHANGE_FROM_YEAR_AGO, 260, true);
    List<Row> expected = all.stream().filter(r -> !r.date().isBefore(from) && !r.date().isAfter(to)).toList();
    List<Row> actual = read(DAILY, steps(Frequency.DAILY, Transform.PERCENT_CHANGE_FROM_YEAR_AGO, null, null, null),
        from, to, null);
    assertRows(actual, expected);
    assertThat(actual.get(0).date()).isEqualTo(LocalDate.of(2023, 12, 15));
    List<Row> changes = read(MONTHLY, steps(Frequency.MONTHLY, Transform.CHANGE, null, null, null),
        LocalDate.of(2021, 1, 1), null, null);
    assertThat(changes.get(0).date()).isEqualTo(LocalDate.of(2021, 1, 1));
    assertThat(changes.get(0).value()).isNotNull();
  }

  @Test
  void divisionsByZeroLogsOfNonPositiveValuesAndOverflowsGiveNull() throws Exception {
    List<Row> view = asOf(POINTS.get(ODD), null);
    for (Transform t : Transform.values()) {
      assertRows(read(ODD, steps(Frequency.DAILY, t, null, null, null), null, null, null), transform(view, t, 260, true));
    }
    List<Row> rate = read(ODD, steps(Frequency.DAILY, Transform.COMPOUNDED_ANNUAL_RATE, null, null, null), null, null,
        null);
    // 0 / 5: -100; 3 / 0: null; 1000000 / 0.001 to the 260th power overflows: null.
    assertThat(rate.get(0).value()).isEqualTo(-100.0);
    assertThat(rate.get(1).value()).isNull();
    assertThat(rate.get(5).value()).isNull();
    assertThat(rate).filteredOn(r -> r.value() != null).extracting(Row::value)
        .allSatisfy(v -> assertThat(v).isFinite());
  }

  @Test
  void vintagePanelHoldsEachVintagesViewAlignedOnTheUnionOfDates() throws Exception {
    List<Point> points = POINTS.get(MONTHLY);
    List<LocalDate> vintages = List.of(LocalDate.of(2022, 3, 10), LocalDate.of(2020, 6, 1), LocalDate.of(2021, 1, 10),
        LocalDate.of(2020, 6, 1), LocalDate.of(2019, 1, 1));
    ObservationRepository.Panel panel = repository.panel(MONTHLY, vintages, Steps.NONE, null, null);
    TreeSet<LocalDate> union = new TreeSet<>();
    for (LocalDate v : vintages) {
      asOfPoints(points, v).forEach(p -> union.add(p.date()));
    }
    assertThat(panel.dates()).containsExactlyElementsOf(union);
    for (int v = 0; v < vintages.size(); v++) {
      Map<LocalDate, BigDecimal> known = new TreeMap<>();
      asOfPoints(points, vintages.get(v)).forEach(p -> known.put(p.date(), p.value()));
      for (int d = 0; d < panel.dates().size(); d++) {
        BigDecimal value = known.get(panel.dates().get(d));
        BigDecimal expected = value == null ? null : value.stripTrailingZeros();
        assertThat(panel.decimals().get(v).get(d)).as("vintage %d date %d", v, d).isEqualTo(expected);
        assertThat(panel.values().get(v).get(d)).isEqualTo(expected == null ? null : expected.doubleValue());
      }
    }
    assertThat(panel.values().get(4)).containsOnlyNulls(); // before anything was published
    ObservationRepository.Panel range = repository.panel(MONTHLY, vintages, Steps.NONE, LocalDate.of(2020, 3, 1),
        LocalDate.of(2020, 5, 1));
    assertThat(range.dates()).containsExactly(LocalDate.of(2020, 3, 1), LocalDate.of(2020, 4, 1),
        LocalDate.of(2020, 5, 1));
  }

  @Test
  void derivedVintagePanelRowsEqualTheDerivedViewOfEachVintage() throws Exception {
    List<LocalDate> vintages = List.of(LocalDate.of(2021, 6, 30), LocalDate.of(2023, 1, 10));
    Steps steps = steps(Frequency.MONTHLY, Transform.PERCENT_CHANGE, Frequency.QUARTERLY, Aggregation.AVERAGE, null);
    ObservationRepository.Panel panel = repository.panel(MONTHLY, vintages, steps, null, null);
    for (int v = 0; v < vintages.size(); v++) {
      List<Row> expected = transform(aggregate(asOf(POINTS.get(MONTHLY), vintages.get(v)),
          periodOf(Frequency.QUARTERLY, null), Aggregation.AVERAGE, 3), Transform.PERCENT_CHANGE, 4, false);
      Map<LocalDate, Double> byDate = new TreeMap<>();
      expected.forEach(r -> byDate.put(r.date(), r.value()));
      for (int d = 0; d < panel.dates().size(); d++) {
        Double value = panel.values().get(v).get(d);
        Double want = byDate.get(panel.dates().get(d));
        assertClose(value, want, "vintage " + v + " " + panel.dates().get(d));
        if (value != null) {
          // The decimal of a derived value is the shortest text of the double.
          assertThat(panel.decimals().get(v).get(d).doubleValue()).isEqualTo(value);
        }
      }
      assertThat(panel.dates()).containsAll(byDate.keySet());
    }
  }

  @Test
  void stepsThatDoNotApplyAreRefusedNamingTheArgument() throws Exception {
    assertRefused(() -> Steps.of(Frequency.MONTHLY, null, Frequency.WEEKLY, null, null), "frequency");
    assertRefused(() -> Steps.of(Frequency.DAILY, null, null, Aggregation.SUM, null), "aggregation");
    assertRefused(() -> Steps.of(Frequency.DAILY, Transform.CHANGE, null, null, DayOfWeek.MONDAY), "weekEnding");
    assertThat(Steps.of(Frequency.DAILY, Transform.LEVEL, Frequency.DAILY, Aggregation.SUM, null).isLevel()).isTrue();
    assertThat(repository.frequency(UNREGISTERED)).isNull();
  }

  // ---------------------------------------------------------------- the reading in plain Java

  private static Steps steps(Frequency own, Transform t, Frequency f, Aggregation a, DayOfWeek w) {
    return Steps.of(own, t, f, a, w);
  }

  private static List<Row> read(long series, Steps steps, LocalDate from, LocalDate to, LocalDate asOf)
      throws Exception {
    ObservationRepository.Derived derived = repository.derived(series, steps, from, to, asOf);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < derived.dates().size(); i++) {
      rows.add(new Row(derived.dates().get(i), derived.values().get(i)));
    }
    return rows;
  }

  /** Each date's latest revision published on or before {@code asOf} (null = all), ascending by date. */
  private static List<Point> asOfPoints(List<Point> points, LocalDate asOf) {
    Map<LocalDate, Point> latest = new TreeMap<>();
    for (Point p : points) {
      if (asOf == null || !p.revision().isAfter(asOf)) {
        latest.merge(p.date(), p, (x, y) -> x.revision().isAfter(y.revision()) ? x : y);
      }
    }
    return new ArrayList<>(latest.values());
  }

  private static List<Row> asOf(List<Point> points, LocalDate asOf) {
    return asOfPoints(points, asOf).stream()
        .map(p -> new Row(p.date(), p.value() == null ? null : p.value().doubleValue())).toList();
  }

  private static DayOfWeek defaultWeekEnding(Frequency f) {
    return f == Frequency.WEEKLY ? DayOfWeek.FRIDAY : f == Frequency.BIWEEKLY ? DayOfWeek.WEDNESDAY : null;
  }

  private static UnaryOperator<LocalDate> periodOf(Frequency f, DayOfWeek weekEnding) {
    return switch (f) {
      case MONTHLY -> d -> d.withDayOfMonth(1);
      case QUARTERLY -> d -> LocalDate.of(d.getYear(), (d.getMonthValue() - 1) / 3 * 3 + 1, 1);
      case SEMIANNUAL -> d -> LocalDate.of(d.getYear(), d.getMonthValue() <= 6 ? 1 : 7, 1);
      case ANNUAL -> d -> LocalDate.of(d.getYear(), 1, 1);
      case WEEKLY -> d -> d.with(TemporalAdjusters.nextOrSame(java.time.DayOfWeek.valueOf(weekEnding.name())));
      case BIWEEKLY -> {
        LocalDate first = LocalDate.of(1970, 1, 1)
            .with(TemporalAdjusters.nextOrSame(java.time.DayOfWeek.valueOf(weekEnding.name())));
        yield d -> {
          long behind = d.toEpochDay() - first.toEpochDay();
          return first.plusDays(-14 * Math.floorDiv(-behind, 14)); // 14 x the ceiling of behind / 14
        };
      }
      case DAILY -> throw new IllegalArgumentException();
    };
  }

  /**
   * Groups the view's rows by period; missing values ignored; the first and last period kept only with
   * at least {@code minimum} values. Averages and sums exact (BigDecimal), then a double.
   */
  private static List<Row> aggregate(List<Row> view, UnaryOperator<LocalDate> periodOf, Aggregation method,
      int minimum) {
    TreeMap<LocalDate, List<Double>> periods = new TreeMap<>();
    for (Row r : view) {
      List<Double> values = periods.computeIfAbsent(periodOf.apply(r.date()), k -> new ArrayList<>());
      if (r.value() != null) {
        values.add(r.value());
      }
    }
    List<Row> out = new ArrayList<>();
    for (Map.Entry<LocalDate, List<Double>> e : periods.entrySet()) {
      List<Double> values = e.getValue();
      boolean edge = e.getKey().equals(periods.firstKey()) || e.getKey().equals(periods.lastKey());
      if (edge && values.size() < minimum) {
        continue;
      }
      Double value = null;
      if (!values.isEmpty()) {
        BigDecimal sum = BigDecimal.ZERO;
        for (double v : values) {
          sum = sum.add(new BigDecimal(Double.toString(v)));
        }
        value = switch (method) {
          case AVERAGE -> sum.divide(BigDecimal.valueOf(values.size()), MathContext.DECIMAL128).doubleValue();
          case SUM -> sum.doubleValue();
          case END_OF_PERIOD -> values.get(values.size() - 1);
        };
      }
      out.add(new Row(e.getKey(), value));
    }
    return out;
  }

  /**
   * FRED's formulas; the predecessor is the previous row, and "a year ago" the row dated one year earlier
   * or the last one before it ({@code byDate}) or {@code n} rows back; rows without one are omitted.
   */
  private static List<Row> transform(List<Row> rows, Transform t, int n, boolean byDate) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Double x = rows.get(i).value();
      Integer back = switch (t) {
        case LEVEL, NATURAL_LOG -> i;
        case CHANGE_FROM_YEAR_AGO, PERCENT_CHANGE_FROM_YEAR_AGO -> byDate ? lastOnOrBefore(rows,
            rows.get(i).date().minusYears(1)) : i - n >= 0 ? i - n : null;
        default -> i > 0 ? i - 1 : null;
      };
      if (back == null) {
        continue;
      }
      Double p = rows.get(back).value();
      Double value = null;
      if (x != null && p != null) {
        double v = switch (t) {
          case LEVEL -> x;
          case CHANGE, CHANGE_FROM_YEAR_AGO -> x - p;
          case PERCENT_CHANGE, PERCENT_CHANGE_FROM_YEAR_AGO -> p == 0 ? Double.NaN : 100 * (x / p - 1);
          case COMPOUNDED_ANNUAL_RATE -> p == 0 ? Double.NaN : 100 * (Math.pow(x / p, n) - 1);
          case CONTINUOUSLY_COMPOUNDED -> x > 0 && p > 0 ? 100 * (Math.log(x) - Math.log(p)) : Double.NaN;
          case CONTINUOUSLY_COMPOUNDED_ANNUAL -> x > 0 && p > 0 ? 100 * n * (Math.log(x) - Math.log(p)) : Double.NaN;
          case NATURAL_LOG -> x > 0 ? Math.log(x) : Double.NaN;
        };
        value = Double.isFinite(v) ? v : null;
      }
      out.add(new Row(rows.get(i).date(), value));
    }
    return out;
  }

  private static Integer lastOnOrBefore(List<Row> rows, LocalDate day) {
    Integer found = null;
    for (int j = 0; j < rows.size() && !rows.get(j).date().isAfter(day); j++) {
      found = j;
    }
    return found;
  }

  private static void assertRows(List<Row> actual, List<Row> expected) {
    assertThat(actual).extracting(Row::date).containsExactlyElementsOf(expected.stream().map(Row::date).toList());
    for (int i = 0; i < actual.size(); i++) {
      assertClose(actual.get(i).value(), expected.get(i).value(), actual.get(i).date().toString());
    }
  }

  private static void assertClose(Double actual, Double expected, String what) {
    if (expected == null) {
      assertThat(actual).as(what).isNull();
      return;
    }
    assertThat(actual).as(what).isNotNull();
    double scale = Math.max(Math.abs(expected), 1e-9);
    assertThat(Math.abs(actual - expected) / scale).as(what + ": " + actual + " vs " + expected)
        .isLessThanOrEqualTo(TOLERANCE);
  }

  private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String argument) {
    assertThatThrownBy(call).isInstanceOfSatisfying(AlmanacGraphQLException.class, e -> {
      assertThat(e.extensions()).containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", argument);
    });
  }
}
