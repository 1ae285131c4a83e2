package io.almanac.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The sizes the derived workloads' answers are checked against, on series small enough to count by hand. */
class ExpectedTest {

  /** Calendar days from {@code first} to {@code last}, each published on its day; {@code nulls} missing. */
  private static Dataset.SeriesPoints days(String first, String last, String... nulls) {
    LocalDate from = LocalDate.parse(first);
    int n = (int) (LocalDate.parse(last).toEpochDay() - from.toEpochDay()) + 1;
    int[] dates = new int[n];
    String[] values = new String[n];
    for (int i = 0; i < n; i++) {
      dates[i] = (int) from.toEpochDay() + i;
      values[i] = java.util.List.of(nulls).contains(from.plusDays(i).toString()) ? null : "1.5";
    }
    return new Dataset.SeriesPoints(0, Dataset.Kind.LONG, dates, dates.clone(), values);
  }

  @Test
  void yearAgoRowsAreTheDatesAYearAfterTheFirst() {
    // 2023-01-15 .. 2024-03-10: every date from 2024-01-15 on has one (56 days: 17 in January, 29, 10).
    assertThat(Expected.yearAgoRows(days("2023-01-15", "2024-03-10"))).isEqualTo(17 + 29 + 10);
    assertThat(Expected.yearAgoRows(days("2023-01-15", "2023-12-31"))).isZero();
  }

  @Test
  void monthlyRowsDropAFirstOrLastMonthWithFewerThan17Values() {
    // January from the 15th: 17 days, kept; March to the 16th: 16 days, dropped.
    assertThat(Expected.monthlyAverageRows(days("2023-01-15", "2023-03-16"))).isEqualTo(2);
    // One missing value in January leaves 16: dropped.
    assertThat(Expected.monthlyAverageRows(days("2023-01-15", "2023-03-16", "2023-01-20"))).isEqualTo(1);
    // A missing value in a middle month does not matter; March to the 17th is kept.
    assertThat(Expected.monthlyAverageRows(days("2023-01-15", "2023-03-17", "2023-02-10"))).isEqualTo(3);
    assertThat(Expected.monthlyAverageRows(days("2023-01-01", "2023-01-16"))).isZero();
  }

  @Test
  void latestRowsCountEachDateOnceAndThoseWithAValue() {
    int day = (int) LocalDate.parse("2024-01-01").toEpochDay();
    Dataset.SeriesPoints revised = new Dataset.SeriesPoints(1, Dataset.Kind.REVISED,
        new int[] {day, day, day + 31, day + 60, day + 60}, new int[] {day + 10, day + 40, day + 41, day + 70, day + 90},
        new String[] {"1", null, "2", null, "3"});
    // Three dates; the first's latest vintage is missing, the last's latest has a value.
    assertThat(Expected.latestRows(revised)).containsExactly(3, 2);
  }
}
