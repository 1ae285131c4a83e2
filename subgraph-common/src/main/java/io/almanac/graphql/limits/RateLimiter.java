package io.almanac.graphql.limits;

import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.auth.Caller;
import io.almanac.graphql.auth.Role;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.PropertySource;
import org.springframework.stereotype.Component;

/**
 * The request budget of each caller of this process: one token bucket per API key (or per user, for a
 * caller without a key id), per client address for anonymous callers, sized by the caller's role
 * ({@link RateLimitSettings}). The GraphQL gate ({@link io.almanac.graphql.auth.AuthInstrumentation}) charges
 * one token per request (not per field), the HTTP gate ({@link io.almanac.graphql.auth.HttpCallers}) one per
 * call of an endpoint.
 *
 * <p>Counted in this process's memory: N replicas of a subgraph allow N times the budget, and a restart
 * starts every bucket full. The gateway's limit (per key and per client address) is the first line; this one
 * knows the role.
 */
@Component
@EnableConfigurationProperties(RateLimitSettings.class)
@PropertySource("classpath:rate-limit.properties")
public class RateLimiter {

  private final RateLimitSettings settings;
  private final LongSupplier clock;
  private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();

  @Autowired
  public RateLimiter(RateLimitSettings settings) {
    this(settings, System::nanoTime);
  }

  /** @param clock nanoseconds, as {@link System#nanoTime()} (tests pass their own) */
  RateLimiter(RateLimitSettings settings, LongSupplier clock) {
    this.settings = settings;
    this.clock = clock;
  }

  public boolean enabled() {
    return settings.enabled();
  }

  /**
   * Charges one request to {@code caller}.
   *
   * @param clientAddress the client's IP address: the bucket of an anonymous caller
   * @throws AlmanacGraphQLException {@code LIMIT_EXCEEDED} with {@code retryAfter} (whole seconds, >= 1) and a
   *     message naming the budget, when the caller's bucket is empty
   */
  public void admit(Caller caller, String clientAddress) {
    if (!settings.enabled()) {
      return;
    }
    RateLimitSettings.Budget budget = budget(caller.role());
    String who = caller.isAnonymous() ? "address " + clientAddress
        : caller.keyId() != null ? "key " + caller.keyId()
        // A signed-in caller (OIDC) has no key; before user-subgraph has seen it, no user id either.
        : caller.subject() != null ? "subject " + caller.subject() : "user " + caller.userId();
    long now = clock.getAsLong();
    TokenBucket bucket = buckets.get(who);
    if (bucket == null) {
      forgetIdle(now);
      bucket = buckets.computeIfAbsent(who, k -> new TokenBucket(budget.burst(), budget.requestsPerMinute(), now));
    }
    long waitNanos = bucket.tryTake(now);
    if (waitNanos > 0) {
      long seconds = Math.max(1, -Math.floorDiv(-waitNanos, 1_000_000_000L));
      String setting = caller.isAnonymous() ? "anonymous" : caller.role().name().toLowerCase(Locale.ROOT);
      throw AlmanacGraphQLException.limitExceeded(String.format(
          "Rate limit exceeded: %s may send %,d requests per minute (bursts of %,d; almanac.rate-limit.%s); "
              + "retry in %d s",
          caller.isAnonymous() ? "an anonymous client address"
              : "a " + caller.role() + (caller.keyId() != null ? " key" : " caller"),
          budget.requestsPerMinute(), budget.burst(), setting, seconds), Duration.ofSeconds(seconds));
    }
  }

  private RateLimitSettings.Budget budget(Role role) {
    if (role == null) {
      return settings.anonymous();
    }
    return switch (role) {
      case VIEWER -> settings.viewer();
      case CRAWLER -> settings.crawler();
      case ADMIN -> settings.admin();
    };
  }

  /** Keeps the map bounded: a full bucket is the same as none; if none is full, everyone starts afresh. */
  private void forgetIdle(long now) {
    if (buckets.size() < settings.maxTracked()) {
      return;
    }
    buckets.values().removeIf(b -> b.isFull(now));
    if (buckets.size() >= settings.maxTracked()) {
      buckets.clear();
    }
  }

  /** Buckets held now (for tests of the bound). */
  int tracked() {
    return buckets.size();
  }
}
