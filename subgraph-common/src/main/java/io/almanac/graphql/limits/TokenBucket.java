package io.almanac.graphql.limits;

/**
 * A token bucket on a nanosecond clock: holds up to {@code capacity} tokens, refilled continuously at
 * {@code tokensPerMinute}; a request takes one. Not a library's (no rate-limit library resolves offline in
 * this build; Bucket4j is not in the local repository): it is twenty lines, and {@link TokenBucketTest}
 * drives it with a clock of its own.
 */
final class TokenBucket {

  private static final long NANOS_PER_MINUTE = 60_000_000_000L;

  /** Tokens are counted in nano-tokens (1 token = {@link #NANOS_PER_MINUTE} units) so refills stay exact. */
  private final long capacityUnits;
  private final long unitsPerNano;
  private long units;
  private long lastRefill;

  /**
   * @param capacity most tokens held: the burst a caller may send at once after being idle (>= 1)
   * @param tokensPerMinute refill rate (>= 1)
   * @param now the clock's current reading, in nanoseconds; the bucket starts full
   */
  TokenBucket(int capacity, int tokensPerMinute, long now) {
    if (capacity < 1 || tokensPerMinute < 1) {
      throw new IllegalArgumentException("capacity and tokensPerMinute must be >= 1, were " + capacity + " and "
          + tokensPerMinute);
    }
    this.capacityUnits = capacity * NANOS_PER_MINUTE;
    this.unitsPerNano = tokensPerMinute;
    this.units = capacityUnits;
    this.lastRefill = now;
  }

  /**
   * Takes one token if there is one.
   *
   * @return 0 when taken; otherwise the nanoseconds until one will be there (>= 1)
   */
  synchronized long tryTake(long now) {
    refill(now);
    if (units >= NANOS_PER_MINUTE) {
      units -= NANOS_PER_MINUTE;
      return 0;
    }
    return Math.max(1, ceilDiv(NANOS_PER_MINUTE - units, unitsPerNano));
  }

  /** True when the bucket is full at {@code now}: it is then the same as a new one and may be forgotten. */
  synchronized boolean isFull(long now) {
    refill(now);
    return units == capacityUnits;
  }

  private void refill(long now) {
    long elapsed = now - lastRefill;
    if (elapsed <= 0) {
      return;
    }
    lastRefill = now;
    // elapsed * rate overflows only after years at the highest rates; saturate instead of wrapping.
    long added = elapsed > (capacityUnits / unitsPerNano) ? capacityUnits : elapsed * unitsPerNano;
    units = Math.min(capacityUnits, units + added);
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
