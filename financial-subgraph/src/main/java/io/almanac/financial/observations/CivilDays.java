package io.almanac.financial.observations;

/**
 * Calendar arithmetic on epoch days (days since 1970-01-01, proleptic Gregorian, as {@code LocalDate}
 * counts them) without a {@code LocalDate} per call: the steps ask it once per observation or per
 * period. Conversions are H. Hinnant's {@code civil_from_days} / {@code days_from_civil} (400-year
 * eras of 146,097 days, years counted from March so that the leap day ends a year).
 */
final class CivilDays {

  /** Days from 0000-03-01 to 1970-01-01. */
  private static final long SHIFT = 719_468;
  private static final int DAYS_PER_ERA = 146_097;

  private CivilDays() {}

  /**
   * The month of {@code epochDay} as a month count, {@code year * 12 + (month - 1)}: consecutive months
   * are consecutive numbers (quarters, halves and years start at multiples of 3, 6 and 12).
   */
  static int monthIndex(int epochDay) {
    long civil = civil(epochDay);
    return Math.toIntExact(year(civil) * 12 + month(civil) - 1);
  }

  /** The epoch day of the first day of month {@code monthIndex} (see {@link #monthIndex}). */
  static int firstDayOfMonth(int monthIndex) {
    return toEpochDay(Math.floorDiv(monthIndex, 12), Math.floorMod(monthIndex, 12) + 1, 1);
  }

  /**
   * The same month and day one year earlier, as {@code LocalDate.minusYears(1)} gives it: February 29
   * becomes February 28 of the year before.
   */
  static int minusOneYear(int epochDay) {
    long civil = civil(epochDay);
    long year = year(civil) - 1;
    int month = month(civil);
    int day = day(civil);
    if (month == 2 && day == 29 && !isLeap(year)) {
      day = 28;
    }
    return toEpochDay(year, month, day);
  }

  /**
   * {@link #minusOneYear} for many days, with one calendar conversion per month instead of one per day
   * (the conversions cost about 40 ns each, most of a daily year-over-year transform): a day's year-ago
   * is the same offset into the same month a year earlier, at most that month's last day.
   */
  static final class YearEarlier {

    private int monthStart = 1;
    private int monthEnd = 0;
    private int earlierStart;
    private int earlierLast;

    int of(int epochDay) {
      if (epochDay < monthStart || epochDay >= monthEnd) {
        int month = monthIndex(epochDay);
        monthStart = firstDayOfMonth(month);
        monthEnd = firstDayOfMonth(month + 1);
        earlierStart = firstDayOfMonth(month - 12);
        earlierLast = firstDayOfMonth(month - 11) - 1;
      }
      return Math.min(earlierStart + (epochDay - monthStart), earlierLast);
    }
  }

  /** Day of the week, 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday, 3). */
  static int dayOfWeek(int epochDay) {
    return (int) Math.floorMod(epochDay + 3L, 7L);
  }

  private static boolean isLeap(long year) {
    return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  }

  /** Year, month and day of {@code epochDay}, packed as {@code year << 9 | month << 5 | day}. */
  static long civil(int epochDay) {
    long days = epochDay + SHIFT;
    long era = Math.floorDiv(days, DAYS_PER_ERA);
    long dayOfEra = days - era * DAYS_PER_ERA;
    long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long monthFromMarch = (5 * dayOfYear + 2) / 153;
    long day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1;
    long month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    return year << 9 | month << 5 | day;
  }

  static long year(long civil) {
    return civil >> 9;
  }

  static int month(long civil) {
    return (int) (civil >> 5 & 0xF);
  }

  static int day(long civil) {
    return (int) (civil & 0x1F);
  }

  private static int toEpochDay(long year, int month, int day) {
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yearOfEra = y - era * 400;
    long dayOfYear = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return Math.toIntExact(era * DAYS_PER_ERA + dayOfEra - SHIFT);
  }
}
