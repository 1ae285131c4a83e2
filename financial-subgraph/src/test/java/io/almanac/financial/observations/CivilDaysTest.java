package io.almanac.financial.observations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** {@link CivilDays} against {@code java.time} for every day of seven centuries and a few far ones. */
class CivilDaysTest {

  private static void check(LocalDate date) {
    int day = (int) date.toEpochDay();
    expect(CivilDays.monthIndex(day), date.getYear() * 12 + date.getMonthValue() - 1, "month index", date);
    expect(CivilDays.minusOneYear(day), date.minusYears(1).toEpochDay(), "a year earlier", date);
    expect(CivilDays.dayOfWeek(day), date.getDayOfWeek().getValue() - 1, "day of week", date);
    if (date.getDayOfMonth() == 1) {
      expect(CivilDays.firstDayOfMonth(CivilDays.monthIndex(day)), day, "first day of the month", date);
    }
  }

  /** A plain comparison: this runs for a quarter of a million days. */
  private static void expect(long actual, long expected, String what, LocalDate date) {
    if (actual != expected) {
      fail(what + " of " + date + ": expected " + expected + ", got " + actual);
    }
  }

  @Test
  void agreesWithLocalDateOnEveryDayFrom1600To2300() {
    CivilDays.YearEarlier ascending = new CivilDays.YearEarlier();
    for (LocalDate date = LocalDate.of(1600, 1, 1); date.getYear() < 2300; date = date.plusDays(1)) {
      check(date);
      expect(ascending.of((int) date.toEpochDay()), date.minusYears(1).toEpochDay(), "a year earlier, ascending", date);
    }
  }

  @Test
  void aYearEarlierInAnyOrder() {
    CivilDays.YearEarlier any = new CivilDays.YearEarlier();
    java.util.Random random = new java.util.Random(5);
    for (int i = 0; i < 100_000; i++) {
      LocalDate date = LocalDate.ofEpochDay(random.nextInt(200_000) - 100_000);
      expect(any.of((int) date.toEpochDay()), date.minusYears(1).toEpochDay(), "a year earlier, shuffled", date);
    }
  }

  @Test
  void agreesWithLocalDateFarFromTheEpoch() {
    for (LocalDate date : new LocalDate[] {LocalDate.of(-4713, 11, 24), LocalDate.of(0, 2, 29), LocalDate.of(0, 3, 1),
        LocalDate.of(-1, 12, 31), LocalDate.of(9999, 12, 31), LocalDate.of(400_000, 2, 29), LocalDate.of(-400_001, 3, 1)}) {
      check(date);
    }
  }

  @Test
  void february29GoesToFebruary28OfTheYearBefore() {
    assertThat(LocalDate.ofEpochDay(CivilDays.minusOneYear((int) LocalDate.of(2024, 2, 29).toEpochDay())))
        .isEqualTo(LocalDate.of(2023, 2, 28));
    assertThat(LocalDate.ofEpochDay(CivilDays.minusOneYear((int) LocalDate.of(2000, 2, 29).toEpochDay())))
        .isEqualTo(LocalDate.of(1999, 2, 28));
  }
}
