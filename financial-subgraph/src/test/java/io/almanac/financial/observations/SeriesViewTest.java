package io.almanac.financial.observations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.almanac.store.SeriesHistory;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link SeriesView} over a small hand-made history, without Spring or a database. Every expected
 * value below is written out from the history's rows, not computed by the store.
 */
class SeriesViewTest {

  private static final LocalDate Q1 = LocalDate.parse("2024-01-01");
  private static final LocalDate Q2 = LocalDate.parse("2024-04-01");
  private static final LocalDate Q3 = LocalDate.parse("2024-07-01");
  private static final LocalDate Q4 = LocalDate.parse("2024-10-01");

  /**
   * The rows, in key order:
   * <pre>
   *   date        revision    value
   *   2024-01-01  2024-04-25  1.6    advance
   *   2024-01-01  2024-05-30  1.3    second
   *   2024-01-01  2024-06-27  1.40   third (trailing zero dropped on read)
   *   2024-04-01  2024-07-25  2.8    advance
   *   2024-04-01  2024-08-29  -      revised to missing
   *   2024-07-01  2024-10-30  -      missing from the start
   *   2024-10-01  2025-01-30  2.3    advance
   * </pre>
   */
  private static SeriesHistory gdp() {
    return SeriesHistory.of(1,
        days("2024-01-01", "2024-01-01", "2024-01-01", "2024-04-01", "2024-04-01", "2024-07-01", "2024-10-01"),
        days("2024-04-25", "2024-05-30", "2024-06-27", "2024-07-25", "2024-08-29", "2024-10-30", "2025-01-30"),
        new BigDecimal[] {new BigDecimal("1.6"), new BigDecimal("1.3"), new BigDecimal("1.40"),
            new BigDecimal("2.8"), null, null, new BigDecimal("2.3")});
  }

  private static int[] days(String... iso) {
    int[] days = new int[iso.length];
    for (int i = 0; i < iso.length; i++) {
      days[i] = (int) LocalDate.parse(iso[i]).toEpochDay();
    }
    return days;
  }

  private static LocalDate d(String iso) {
    return LocalDate.parse(iso);
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

  /** Each position as "revisionDate/supersededOn/originalRelease". */
  private static List<String> revisionColumns(SeriesView view) {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < view.size(); i++) {
      rows.add(view.revisionDate(i) + "/" + view.supersededOn(i) + "/" + view.originalRelease(i));
    }
    return rows;
  }

  @Test
  void asOfTakesTheLatestRevisionPublishedByThenForEachDate() {
    SeriesHistory h = gdp();
    assertThat(rows(SeriesView.of(h, null, null, null)))
        .containsExactly("2024-01-01=1.4", "2024-04-01=-", "2024-07-01=-", "2024-10-01=2.3");
    assertThat(rows(SeriesView.of(h, d("2024-06-01"), null, null))).containsExactly("2024-01-01=1.3");
    assertThat(rows(SeriesView.of(h, d("2024-07-25"), null, null))).containsExactly("2024-01-01=1.4", "2024-04-01=2.8");
    assertThat(rows(SeriesView.of(h, d("2024-11-01"), null, null)))
        .containsExactly("2024-01-01=1.4", "2024-04-01=-", "2024-07-01=-");
    assertThat(SeriesView.of(h, d("2024-04-24"), null, null).isEmpty()).isTrue();
  }

  @Test
  void fromAndToAreInclusiveAndCombineWithAsOf() {
    SeriesHistory h = gdp();
    assertThat(rows(SeriesView.of(h, null, Q2, Q3))).containsExactly("2024-04-01=-", "2024-07-01=-");
    assertThat(rows(SeriesView.of(h, d("2024-08-01"), Q2, null))).containsExactly("2024-04-01=2.8");
    assertThat(rows(SeriesView.of(h, null, Q1.plusDays(1), Q2.minusDays(1)))).isEmpty();
    assertThat(rows(SeriesView.of(h, null, Q3, Q2))).as("from after to").isEmpty();
  }

