package io.almanac.graphql.limits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void aFullBucketAdmitsItsBurstThenSaysWhenTheNextTokenComes() {
    TokenBucket bucket = new TokenBucket(3, 60, 0); // one token per second
    assertThat(bucket.tryTake(0)).isZero();
    assertThat(bucket.tryTake(0)).isZero();
    assertThat(bucket.tryTake(0)).isZero();
    assertThat(bucket.tryTake(0)).isEqualTo(SECOND);
    // A quarter second later, three quarters of a second remain.
    assertThat(bucket.tryTake(SECOND / 4)).isEqualTo(3 * SECOND / 4);
    assertThat(bucket.tryTake(SECOND)).isZero();
    assertThat(bucket.tryTake(SECOND)).isEqualTo(SECOND);
  }

  @Test
  void refillStopsAtTheCapacity() {
    TokenBucket bucket = new TokenBucket(2, 120, 0); // one token per half second
    assertThat(bucket.tryTake(0)).isZero();
    assertThat(bucket.isFull(0)).isFalse();
    assertThat(bucket.isFull(SECOND / 2)).isTrue();
    // An hour idle still gives only the burst of 2.
    long hour = 3600 * SECOND;
    assertThat(bucket.tryTake(hour)).isZero();
    assertThat(bucket.tryTake(hour)).isZero();
    assertThat(bucket.tryTake(hour)).isEqualTo(SECOND / 2);
  }

  @Test
  void aClockGoingBackwardsAddsNothing() {
    TokenBucket bucket = new TokenBucket(1, 1, 10 * SECOND);
    assertThat(bucket.tryTake(10 * SECOND)).isZero();
    assertThat(bucket.tryTake(5 * SECOND)).isEqualTo(60 * SECOND);
  }

  @Test
  void aSlowRateWaitsWholeMinutes() {
    TokenBucket bucket = new TokenBucket(1, 1, 0);
    assertThat(bucket.tryTake(0)).isZero();
    assertThat(bucket.tryTake(SECOND)).isEqualTo(59 * SECOND);
  }
}
