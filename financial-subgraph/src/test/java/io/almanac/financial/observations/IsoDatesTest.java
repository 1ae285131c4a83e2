package io.almanac.financial.observations;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class IsoDatesTest {

  /** Every day of years 0000 to 9999 and a margin either side, against the JDK's own text. */
  @Test
  void writesEveryDayAsLocalDateDoes() {
    for (int day = IsoDates.FIRST_FAST_DAY - 800; day <= IsoDates.LAST_FAST_DAY + 800; day++) {
      String expected = LocalDate.ofEpochDay(day).toString();
      String actual = IsoDates.format(day);
      if (!actual.equals(expected)) {
        assertThat(actual).as("epoch day %d", day).isEqualTo(expected);
      }
    }
  }

  @Test
  void boundsAndDatesBeyondFourDigitYears() {
    assertThat(IsoDates.format(0)).isEqualTo("1970-01-01");
    assertThat(IsoDates.format(IsoDates.FIRST_FAST_DAY)).isEqualTo("0000-03-01");
    assertThat(IsoDates.format(IsoDates.LAST_FAST_DAY)).isEqualTo("9999-12-31");
    assertThat(IsoDates.format(IsoDates.LAST_FAST_DAY + 1)).isEqualTo("+10000-01-01");
    assertThat(IsoDates.format(-719_529)).isEqualTo("-0001-12-31");
    assertThat(IsoDates.format(19_782)).isEqualTo("2024-02-29");
  }
}