  @Test
  void datesAreEpochDaysAndMissingValuesAreNaNAndNull() {
    SeriesView view = SeriesView.of(gdp(), null, null, null);
    assertThat(view.size()).isEqualTo(4);
    assertThat(view.epochDay(0)).isEqualTo(19723); // 2024-01-01: 54 years and 13 leap days after 1970-01-01
    assertThat(view.epochDay(3)).isEqualTo(19723 + 91 + 91 + 92);
    assertThat(view.doubleValue(0)).isEqualTo(1.4);
    assertThat(view.doubleValue(3)).isEqualTo(2.3);
    assertThat(view.isMissing(0)).isFalse();
    assertThat(view.isMissing(1)).isTrue();
    assertThat(view.isMissing(2)).isTrue();
    assertThat(view.doubleValue(1)).isNaN();
    assertThat(view.value(1)).isNull();
    assertThat(view.value(0).toPlainString()).isEqualTo("1.4");
  }

  @Test
  void historyViewsCarryTheRevisionColumnsOfTheirRows() {
    SeriesHistory h = gdp();
    SeriesView latest = SeriesView.of(h, null, null, null);
    assertThat(latest.hasRevisions()).isTrue();
    assertThat(revisionColumns(latest)).containsExactly(
        "2024-06-27/null/false", "2024-08-29/null/false", "2024-10-30/null/true", "2025-01-30/null/true");
    assertThat(revisionColumns(SeriesView.of(h, d("2024-06-01"), null, d("2024-06-30"))))
        .containsExactly("2024-05-30/2024-06-27/false");
    assertThat(revisionColumns(SeriesView.of(h, d("2024-08-01"), Q2, Q2))).containsExactly("2024-07-25/2024-08-29/true");
  }

  @Test
  void revisionsOfADateListEveryVintageOldestFirst() {
    SeriesView q1 = SeriesView.revisionsOf(gdp(), Q1);
    assertThat(rows(q1)).containsExactly("2024-01-01=1.6", "2024-01-01=1.3", "2024-01-01=1.4");
    assertThat(revisionColumns(q1)).containsExactly(
        "2024-04-25/2024-05-30/true", "2024-05-30/2024-06-27/false", "2024-06-27/null/false");
    assertThat(SeriesView.revisionsOf(gdp(), Q1.plusDays(1)).isEmpty()).isTrue();
  }

  @Test
  void latestIsTheLastDateWithAValueInTheAsOfView() {
    SeriesHistory h = gdp();
    assertThat(rows(SeriesView.latest(h, null))).containsExactly("2024-10-01=2.3");
    assertThat(rows(SeriesView.latest(h, d("2024-08-01")))).containsExactly("2024-04-01=2.8");
    // By November Q2 was revised to missing and Q3 came out missing: Q1 is the last with a value.
    assertThat(rows(SeriesView.latest(h, d("2024-11-01")))).containsExactly("2024-01-01=1.4");
    assertThat(revisionColumns(SeriesView.latest(h, d("2024-11-01")))).containsExactly("2024-06-27/null/false");
    assertThat(SeriesView.latest(h, d("2024-04-24")).isEmpty()).isTrue();
  }

