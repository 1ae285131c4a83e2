package io.almanac.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The one range check of values, and the scaling every row gets on the way in. */
class ObservationRowTest {

  private static final LocalDate DAY = LocalDate.parse("2024-01-01");

  /** The rule as the README states it: at most 10 fractional digits (ignoring trailing zeros) and 28 integer digits. */
  private static boolean fitsByTheRule(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    int fractional = Math.max(stripped.scale(), 0);
    long integer = stripped.signum() == 0 ? 0 : (long) stripped.precision() - stripped.scale();
    return fractional <= 10 && integer <= 28;
  }

  @Test
  void theCheckAgreesWithTheRuleOnEdgesAndRandomValues() {
    List<BigDecimal> values = new ArrayList<>(List.of(
        new BigDecimal("1.0123456789"), new BigDecimal("1.01234567891"), new BigDecimal("1.01234567890000"),
        new BigDecimal("1E+27"), new BigDecimal("1E+28"), new BigDecimal("9999999999999999999999999999.9999999999"),
        new BigDecimal("99999999999999999999999999999"), new BigDecimal("-9999999999999999999999999999"),
        new BigDecimal("0E+40"), new BigDecimal("0E-20"), new BigDecimal("-0.0000000001"),
        new BigDecimal("0.00000000001"), new BigDecimal("100E-12"), BigDecimal.ZERO,
        // Exponents at int's edge: precision - scale overflowed an int and let 1E+2147483647 through.
        new BigDecimal("1E+2147483647"), new BigDecimal("-1E+2147483647"), new BigDecimal("1E-2147483647")));
    Random random = new Random(12);
    for (int i = 0; i < 20_000; i++) {
      values.add(new BigDecimal(new BigInteger(1 + random.nextInt(130), random), random.nextInt(81) - 40)
          .multiply(BigDecimal.valueOf(random.nextBoolean() ? 1 : -1)));
    }
    int fitting = 0;
    for (BigDecimal value : values) {
      boolean expected = fitsByTheRule(value);
      assertThat(ObservationRow.fitsStoredScale(value)).as("fits %s", value).isEqualTo(expected);
      assertThat(TimeseriesWriter.fitsStoredScale(value)).isEqualTo(expected);
      fitting += expected ? 1 : 0;
    }
    // Both answers are well represented, or the comparison proves little.
    assertThat(fitting).isBetween(values.size() / 10, values.size() * 9 / 10);
  }

  @Test
  void rowsHoldTheirValueAtTheStoredScale() {
    ObservationRow row = new ObservationRow(1, DAY, DAY, new BigDecimal("1.50"));
    assertThat(row.value().scale()).isEqualTo(TimeseriesTables.VALUE_SCALE);
    assertThat(row.value().toPlainString()).isEqualTo("1.5000000000");
    assertThat(new ObservationRow(1, DAY, DAY, new BigDecimal("1E+27")).value().toPlainString())
        .isEqualTo("1000000000000000000000000000.0000000000");
    assertThat(new ObservationRow(1, DAY, DAY, new BigDecimal("2.000000000000")).value().toPlainString())
        .isEqualTo("2.0000000000");
    assertThat(new ObservationRow(1, DAY, DAY, null).value()).isNull();

    BigDecimal stored = new BigDecimal("3.1400000000");
    assertThat(ObservationRow.storedValue(stored)).isSameAs(stored);
    assertThat(new ObservationRow(1, DAY, DAY, stored)).isEqualTo(new ObservationRow(1, DAY, DAY, new BigDecimal("3.14")));
  }

  @Test
  void aValueThatDoesNotFitIsRefusedWithTheRule() {
    assertThatThrownBy(() -> new ObservationRow(1, DAY, DAY, new BigDecimal("0.00000000001")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Value 0.00000000001 does not fit decimal(38,10): at most 10 fractional and 28 integer digits");
    assertThatThrownBy(() -> ObservationRow.storedValue(new BigDecimal("1E+28")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Value 10000000000000000000000000000 does not fit decimal(38,10)");
  }
}
