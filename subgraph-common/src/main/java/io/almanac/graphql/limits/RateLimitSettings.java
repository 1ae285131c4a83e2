package io.almanac.graphql.limits;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Request budgets of a subgraph process, per caller ({@link RateLimiter}). Set by
 * {@code almanac.rate-limit.*} (environment {@code ALMANAC_RATE_LIMIT_*}, see {@code rate-limit.properties}).
 *
 * @param enabled off by default: {@code ./almanac start}, the benchmark and the tests all come from one
 *     loopback address
 * @param viewer budget of each VIEWER key (default 120 per minute, FRED's per-key limit, burst 20)
 * @param crawler budget of each CRAWLER key (default 600 per minute, burst 60: a crawler loading history sends
 *     batches back to back)
 * @param admin budget of each ADMIN key (default 600 per minute, burst 60)
 * @param anonymous budget of each client address without credentials (default 60 per minute, burst 10).
 *     Behind the gateway every anonymous client has the gateway's address: this is then their sum
 * @param maxTracked callers whose buckets are kept (default 100,000); past it, full buckets are forgotten,
 *     and if none is full every bucket starts afresh (a flood of distinct addresses costs bounded memory)
 */
@ConfigurationProperties("almanac.rate-limit")
public record RateLimitSettings(boolean enabled, Budget viewer, Budget crawler, Budget admin, Budget anonymous,
    int maxTracked) {

  public RateLimitSettings {
    viewer = Budget.orDefault(viewer, 120, 20);
    crawler = Budget.orDefault(crawler, 600, 60);
    admin = Budget.orDefault(admin, 600, 60);
    anonymous = Budget.orDefault(anonymous, 60, 10);
    maxTracked = maxTracked <= 0 ? 100_000 : maxTracked;
  }

  /**
   * @param requestsPerMinute the sustained rate (>= 1)
   * @param burst the most requests sent at once after being idle (>= 1; 0 or absent: a sixth of the rate, at
   *     least 1)
   */
  public record Budget(int requestsPerMinute, int burst) {

    public Budget {
      if (requestsPerMinute < 1) {
        throw new IllegalArgumentException("almanac.rate-limit.*.requests-per-minute must be >= 1, was "
            + requestsPerMinute);
      }
      burst = burst <= 0 ? Math.max(1, requestsPerMinute / 6) : burst;
    }

    static Budget orDefault(Budget budget, int requestsPerMinute, int burst) {
      return budget == null ? new Budget(requestsPerMinute, burst) : budget;
    }
  }
}
