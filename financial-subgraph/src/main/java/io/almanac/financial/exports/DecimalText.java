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

  private static final double[] TEN_POWERS = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10};
  /** Fewer than 16 digits: two such decimals cannot round to one double (see {@link #writeShort}). */
  private static final double FIFTEEN_DIGITS = 1e15;

  /**
   * The fast path of {@link #append} for the common value, a decimal of at most 15 significant digits and
   * 10 fractional ones (every stored value with up to 15 digits is one): the smallest {@code s <= 10} for
   * which {@code m = value * 10^s} is a whole number below 10^15 with {@code m / 10^s == value}, written as
   * ASCII digits into {@code out}. Why that is {@link #append}'s text: {@code m} and {@code 10^s} are exact
   * doubles, so the division rounds the decimal {@code m * 10^-s} correctly, and it reads back as
   * {@code value}; distinct decimals of at most 15 significant digits differ by more than the rounding
   * interval of a double (relative 1e-15 against 2.2e-16), so it is the only such decimal that does, hence the
   * shortest. Needs 28 bytes of room at {@code at}.
   *
   * @return the position after the text, or -1 when {@code value} takes the slow path (nothing written)
   */
  static int writeShort(double value, byte[] out, int at) {
    double magnitude = Math.abs(value);
    if (!(magnitude >= 1e-10 && magnitude < FIFTEEN_DIGITS)) {
      return -1; // zero, NaN, infinities, tiny and huge values
    }
    for (int s = 0; s < TEN_POWERS.length; s++) {
      double scaled = magnitude * TEN_POWERS[s];
      if (scaled >= FIFTEEN_DIGITS) {
        return -1;
      }
      if (scaled == Math.rint(scaled) && scaled / TEN_POWERS[s] == magnitude) {
        long unscaled = (long) scaled;
        int scale = s;
        while (scale > 0 && unscaled % 10 == 0) { // the same decimal, should a smaller s have been missed
          unscaled /= 10;
          scale--;
        }
        return writeDigits(value < 0, unscaled, scale, out, at);
      }
    }
    return -1;
  }

  /** {@code unscaled * 10^-scale} as plain text, {@code unscaled > 0} with no trailing zero when {@code scale > 0}. */
  private static int writeDigits(boolean negative, long unscaled, int scale, byte[] out, int at) {
    int digits = 1;
    for (long rest = unscaled / 10; rest > 0; rest /= 10) {
      digits++;
    }
    int length = (negative ? 1 : 0) + (scale >= digits ? scale + 2 : digits + (scale > 0 ? 1 : 0));
    int end = at + length;
    int i = end;
    long rest = unscaled;
    for (int d = 0; d < Math.max(digits, scale + 1); d++) {
      if (d == scale && scale > 0) {
        out[--i] = '.';
      }
      out[--i] = (byte) ('0' + rest % 10);
      rest /= 10;
    }
    if (negative) {
      out[--i] = '-';
    }
    return end;
  }

  static String toString(double value) {
    StringBuilder out = new StringBuilder(24);
    append(value, out);
    return out.toString();
  }
}
