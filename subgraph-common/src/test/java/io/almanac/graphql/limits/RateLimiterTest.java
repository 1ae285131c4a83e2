package io.almanac.graphql.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import io.almanac.graphql.auth.Caller;
import io.almanac.graphql.auth.Role;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
  private final RateLimitSettings settings = new RateLimitSettings(true,
      new RateLimitSettings.Budget(60, 2), new RateLimitSettings.Budget(120, 4),
      new RateLimitSettings.Budget(600, 6), new RateLimitSettings.Budget(30, 1), 0);
  private final RateLimiter limiter = new RateLimiter(settings, clock::get);

  private static Caller key(long id, Role role) {
    return new Caller(100 + id, id, role);
  }

  private int admittedInARow(Caller caller, String address) {
    int n = 0;
    while (n < 1000) {
      try {
        limiter.admit(caller, address);
        n++;
      } catch (AlmanacGraphQLException e) {
        return n;
      }
    }
    return n;
  }

  @Test
  void eachRoleHasItsBurstPerKey() {
    assertThat(admittedInARow(key(1, Role.VIEWER), "10.0.0.1")).isEqualTo(2);
    assertThat(admittedInARow(key(2, Role.CRAWLER), "10.0.0.1")).isEqualTo(4);
    assertThat(admittedInARow(key(3, Role.ADMIN), "10.0.0.1")).isEqualTo(6);
    assertThat(admittedInARow(Caller.ANONYMOUS, "10.0.0.1")).isEqualTo(1);
    // Other keys and other addresses are not affected by those that ran out.
    assertThat(admittedInARow(key(4, Role.VIEWER), "10.0.0.1")).isEqualTo(2);
    assertThat(admittedInARow(Caller.ANONYMOUS, "10.0.0.2")).isEqualTo(1);
  }

  @Test
  void aRefusalStatesTheBudgetAndWhenToRetry() {
    Caller viewer = key(1, Role.VIEWER);
    admittedInARow(viewer, "a");
    clock.addAndGet(SECOND / 10);
    AlmanacGraphQLException refusal = catchThrowableOfType(AlmanacGraphQLException.class,
        () -> limiter.admit(viewer, "a"));
    assertThat(refusal.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
    // 60 per minute: a token a second, 0.1 s of which passed; rounded up to whole seconds.
    assertThat(refusal.retryAfterSeconds()).contains(1L);
    assertThat(refusal.getMessage()).contains("VIEWER key", "60 requests per minute", "bursts of 2",
        "almanac.rate-limit.viewer", "retry in 1 s");

    AlmanacGraphQLException anonymous = catchThrowableOfType(AlmanacGraphQLException.class, () -> {
      limiter.admit(Caller.ANONYMOUS, "b");
      limiter.admit(Caller.ANONYMOUS, "b");
    });
    assertThat(anonymous.retryAfterSeconds()).contains(2L); // 30 per minute: 2 s a token
    assertThat(anonymous.getMessage()).contains("anonymous client address", "almanac.rate-limit.anonymous");
  }

  @Test
  void tokensComeBackAtTheRoleRate() {
    Caller viewer = key(1, Role.VIEWER);
    admittedInARow(viewer, "a");
    clock.addAndGet(SECOND);
    assertThat(admittedInARow(viewer, "a")).isEqualTo(1);
    clock.addAndGet(10 * SECOND);
    assertThat(admittedInARow(viewer, "a")).isEqualTo(2);
  }

  @Test
  void aUserWithoutAKeyIdHasABucketOfItsOwn() {
    Caller signedIn = new Caller(7L, null, Role.VIEWER);
    assertThat(admittedInARow(signedIn, "a")).isEqualTo(2);
    assertThat(admittedInARow(new Caller(8L, null, Role.VIEWER), "a")).isEqualTo(2);
  }

  @Test
  void signedInCallersNotYetLinkedToAUserHaveABucketPerSubject() {
    Caller alice = new Caller(null, null, Role.VIEWER, "alice");
    assertThat(admittedInARow(alice, "a")).isEqualTo(2);
    assertThat(admittedInARow(new Caller(null, null, Role.VIEWER, "bob"), "a")).isEqualTo(2);
  }

  @Test
  void offAdmitsEverything() {
    RateLimiter off = new RateLimiter(new RateLimitSettings(false, null, null, null, null, 0), clock::get);
    for (int i = 0; i < 10_000; i++) {
      off.admit(Caller.ANONYMOUS, "a");
    }
    assertThat(off.tracked()).isZero();
  }

  @Test
  void manyAddressesCostBoundedMemory() {
    RateLimiter small = new RateLimiter(new RateLimitSettings(true, null, null, null,
        new RateLimitSettings.Budget(60, 1), 100), clock::get);
    for (int i = 0; i < 1_000; i++) {
      small.admit(Caller.ANONYMOUS, "10.0." + (i / 256) + "." + (i % 256));
      assertThat(small.tracked()).isLessThanOrEqualTo(100);
    }
    // Refilled buckets are forgotten first: after a second every old bucket is full again.
    clock.addAndGet(SECOND);
    small.admit(Caller.ANONYMOUS, "192.168.0.1");
    assertThat(small.tracked()).isLessThanOrEqualTo(100);
    assertThatThrownBy(() -> small.admit(Caller.ANONYMOUS, "192.168.0.1"))
        .isInstanceOf(AlmanacGraphQLException.class);
  }

  @Test
  void budgetsDefaultToTheDocumentedValues() {
    RateLimitSettings defaults = new RateLimitSettings(true, null, null, null, null, 0);
    assertThat(defaults.viewer()).isEqualTo(new RateLimitSettings.Budget(120, 20));
    assertThat(defaults.crawler()).isEqualTo(new RateLimitSettings.Budget(600, 60));
    assertThat(defaults.admin()).isEqualTo(new RateLimitSettings.Budget(600, 60));
    assertThat(defaults.anonymous()).isEqualTo(new RateLimitSettings.Budget(60, 10));
    assertThat(new RateLimitSettings.Budget(90, 0).burst()).isEqualTo(15);
    assertThatThrownBy(() -> new RateLimitSettings.Budget(0, 5)).isInstanceOf(IllegalArgumentException.class);
  }
}
