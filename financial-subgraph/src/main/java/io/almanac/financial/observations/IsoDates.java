package io.almanac.financial.observations;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

/**
 * ISO-8601 text of epoch days, as {@link LocalDate#toString()} writes it, for the columnar data path
 * (a string per point of up to 100,000): years 0000 to 9999 are written straight into ten bytes
 * without a {@code LocalDate} or a {@code StringBuilder}; other dates go through {@code LocalDate}. Public
 * for the exports' CSV, which writes the same bytes straight into its buffer ({@link #write}).
 */
public final class IsoDates {

  /** 0000-03-01: the first date written directly (calendar fields from {@link CivilDays}); earlier ones go through LocalDate. */
  static final int FIRST_FAST_DAY = -719_468;
  /** 9999-12-31. */
  static final int LAST_FAST_DAY = 2_932_896;

  private IsoDates() {}

  /** {@code LocalDate.ofEpochDay(epochDay).toString()}. */
  public static String format(int epochDay) {
    if (epochDay < FIRST_FAST_DAY || epochDay > LAST_FAST_DAY) {
      return LocalDate.ofEpochDay(epochDay).toString();
    }
    byte[] text = new byte[10];
    write(epochDay, text, 0);
    return new String(text, StandardCharsets.ISO_8859_1);
  }

  /**
   * Writes the ASCII bytes of {@link #format} into {@code out} at {@code at}: ten bytes for dates from
   * {@link #FIRST_FAST_DAY} to {@link #LAST_FAST_DAY}, written directly; any other date (0000-01-01 to
   * 0000-02-29, which uploads accept, or years beyond four digits) through {@code LocalDate}, at most 16 bytes.
   *
   * @return the position after the date
   */
  public static int write(int epochDay, byte[] out, int at) {
    if (epochDay < FIRST_FAST_DAY || epochDay > LAST_FAST_DAY) {
      String text = LocalDate.ofEpochDay(epochDay).toString();
      for (int i = 0; i < text.length(); i++) {
        out[at + i] = (byte) text.charAt(i);
      }
      return at + text.length();
    }
    long civil = CivilDays.civil(epochDay);
    int year = (int) CivilDays.year(civil);
    int month = CivilDays.month(civil);
    int day = CivilDays.day(civil);
    out[at] = digit(year / 1000);
    out[at + 1] = digit(year / 100 % 10);
    out[at + 2] = digit(year / 10 % 10);
    out[at + 3] = digit(year % 10);
    out[at + 4] = '-';
    out[at + 5] = digit(month / 10);
    out[at + 6] = digit(month % 10);
    out[at + 7] = '-';
    out[at + 8] = digit(day / 10);
    out[at + 9] = digit(day % 10);
    return at + 10;
  }

  private static byte digit(int value) {
    return (byte) ('0' + value);
  }
}
