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

  /**
   * A Decimal given as a JSON number keeps its text up to 15 significant digits and is refused past them,
   * since a double (what the gateway parsed it into) holds no more; strings are exact at any precision.
   */
  /** BigDecimal reads any script's digits; a Decimal is ASCII, so "١٢٣" (Arabic-Indic) is no 123. */
  @Test
  void parseDecimalRefusesDigitsOfOtherScripts() {
    assertThat(new BigDecimal("\u0661\u0662\u0663")).isEqualTo(new BigDecimal("123")); // what Java alone does
    for (String text : List.of("\u0661\u0662\u0663", "1\u0662.5", "\uFF11", "12\u00B75")) {
      assertThatThrownBy(() -> Scalars.parseDecimal(text)).as(text).isInstanceOf(NumberFormatException.class);
    }
  }

  /** Ids are ASCII digits: other scripts' digits, signs and blanks name nothing (Long.valueOf took "١" and "+1"). */
  @Test
  void idsAreAsciiDigitsOnly() {
    assertThat(Ids.parse("42")).isEqualTo(42L);
    assertThat(Ids.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    for (String id : java.util.Arrays.asList("\u0661", "+1", "-1", " 1", "", "9223372036854775808", "12345678901234567890",
        "0x1", null)) {
      assertThat(Ids.parse(id)).as("'%s'", id).isNull();
    }
  }

  @Test
  void decimalNumbersPast15SignificantDigitsAreRefused() {
    graphql.schema.Coercing<?, ?> strict = Scalars.DECIMAL.getCoercing();
    graphql.GraphQLContext context = graphql.GraphQLContext.getDefault();
    java.util.Locale locale = java.util.Locale.ROOT;
    assertThat(strict.parseValue(123456789.012345, context, locale)).isEqualTo(new BigDecimal("123456789.012345"));
    assertThat(strict.parseValue(0.1, context, locale)).isEqualTo(new BigDecimal("0.1"));
    assertThat((BigDecimal) strict.parseValue(100000000000000000000.0, context, locale)).isEqualByComparingTo("1E+20");
    assertThat(strict.parseValue("1234567890.1234567891", context, locale))
        .isEqualTo(new BigDecimal("1234567890.1234567891"));
    assertThatThrownBy(() -> strict.parseValue(1234567890.1234567891, context, locale))
        .isInstanceOf(graphql.schema.CoercingParseValueException.class)
        .hasMessageContaining("1234567890.1234567").hasMessageContaining("send decimals as strings");
    assertThatThrownBy(() -> strict.parseLiteral(new graphql.language.FloatValue(new BigDecimal("1234567890.1234567891")),
        graphql.execution.CoercedVariables.emptyVariables(), context, locale))
        .isInstanceOf(graphql.schema.CoercingParseLiteralException.class)
        .hasMessageContaining("1234567890.1234567891");
    graphql.schema.Coercing<?, ?> raw = Scalars.RAW_DECIMAL.getCoercing();
    assertThat(raw.parseValue(1234567890.1234567891, context, locale))
        .isEqualTo(new Scalars.DecimalNumber("1234567890.1234567"));
    assertThat(((Scalars.DecimalNumber) raw.parseValue(1234567890.1234567891, context, locale)).mayBeRounded()).isTrue();
    assertThat(((Scalars.DecimalNumber) raw.parseValue(123456789012345L, context, locale)).mayBeRounded()).isFalse();
    assertThat(raw.parseValue("1234567890.1234567891", context, locale)).isEqualTo("1234567890.1234567891");
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
