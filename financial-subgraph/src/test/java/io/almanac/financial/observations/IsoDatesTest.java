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

  /** The bytes the CSV export writes, for every day of the fast range's margins, as the JDK writes them. */
  @Test
  void writesBytesOfDatesOutsideTheFastRangeToo() {
    byte[] out = new byte[40];
    for (int day : new int[] {-719_528, -719_469, IsoDates.FIRST_FAST_DAY, -719_529, IsoDates.LAST_FAST_DAY + 1,
        0}) {
      out[0] = ',';
      int end = IsoDates.write(day, out, 1);
      assertThat(new String(out, 1, end - 1, java.nio.charset.StandardCharsets.ISO_8859_1)).as("epoch day %d", day)
          .isEqualTo(LocalDate.ofEpochDay(day).toString());
    }
    assertThat(LocalDate.ofEpochDay(-719_528)).isEqualTo(LocalDate.of(0, 1, 1));
  }
}
