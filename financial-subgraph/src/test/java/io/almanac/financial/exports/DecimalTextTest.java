package io.almanac.financial.exports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DecimalTextTest {

  @Test
  void writesPlainShortestDecimals() {
    Map<Double, String> expected = Map.ofEntries(
        Map.entry(101.0, "101"), Map.entry(101.25, "101.25"), Map.entry(-3.5, "-3.5"), Map.entry(0.001, "0.001"),
        Map.entry(1e-5, "0.00001"), Map.entry(-1.25e-7, "-0.000000125"), Map.entry(1e7, "10000000"),
        Map.entry(1.5e10, "15000000000"), Map.entry(123456789.123, "123456789.123"), Map.entry(0.1 + 0.2,
            "0.30000000000000004"), Map.entry(1e22, "10000000000000000000000"), Map.entry(0.0, "0"));
    expected.forEach((value, text) -> assertThat(DecimalText.toString(value)).as("%s", value).isEqualTo(text));
  }

  @Test
  void everyDoubleReadsBackExactlyFromItsText() {
    Random random = new Random(7);
    for (int i = 0; i < 200_000; i++) {
      double value = Double.longBitsToDouble(random.nextLong());
      if (!Double.isFinite(value)) {
        continue;
      }
      String text = DecimalText.toString(value);
      assertThat(text).matches("-?[0-9]+(\\.[0-9]*[1-9])?");
      assertThat(Double.parseDouble(text)).isEqualTo(value);
      // Shortest: no more significant digits than Java's own repr (at most 17).
      assertThat(new BigDecimal(text).stripTrailingZeros().precision()).isLessThanOrEqualTo(17);
    }
  }

  /**
   * The fast path writes exactly the slow path's text, and takes nearly every short decimal (not all: for
   * some 15-digit values {@code value * 10^s} is not the whole number in floating point).
   */
  @Test
  void theFastPathWritesTheSameTextForShortDecimals() {
    Random random = new Random(11);
    byte[] buffer = new byte[64];
    int fast = 0;
    int shortDecimals = 0;
    int shortTakenFast = 0;
    for (int i = 0; i < 300_000; i++) {
      double value;
      BigDecimal decimal = null;
      if (i % 2 == 0) {
        // A stored-like value: up to 15 significant digits, up to 10 fractional.
        decimal = BigDecimal.valueOf(random.nextLong() % 1_000_000_000_000_000L, random.nextInt(11));
        value = decimal.doubleValue();
      } else {
        value = Double.longBitsToDouble(random.nextLong());
      }
      if (!Double.isFinite(value)) {
        continue;
      }
      int end = DecimalText.writeShort(value, buffer, 3);
      if (decimal != null && decimal.signum() != 0 && decimal.abs().compareTo(new BigDecimal("1e-10")) >= 0) {
        shortDecimals++;
        if (end >= 0) {
          shortTakenFast++;
          assertThat(new String(buffer, 3, end - 3, java.nio.charset.StandardCharsets.US_ASCII))
              .isEqualTo(decimal.stripTrailingZeros().toPlainString());
        }
      }
      if (end >= 0) {
        fast++;
        assertThat(new String(buffer, 3, end - 3, java.nio.charset.StandardCharsets.US_ASCII)).as("%s", value)
            .isEqualTo(DecimalText.toString(value));
      }
    }
    assertThat(shortTakenFast).isGreaterThan(shortDecimals * 9 / 10);
    assertThat(fast).isGreaterThanOrEqualTo(shortTakenFast);
  }

  @Test
  void refusesNonFiniteValues() {
    assertThatThrownBy(() -> DecimalText.toString(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DecimalText.toString(Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
