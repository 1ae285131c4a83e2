package io.almanac.financial.exports;

import tools.jackson.core.io.NumberOutput;

/**
 * Doubles as plain decimal text (no exponent, no trailing zeros, {@code .} decimal point): the shortest
 * decimal that reads back as the same double (Raffaello Giulietti's Schubfach, Jackson's "fast writer" and
 * {@code Double.toString} computes from Java 19 on; Java 17's is slower and not always shortest), then
 * written out without scientific notation, so {@code 1.0E-5} is {@code 0.00001} and {@code 101.0} is
 * {@code 101}: the text of a {@code Decimal} in GraphQL answers.
 */
final class DecimalText {

  private DecimalText() {}

  /**
   * Appends {@code value} (finite) to {@code out}.
   *
   * @throws IllegalArgumentException for NaN or an infinity, which have no decimal text
   */
  static void append(double value, StringBuilder out) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("No decimal text for " + value);
    }
    String shortest = NumberOutput.toString(value, true); // true: Schubfach, Jackson's fast writer
    int e = shortest.indexOf('E');
    if (e < 0) {
      // d.ddd form: drop a fractional part that is only zeros ("101.0" -> "101").
      int end = shortest.length();
      if (shortest.endsWith(".0")) {
        end -= 2;
      }
      out.append(shortest, 0, end);
      return;
    }
    // Scientific form "-d.dddE-x": the significant digits, then where the decimal point goes.
    int start = 0;
    if (shortest.charAt(0) == '-') {
      out.append('-');
      start = 1;
    }
    int exponent = Integer.parseInt(shortest, e + 1, shortest.length(), 10);
    int digitsStart = out.length();
    int digitCount = 0;
    for (int i = start; i < e; i++) {
      char c = shortest.charAt(i);
      if (c != '.') {
        out.append(c);
        digitCount++;
      }
    }
    // Trailing zeros of the significand carry nothing ("1.0E10" has digits "10").
    while (digitCount > 1 && out.charAt(digitsStart + digitCount - 1) == '0') {
      out.setLength(out.length() - 1);
      digitCount--;
    }
    int pointAfter = exponent + 1; // digits before the decimal point
    if (pointAfter <= 0) {
      out.insert(digitsStart, "0." + "0".repeat(-pointAfter));
    } else if (pointAfter >= digitCount) {
      out.append("0".repeat(pointAfter - digitCount));
    } else {
      out.insert(digitsStart + pointAfter, '.');
    }
  }

  static String toString(double value) {
    StringBuilder out = new StringBuilder(24);
    append(value, out);
    return out.toString();
  }
}