  @Test
  void slicesArePagesThatShareTheColumnsAndStayInsideTheirBounds() {
    SeriesView all = SeriesView.of(gdp(), null, null, null);
    SeriesView page = all.slice(1, 3);
    assertThat(page.size()).isEqualTo(2);
    assertThat(rows(page)).containsExactly("2024-04-01=-", "2024-07-01=-");
    assertThat(revisionColumns(page)).containsExactly("2024-08-29/null/false", "2024-10-30/null/true");
    assertThat(rows(page.slice(1, 2))).containsExactly("2024-07-01=-");
    assertThat(all.slice(4, 4).isEmpty()).isTrue();
    // Position 2 of the page would be position 3 of the view: refused, not read through.
    assertThatThrownBy(() -> page.epochDay(2)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> page.value(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> all.slice(2, 5)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> all.slice(3, 2)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void firstAfterIsWhereThePageAfterADateStarts() {
    SeriesView all = SeriesView.of(gdp(), null, null, null);
    assertThat(all.firstAfter(Q1.toEpochDay() - 1)).isEqualTo(0);
    assertThat(all.firstAfter(Q1.toEpochDay())).isEqualTo(1);
    assertThat(all.firstAfter(Q2.toEpochDay() + 1)).isEqualTo(2);
    assertThat(all.firstAfter(Q4.toEpochDay())).isEqualTo(4);
    assertThat(all.firstAfter(Long.MAX_VALUE)).isEqualTo(4);
    SeriesView page = all.slice(2, 4);
    assertThat(page.firstAfter(Q1.toEpochDay())).as("positions of the page, not of the view").isEqualTo(0);
    assertThat(page.firstAfter(Q3.toEpochDay())).isEqualTo(1);
  }

  @Test
  void aViewBuiltWiderCanBeCutToTheRangeAsked() {
    // A step looking back one observation reads from the start, then keeps [from, to].
    SeriesView wide = SeriesView.of(gdp(), d("2024-07-25"), null, Q4);
    assertThat(rows(wide.between(Q2, Q4))).containsExactly("2024-04-01=2.8");
    assertThat(rows(wide.between(null, Q1))).containsExactly("2024-01-01=1.4");
    assertThat(rows(wide.between(Q1.plusDays(1), null))).containsExactly("2024-04-01=2.8");
    assertThat(wide.between(Q1.plusDays(1), Q2.minusDays(1)).isEmpty()).isTrue();
    assertThat(wide.between(Q2, Q1).isEmpty()).as("from after to").isTrue();
    assertThat(revisionColumns(wide.between(Q2, null))).containsExactly("2024-07-25/2024-08-29/true");
  }

  @Test
  void computedViewsHoldPlainColumnsWithoutRevisions() {
    int[] dates = days("2024-01-01", "2024-04-01", "2024-07-01");
    SeriesView view = SeriesView.ofColumns(dates, new double[] {-0.25, Double.NaN, 100.0});
    assertThat(view.size()).isEqualTo(3);
    assertThat(rows(view)).containsExactly("2024-01-01=-0.25", "2024-04-01=-", "2024-07-01=100");
    assertThat(view.isMissing(1)).isTrue();
    assertThat(view.doubleValue(2)).isEqualTo(100.0);
    assertThat(view.hasRevisions()).isFalse();
    assertThatThrownBy(() -> view.revisionDate(0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> view.supersededOn(0)).isInstanceOf(IllegalStateException.class);
    assertThat(rows(view.between(Q2, null))).containsExactly("2024-04-01=-", "2024-07-01=100");
    SeriesView page = view.slice(0, 1);
    assertThat(rows(page)).containsExactly("2024-01-01=-0.25");
    assertThatThrownBy(() -> page.doubleValue(1)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void firstReleasesAreEachDatesFirstRowPublishedByAsOf() {
    SeriesHistory h = gdp();
    SeriesView all = SeriesView.firstReleases(h, null, null, null);
    assertThat(rows(all)).containsExactly("2024-01-01=1.6", "2024-04-01=2.8", "2024-07-01=-", "2024-10-01=2.3");
    assertThat(revisionColumns(all)).containsExactly("2024-04-25/2024-05-30/true", "2024-07-25/2024-08-29/true",
        "2024-10-30/null/true", "2025-01-30/null/true");
    // By August Q2 had been published; its revision to missing (2024-08-29) does not change its first release.
    assertThat(rows(SeriesView.firstReleases(h, d("2024-09-01"), null, null)))
        .containsExactly("2024-01-01=1.6", "2024-04-01=2.8");
    assertThat(rows(SeriesView.firstReleases(h, null, Q2, Q3))).containsExactly("2024-04-01=2.8", "2024-07-01=-");
  }

  @Test
  void derivedRowsCarryTheirRevisionColumnsAndAreNeverSuperseded() {
    int[] dates = days("2024-01-01", "2024-04-01", "2024-07-01");
    SeriesView view = SeriesView.ofColumns(dates, new double[] {0.5, Double.NaN, 2},
        days("2024-05-30", "2024-08-29", "2024-10-30"), new boolean[] {false, true, true});
    assertThat(view.hasRevisions()).isTrue();
    assertThat(revisionColumns(view)).containsExactly(
        "2024-05-30/null/false", "2024-08-29/null/true", "2024-10-30/null/true");
    assertThat(view.revisionEpochDay(2)).isEqualTo(d("2024-10-30").toEpochDay());
    assertThat(view.previousValue(0)).isNull();
    SeriesView cut = view.between(Q2, null).slice(1, 2);
    assertThat(rows(cut)).containsExactly("2024-07-01=2");
    assertThat(revisionColumns(cut)).containsExactly("2024-10-30/null/true");
    assertThatThrownBy(() -> cut.originalRelease(1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> cut.supersededOn(1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> SeriesView.ofColumns(dates, new double[3], new int[2], new boolean[3]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("as long as epochDays (3)");
  }

  @Test
  void derivedValuesAreTheShortestDecimalThatReadsBack() {
    // JDK 17's Double.toString writes 1.0E23 as 9.999999999999999E22 and 2.0E23 as 1.9999999999999998E23.
    assertThat(SeriesView.shortestDecimal(1.0E23).toString()).isEqualTo("1E+23");
    assertThat(SeriesView.shortestDecimal(2.0E23).toString()).isEqualTo("2E+23");
    assertThat(SeriesView.shortestDecimal(8.41E21).toString()).isEqualTo("8.41E+21");
    assertThat(SeriesView.shortestDecimal(2.0E-3).toPlainString()).isEqualTo("0.002");
    assertThat(SeriesView.shortestDecimal(0.1 + 0.2).toPlainString()).isEqualTo("0.30000000000000004");
    assertThat(SeriesView.shortestDecimal(100.0).toPlainString()).isEqualTo("100");
    assertThat(SeriesView.shortestDecimal(-1.5).toPlainString()).isEqualTo("-1.5");
    assertThat(SeriesView.shortestDecimal(Double.MIN_VALUE).toString()).isEqualTo("5E-324");
    SeriesView view = SeriesView.ofColumns(new int[] {0}, new double[] {1.0E23});
    assertThat(view.value(0).toPlainString()).isEqualTo("100000000000000000000000");

    // Any double: the decimal reads back, and its nearest decimal one digit shorter does not.
    java.util.Random random = new java.util.Random(13);
    for (int i = 0; i < 100_000; i++) {
      double value = i % 2 == 0 ? Double.longBitsToDouble(random.nextLong()) : (random.nextInt(2_000_000) - 1e6) / 1e4;
      if (!Double.isFinite(value)) {
        continue;
      }
      BigDecimal decimal = SeriesView.shortestDecimal(value);
      assertThat(decimal.doubleValue()).as("%s reads back", decimal).isEqualTo(value == 0 ? 0.0 : value);
      if (decimal.precision() > 1) {
        BigDecimal shorter = new BigDecimal(value).round(new java.math.MathContext(decimal.precision() - 1));
        assertThat(shorter.doubleValue()).as("%s is not shortest: %s", decimal, shorter).isNotEqualTo(value);
      }
    }
  }

  @Test
  void computedViewsRefuseColumnsThatDoNotLineUp() {
    assertThatThrownBy(() -> SeriesView.ofColumns(new int[] {1, 2}, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 and 1");
    assertThatThrownBy(() -> SeriesView.ofColumns(new int[] {1, 1}, new double[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("strictly ascending");
    assertThat(SeriesView.ofColumns(new int[0], new double[0]).isEmpty()).isTrue();
  }
}
