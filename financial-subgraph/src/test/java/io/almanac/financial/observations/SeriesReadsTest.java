package io.almanac.financial.observations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.almanac.financial.generated.types.Aggregation;
import io.almanac.financial.generated.types.DayOfWeek;
import io.almanac.financial.generated.types.Frequency;
import io.almanac.financial.generated.types.Transform;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.store.SeriesHistory;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The read pipeline's rules case by case, on small hand-made histories whose expected rows are worked
 * out in the comments (the golden test covers every combination on long series).
 */
class SeriesReadsTest {

  private static LocalDate d(String iso) {
    return LocalDate.parse(iso);
  }

  /** A history with one vintage per date, published on the date itself; "-" is a missing value. */
  private static SeriesHistory series(String... dateEqualsValue) {
    int[] dates = new int[dateEqualsValue.length];
    BigDecimal[] values = new BigDecimal[dateEqualsValue.length];
    for (int i = 0; i < dates.length; i++) {
      String[] parts = dateEqualsValue[i].split("=");
      dates[i] = (int) d(parts[0]).toEpochDay();
      values[i] = parts[1].equals("-") ? null : new BigDecimal(parts[1]);
    }
    return SeriesHistory.of(1, dates, dates, values);
  }

  /** Every day of {@code [from, to]} with value {@code value(day)}. */
  private static SeriesHistory days(LocalDate from, LocalDate to, java.util.function.Function<LocalDate, String> value) {
    List<String> rows = new ArrayList<>();
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      rows.add(day + "=" + value.apply(day));
    }
    return series(rows.toArray(String[]::new));
  }

  private static ViewRequest steps(Transform transform, Frequency frequency, Aggregation aggregation) {
    return new ViewRequest(null, null, null, false, transform, frequency, aggregation, null);
  }

  /** Each position as "date=value" (the exact value, "-" when missing). */
  private static List<String> rows(SeriesView view) {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < view.size(); i++) {
      BigDecimal value = view.value(i);
      rows.add(view.date(i) + "=" + (value == null ? "-" : value.toPlainString()));
    }
    return rows;
  }

  private static String argumentOf(Runnable read) {
    try {
      read.run();
    } catch (AlmanacGraphQLException e) {
      assertThat(e.extensions()).containsEntry("code", "BAD_USER_INPUT");
      return (String) e.extensions().get("argument");
    }
    throw new AssertionError("no error");
  }

  @Test
  void aWeekCountsForTheMonthItEndsIn() {
    // FRED's example: the week ending Friday 2010-09-03 counts for September, not August.
    SeriesHistory weekly = series("2010-08-06=1", "2010-08-13=2", "2010-08-20=3", "2010-08-27=4",
        "2010-09-03=10", "2010-09-10=20", "2010-09-17=30", "2010-09-24=40");
    assertThat(rows(SeriesReads.read(weekly, Frequency.WEEKLY, steps(null, Frequency.MONTHLY, Aggregation.SUM))))
        .containsExactly("2010-08-01=10", "2010-09-01=100");
  }

  @Test
  void weeksEndOnTheirDayAndTwoWeekPeriodsCountFromTheFirstSuchDaySince1970() {
    SeriesHistory daily = days(d("2024-01-01"), d("2024-02-29"), day -> String.valueOf(day.getDayOfMonth()));
    // Weeks ending Friday: 2024-01-05 holds Mon 1 to Fri 5 (5 days >= FRED's 4), then full weeks; the last
    // week, ending Friday 2024-03-01, holds Sat 24 to Thu 29 February (6 days).
    assertThat(rows(SeriesReads.read(daily, Frequency.DAILY, steps(null, Frequency.WEEKLY, Aggregation.END_OF_PERIOD))))
        .containsExactly("2024-01-05=5", "2024-01-12=12", "2024-01-19=19", "2024-01-26=26", "2024-02-02=2",
            "2024-02-09=9", "2024-02-16=16", "2024-02-23=23", "2024-03-01=29");
    // Ending Sunday instead: the first week (Mon 1 to Sun 7) is full.
    ViewRequest sundays = new ViewRequest(null, d("2024-01-21"), null, false, null, Frequency.WEEKLY,
        Aggregation.END_OF_PERIOD, DayOfWeek.SUNDAY);
    assertThat(rows(SeriesReads.read(daily, Frequency.DAILY, sundays)))
        .containsExactly("2024-01-07=7", "2024-01-14=14", "2024-01-21=21");
    // Two-week periods ending Wednesday: the first Wednesday from 1970-01-01 on is 1970-01-07 (epoch day 6);
    // 2024-01-10 is epoch day 19732 = 6 + 14 x 1409, so periods end 2024-01-10, 01-24, 02-07, 02-21, 03-06.
    // The first holds 10 days and the last 8 (Thursday 22 to Thursday 29 February), both >= FRED's 8.
    assertThat(rows(SeriesReads.read(daily, Frequency.DAILY, steps(null, Frequency.BIWEEKLY, Aggregation.END_OF_PERIOD))))
        .containsExactly("2024-01-10=10", "2024-01-24=24", "2024-02-07=7", "2024-02-21=21", "2024-03-06=29");
  }

  @Test
  void firstAndLastPeriodsNeedFredsMinimumAndMissingValuesAreIgnoredBetween() {
    SeriesHistory monthly = series("2015-01-01=-", "2015-02-01=-", "2015-03-01=1", "2015-04-01=2", "2015-05-01=3",
        "2015-06-01=4", "2015-07-01=-", "2015-08-01=-", "2015-09-01=-", "2015-10-01=5", "2015-11-01=-",
        "2015-12-01=7", "2016-01-01=8", "2016-02-01=9", "2016-03-01=10", "2016-04-01=11", "2016-05-01=12");
    // Quarters: Q1 2015 holds one value (March; Jan and Feb are missing) < 3: dropped; Q2 1+2+3... averaged;
    // Q3 only missing values, between the first and last value: missing; Q4 6 = (5 + 7) / 2, the missing
    // November ignored; Q1 2016 = 9; Q2 2016 holds two values < 3: dropped.
    assertThat(rows(SeriesReads.read(monthly, Frequency.MONTHLY, steps(null, Frequency.QUARTERLY, null))))
        .containsExactly("2015-04-01=3", "2015-07-01=-", "2015-10-01=6", "2016-01-01=9");
    // Years: 2015 is the first period (6 values < 12), 2016 the last (5 < 12): nothing.
    assertThat(SeriesReads.read(monthly, Frequency.MONTHLY, steps(null, Frequency.ANNUAL, null)).isEmpty()).isTrue();
    // Halves: H1 2015 holds 4 values < 6, H2 2015 is in the middle (2 values: 12), H1 2016 holds 5 < 6.
    assertThat(rows(SeriesReads.read(monthly, Frequency.MONTHLY, steps(null, Frequency.SEMIANNUAL, Aggregation.SUM))))
        .containsExactly("2015-07-01=12");
  }

  @Test
  void transformsFollowFredsFormulasWithMissingForWhatHasNoValue() {
    // Values whose ratios are exact in binary, so that the percentages are round numbers.
    SeriesHistory quarterly = series("2023-01-01=100", "2023-04-01=125", "2023-07-01=0", "2023-10-01=5",
        "2024-01-01=-", "2024-04-01=-4", "2024-07-01=8");
    assertThat(rows(SeriesReads.read(quarterly, Frequency.QUARTERLY, steps(Transform.CHANGE, null, null))))
        .containsExactly("2023-04-01=25", "2023-07-01=-125", "2023-10-01=5", "2024-01-01=-", "2024-04-01=-",
            "2024-07-01=12");
    // 125 / 100 - 1 = 25 %; 0 / 125 - 1 = -100 %; 5 / 0: division by zero; -4 after missing; 8 / -4 - 1 = -300 %.
    assertThat(rows(SeriesReads.read(quarterly, Frequency.QUARTERLY, steps(Transform.PERCENT_CHANGE, null, null))))
        .containsExactly("2023-04-01=25", "2023-07-01=-100", "2023-10-01=-", "2024-01-01=-", "2024-04-01=-",
            "2024-07-01=-300");
    // ln of 0 and of -4 have no value.
    SeriesView logs = SeriesReads.read(quarterly, Frequency.QUARTERLY, steps(Transform.NATURAL_LOG, null, null));
    assertThat(logs.value(0)).isEqualTo(SeriesView.shortestDecimal(Math.log(100)));
    assertThat(rows(logs).subList(2, 7)).containsExactly("2023-07-01=-", "2023-10-01=" + SeriesView.shortestDecimal(Math.log(5)),
        "2024-01-01=-", "2024-04-01=-", "2024-07-01=" + SeriesView.shortestDecimal(Math.log(8)));
    // Compounded annual rate of quarters: n = 4; 1.25^4 = 2.44140625. Continuously compounded: 100 ln 1.25, x 4.
    SeriesView pca = SeriesReads.read(quarterly, Frequency.QUARTERLY, steps(Transform.COMPOUNDED_ANNUAL_RATE, null, null));
    assertThat(pca.doubleValue(0)).isCloseTo(144.140625, org.assertj.core.data.Offset.offset(1e-9));
    SeriesView cca = SeriesReads.read(quarterly, Frequency.QUARTERLY,
        steps(Transform.CONTINUOUSLY_COMPOUNDED_ANNUAL, null, null));
    assertThat(cca.doubleValue(0)).isCloseTo(89.257420525683, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(cca.isMissing(1)).as("ln 0").isTrue();
    // A year ago for quarters is four rows back: 2024-01-01 has 2023-01-01, 2024-04-01 has 2023-04-01.
    assertThat(rows(SeriesReads.read(quarterly, Frequency.QUARTERLY, steps(Transform.CHANGE_FROM_YEAR_AGO, null, null))))
        .containsExactly("2024-01-01=-", "2024-04-01=-129", "2024-07-01=8");
  }

  @Test
  void aDailyYearAgoIsTheSameDayOrTheLastBeforeIt() {
    SeriesHistory daily = series("2023-02-24=100", "2023-02-28=200", "2023-03-01=300", "2024-02-28=110",
        "2024-02-29=220", "2024-03-01=330", "2024-03-04=400");
    // 2024-02-28 and 2024-02-29 both look at 2023-02-28 (February 29 goes to the 28th), 2024-03-01 at
    // 2023-03-01; 2024-03-04 has no 2023-03-04 and takes the last day before it, 2023-03-01.
    assertThat(rows(SeriesReads.read(daily, Frequency.DAILY, steps(Transform.CHANGE_FROM_YEAR_AGO, null, null))))
        .containsExactly("2024-02-28=-90", "2024-02-29=20", "2024-03-01=30", "2024-03-04=100");
  }

  @Test
  void transformsLookBackBeforeFromAndCarryTheirInputsRevisions() {
    // Two vintages: January revised in April, February first published in March.
    SeriesHistory monthly = SeriesHistory.of(1,
        new int[] {day("2024-01-01"), day("2024-01-01"), day("2024-02-01"), day("2024-03-01")},
        new int[] {day("2024-02-15"), day("2024-04-10"), day("2024-03-15"), day("2024-04-15")},
        new BigDecimal[] {new BigDecimal("100"), new BigDecimal("101"), new BigDecimal("103"), new BigDecimal("99")});
    ViewRequest fromFebruary = new ViewRequest(d("2024-02-01"), null, null, false, Transform.CHANGE, null, null, null);
    SeriesView changes = SeriesReads.read(monthly, Frequency.MONTHLY, fromFebruary);
    // February's change is from January, before `from`: 103 - 101, published when January's revision was.
    assertThat(rows(changes)).containsExactly("2024-02-01=2", "2024-03-01=-4");
    assertThat(changes.revisionDate(0)).isEqualTo(d("2024-04-10"));
    assertThat(changes.originalRelease(0)).as("January's input is a revision").isFalse();
    assertThat(changes.revisionDate(1)).isEqualTo(d("2024-04-15"));
    assertThat(changes.originalRelease(1)).isTrue();
    assertThat(changes.supersededOn(0)).isNull();
    // As of March 20 January was 100 and March unpublished.
    SeriesView asOf = SeriesReads.read(monthly, Frequency.MONTHLY, fromFebruary.withAsOf(d("2024-03-20")));
    assertThat(rows(asOf)).containsExactly("2024-02-01=3");
    assertThat(asOf.originalRelease(0)).isTrue();
    // First releases: January's 100.
    ViewRequest firstReleases = new ViewRequest(null, null, null, true, Transform.CHANGE, null, null, null);
    assertThat(rows(SeriesReads.read(monthly, Frequency.MONTHLY, firstReleases)))
        .containsExactly("2024-02-01=3", "2024-03-01=-4");
  }

  @Test
  void aPlainReadIsTheHistorysOwnRowsAndTheOwnFrequencyIsNoAggregation() {
    SeriesHistory monthly = SeriesHistory.of(1, new int[] {day("2024-01-01"), day("2024-01-01"), day("2024-02-01")},
        new int[] {day("2024-02-15"), day("2024-03-15"), day("2024-03-15")},
        new BigDecimal[] {new BigDecimal("1.5"), new BigDecimal("1.25"), new BigDecimal("2")});
    for (ViewRequest request : List.of(steps(null, null, null), steps(Transform.LEVEL, Frequency.MONTHLY, null))) {
      SeriesView view = SeriesReads.read(monthly, Frequency.MONTHLY, request);
      assertThat(rows(view)).containsExactly("2024-01-01=1.25", "2024-02-01=2");
      assertThat(view.previousValue(0)).as("a history row knows what it replaced").isEqualByComparingTo("1.5");
    }
    ViewRequest firstReleases = new ViewRequest(null, null, null, true, null, null, null, null);
    SeriesView first = SeriesReads.read(monthly, Frequency.MONTHLY, firstReleases);
    assertThat(rows(first)).containsExactly("2024-01-01=1.5", "2024-02-01=2");
    assertThat(first.supersededOn(0)).isEqualTo(d("2024-03-15"));
  }

  @Test
  void latestWithATransformIsTheLastDateWhoseTransformHasAValue() {
    SeriesHistory monthly = series("2024-01-01=100", "2024-02-01=105", "2024-03-01=-", "2024-04-01=110", "2024-05-01=-");
    assertThat(rows(SeriesReads.latest(monthly, Frequency.MONTHLY, null, null))).containsExactly("2024-04-01=110");
    // April's change has no value (March is missing): February's is the latest.
    assertThat(rows(SeriesReads.latest(monthly, Frequency.MONTHLY, null, Transform.CHANGE)))
        .containsExactly("2024-02-01=5");
    assertThat(rows(SeriesReads.latest(monthly, Frequency.MONTHLY, null, Transform.NATURAL_LOG)))
        .containsExactly("2024-04-01=" + SeriesView.shortestDecimal(Math.log(110)));
    assertThat(SeriesReads.latest(monthly, Frequency.MONTHLY, null, Transform.CHANGE_FROM_YEAR_AGO).isEmpty()).isTrue();
    assertThat(SeriesReads.latest(monthly, Frequency.MONTHLY, d("2023-12-31"), Transform.CHANGE).isEmpty()).isTrue();
  }

  @Test
  void argumentErrorsNameTheArgument() {
    SeriesHistory monthly = series("2024-01-01=1");
    assertThat(argumentOf(() -> SeriesReads.read(monthly, Frequency.MONTHLY, steps(null, Frequency.WEEKLY, null))))
        .isEqualTo("frequency");
    assertThat(argumentOf(() -> steps(null, null, Aggregation.SUM))).isEqualTo("aggregation");
    assertThat(argumentOf(() -> new ViewRequest(null, null, null, false, null, null, null, DayOfWeek.MONDAY)))
        .isEqualTo("weekEnding");
    assertThat(argumentOf(() -> new ViewRequest(null, null, null, false, null, Frequency.MONTHLY, null, DayOfWeek.MONDAY)))
        .isEqualTo("weekEnding");
    assertThat(argumentOf(() -> new ViewRequest(d("2024-02-01"), d("2024-01-01"), null, false, null, null, null, null)))
        .isEqualTo("from");
    assertThatThrownBy(() -> Frequencies.minimumObservations(Frequency.MONTHLY, Frequency.MONTHLY))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static int day(String iso) {
    return (int) d(iso).toEpochDay();
  }
}
