package io.almanac.bench;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;

/**
 * Sizes of the derived reads' answers, counted from the generated dataset (not by either side): each
 * workload's responses are checked against them on both sides.
 */
final class Expected {

  private Expected() {}

  /** FRED's minimum number of values for the first and the last month of daily data aggregated to monthly. */
  static final int DAILY_TO_MONTHLY_MINIMUM = 17;

  /**
   * Rows of {@code PERCENT_CHANGE_FROM_YEAR_AGO} over a daily series' latest view: every date that has an
   * observation dated one year earlier or before (the others have no predecessor and are omitted).
   */
  static int yearAgoRows(Dataset.SeriesPoints series) {
    int[] dates = latestDates(series);
    LocalDate first = LocalDate.ofEpochDay(dates[0]);
    int rows = 0;
    for (int day : dates) {
      if (!LocalDate.ofEpochDay(day).minusYears(1).isBefore(first)) {
        rows++;
      }
    }
    return rows;
  }

  /**
   * Months of a daily series' latest view aggregated to MONTHLY: every month that holds an observation,
   * except the first and the last when they hold fewer than {@link #DAILY_TO_MONTHLY_MINIMUM} values.
   */
  static int monthlyAverageRows(Dataset.SeriesPoints series) {
    List<YearMonth> months = new ArrayList<>();
    List<Integer> values = new ArrayList<>();
    for (int i = 0; i < series.size(); i++) {
      if (i + 1 < series.size() && series.dates()[i + 1] == series.dates()[i]) {
        continue; // an older vintage of the same date
      }
      YearMonth month = YearMonth.from(LocalDate.ofEpochDay(series.dates()[i]));
      if (months.isEmpty() || !months.get(months.size() - 1).equals(month)) {
        months.add(month);
        values.add(0);
      }
      if (series.values()[i] != null) {
        values.set(values.size() - 1, values.get(values.size() - 1) + 1);
      }
    }
    boolean firstShort = values.get(0) < DAILY_TO_MONTHLY_MINIMUM;
    boolean lastShort = values.get(values.size() - 1) < DAILY_TO_MONTHLY_MINIMUM;
    if (months.size() == 1) {
      return firstShort ? 0 : 1;
    }
    return months.size() - (firstShort ? 1 : 0) - (lastShort ? 1 : 0);
  }

  /**
   * Rows of the latest view of a series: {latest view rows, those with a value}. The series' points are
   * sorted by (date, revision date), so each date's last point is its latest.
   */
  static long[] latestRows(Dataset.SeriesPoints series) {
    long rows = 0;
    long withValue = 0;
    for (int i = 0; i < series.size(); i++) {
      if (i + 1 == series.size() || series.dates()[i + 1] != series.dates()[i]) {
        rows++;
        if (series.values()[i] != null) {
          withValue++;
        }
      }
    }
    return new long[] {rows, withValue};
  }

  private static int[] latestDates(Dataset.SeriesPoints series) {
    return java.util.Arrays.stream(series.dates()).distinct().toArray();
  }
}
