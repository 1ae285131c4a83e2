package io.almanac.financial.cost;

import io.almanac.financial.generated.types.Frequency;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;

/**
 * How many observations of a frequency can fall in a date range: an upper bound for a series with at most
 * one observation per period. DAILY counts calendar days (a business-day series has 5/7 of that), WEEKLY
 * and BIWEEKLY dates 7 and 14 days apart, MONTHLY and lower the calendar periods the range touches.
 */
final class Periods {

  private Periods() {}

  /** Observations of {@code frequency} dated in {@code [from, to]}: 0 when {@code from} is after {@code to}. */
  static long between(Frequency frequency, LocalDate from, LocalDate to) {
    if (from.isAfter(to)) {
      return 0;
    }
    long days = ChronoUnit.DAYS.between(from, to);
    long months = (to.getYear() * 12L + to.getMonthValue() - 1) - (from.getYear() * 12L + from.getMonthValue() - 1);
    return switch (frequency) {
      case DAILY -> days + 1;
      case WEEKLY -> days / 7 + 1;
      case BIWEEKLY -> days / 14 + 1;
      case MONTHLY -> months + 1;
      case QUARTERLY -> Math.floorDiv(to.getYear() * 12L + to.getMonthValue() - 1, 3)
          - Math.floorDiv(from.getYear() * 12L + from.getMonthValue() - 1, 3) + 1;
      case SEMIANNUAL -> Math.floorDiv(to.getYear() * 12L + to.getMonthValue() - 1, 6)
          - Math.floorDiv(from.getYear() * 12L + from.getMonthValue() - 1, 6) + 1;
      case ANNUAL -> to.getYear() - from.getYear() + 1L;
    };
  }

  /** 0 for DAILY up to 6 for ANNUAL: a larger rank is a lower frequency. */
  static int rank(Frequency frequency) {
    return frequency.ordinal();
  }
}
