package io.almanac.graphql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScalarsTest {

  /** The direct parse must accept and refuse exactly what {@link LocalDate#parse} does. */
  @Test
  void parseDateAgreesWithLocalDateParse() {
    List<String> inputs = List.of("2024-02-29", "2023-02-29", "2023-02-28", "0000-01-01", "9999-12-31",
        "2024-13-01", "2024-00-10", "2024-04-31", "2024-04-00", "2024-1-01", "2024/01/01", "2024-01-0a",
        "+12345-01-01", "-0001-01-01", "20240101", "2024-01-01T00:00", " 2024-01-01", "２０２４-01-01", "");
    for (String text : inputs) {
      Object expected = outcome(() -> LocalDate.parse(text));
      Object actual = outcome(() -> Scalars.parseDate(text));
      assertThat(actual).as(text).isEqualTo(expected);
    }
    for (LocalDate day = LocalDate.of(1999, 1, 1); day.isBefore(LocalDate.of(2001, 1, 1)); day = day.plusDays(1)) {
      assertThat(Scalars.parseDate(day.toString())).isEqualTo(day);
    }
  }

  @Test
  void invalidDayIsADateTimeParseException() {
    assertThatThrownBy(() -> Scalars.parseDate("2023-02-30")).isInstanceOf(DateTimeParseException.class)
        .hasMessageContaining("2023-02-30");
  }

  @Test
  void parseDecimalRefusesNonFiniteNumbers() {
    assertThat(Scalars.parseDecimal(" 1.50 ")).isEqualTo(new BigDecimal("1.50"));
    for (String text : List.of("NaN", "nan", "Infinity", "-Infinity", "inf", "1e", "")) {
      assertThatThrownBy(() -> Scalars.parseDecimal(text)).as(text).isInstanceOf(NumberFormatException.class);
    }
  }

  /** The parsed date, or the exception class when the parse fails. */
  private static Object outcome(java.util.function.Supplier<LocalDate> parse) {
    try {
      return parse.get();
    } catch (RuntimeException e) {
      return e.getClass();
    }
  }
}
