package io.almanac.reliability;

/**
 * How hard the reliability tests push: quick by default (the normal test run), long when the system
 * property {@code almanac.reliability.long} is true ({@code ./almanac reliability}).
 */
public final class Sizes {

  /** True in the long run. */
  public static final boolean LONG = Boolean.getBoolean("almanac.reliability.long");

  private Sizes() {}

  /** {@code quick} in the normal test run, {@code long_} in the long one. */
  public static int pick(int quick, int long_) {
    return LONG ? long_ : quick;
  }
}
