package io.almanac.financial.observations;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.financial.generated.types.DayOfWeek;
import io.almanac.financial.generated.types.Frequency;
import io.almanac.financial.generated.types.Transform;
import io.almanac.financial.observations.StepsGoldenTest.Row;
import io.almanac.financial.observations.StepsGoldenTest.Step;
import io.almanac.local.DemoDataset;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link StepsGoldenTest}'s full matrix (every transform x no aggregation, the own frequency and each
 * aggregation method to each lower frequency x four vintage views x two ranges), with its reference
 * implementation, over each series of the demo dataset that {@code ./almanac start} loads
 * ({@link DemoDataset}), its rows built as the store holds them (value text as a BigDecimal).
 *
 * <p>What the demo data covers: GDP_GROWTH (quarterly) has advance, second and third estimates and
 * values at or below zero (percent changes from zero and logs of negative growth are missing); CPI and
 * UNRATE (monthly) are revised once a year (UNRATE for about a third of the months); EQUITY_INDEX,
 * UST10Y and EURUSD (daily) are business days since 2012, published once, with market holidays (New
 * Year's Day, Independence Day, Christmas) published as missing values. No demo series is weekly:
 * StepsGoldenTest's synthetic series cover weekly sources and long gaps.
 */
class DemoDatasetGoldenTest {

  /** A vintage date inside the demo history: some GDP quarters lack their third estimate, 2019's CPI and UNRATE months are unrevised. */
  private static final LocalDate AS_OF = LocalDate.of(2019, 6, 10);

  /** A range starting on a Monday (after a weekend) and in the middle of a quarter, ending on a Saturday. */
  private static final LocalDate[] RANGE = {LocalDate.of(2016, 2, 1), LocalDate.of(2023, 5, 20)};

  static Stream<String> demoSeries() {
    return DemoDataset.series().stream().map(DemoDataset.SeriesSpec::externalId);
  }

  /** The demo points of one series as stored rows: each point's value text parsed, null = missing. */
  static List<Row> rows(String externalId) {
    List<Row> rows = new ArrayList<>();
    for (DemoDataset.Point p : DemoDataset.pointsBySeries().get(externalId)) {
      rows.add(new Row(p.date(), p.revisionDate(), p.value() == null ? null : new BigDecimal(p.value())));
    }
    return rows;
  }

  static Frequency frequency(String externalId) {
    return DemoDataset.series().stream().filter(s -> s.externalId().equals(externalId))
        .map(s -> Frequency.valueOf(s.frequency())).findFirst().orElseThrow();
  }

  @ParameterizedTest
  @MethodSource("demoSeries")
  void demoSeriesToEveryLowerFrequency(String externalId) {
    Frequency own = frequency(externalId);
    List<Step> steps = StepsGoldenTest.aggregations(own,
        own == Frequency.DAILY ? Map.of(Frequency.WEEKLY, DayOfWeek.MONDAY, Frequency.BIWEEKLY, DayOfWeek.FRIDAY) : Map.of());
    StepsGoldenTest golden = new StepsGoldenTest();
    golden.check(externalId, rows(externalId), own, steps, StepsGoldenTest.vintages(AS_OF),
        List.of(new LocalDate[] {null, null}, RANGE));

    // No aggregation and the own frequency, then three methods to each lower frequency (daily: W, BW, M,
    // Q, SA, A, weeks and fortnights also with another ending day; monthly: Q, SA, A; quarterly: SA, A).
    int expectedSteps = switch (own) {
      case DAILY -> 2 + 6 * 3 + 2 * 3;
      case MONTHLY -> 2 + 3 * 3;
      case QUARTERLY -> 2 + 2 * 3;
      default -> throw new AssertionError("no " + own + " demo series");
    };
    assertThat(steps).hasSize(expectedSteps);
    int transforms = Transform.values().length;
    assertThat(golden.compared).hasSize(expectedSteps)
        .allSatisfy((step, reads) -> assertThat(reads).isEqualTo(transforms * 4 * 2));
    // At least the latest view's own values, once per transform and range: the comparison ran over values.
    assertThat(golden.valuesCompared).isGreaterThan(2L * rows(externalId).stream().map(Row::date).distinct().count());
  }

  /** The demo data has what this test claims it covers (if the dataset changes, the claims must be revisited). */
  @Test
  void demoSeriesHaveTheRevisionsAndFrequenciesThisTestNeeds() {
    assertThat(demoSeries()).containsExactly("GDP_GROWTH", "CPI", "UNRATE", "EQUITY_INDEX", "UST10Y", "EURUSD");
    assertThat(Stream.of("GDP_GROWTH", "CPI", "UNRATE").map(DemoDatasetGoldenTest::maxVintagesPerDate))
        .containsExactly(3, 2, 2);
    assertThat(Stream.of("EQUITY_INDEX", "UST10Y", "EURUSD").map(DemoDatasetGoldenTest::maxVintagesPerDate))
        .containsOnly(1);
    assertThat(rows("GDP_GROWTH")).anyMatch(r -> r.value() != null && r.value().signum() <= 0);
    // Market holidays are published as missing (FRED's "."): the daily series hold stored missing values.
    assertThat(Stream.of("EQUITY_INDEX", "UST10Y", "EURUSD"))
        .allSatisfy(id -> assertThat(rows(id)).anyMatch(r -> r.value() == null));
    assertThat(rows("EQUITY_INDEX")).filteredOn(r -> r.value() == null)
        .extracting(Row::date).contains(LocalDate.of(2020, 12, 25), LocalDate.of(2024, 7, 4));
    assertThat(frequency("GDP_GROWTH")).isEqualTo(Frequency.QUARTERLY);
    assertThat(frequency("CPI")).isEqualTo(Frequency.MONTHLY);
    assertThat(frequency("EQUITY_INDEX")).isEqualTo(Frequency.DAILY);
  }

  private static int maxVintagesPerDate(String externalId) {
    Map<LocalDate, Integer> perDate = new HashMap<>();
    rows(externalId).forEach(r -> perDate.merge(r.date(), 1, Integer::sum));
    return perDate.values().stream().max(Integer::compare).orElse(0);
  }
}
