package io.almanac.crawler.webhooks;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code almanac.webhooks.*}.
 *
 * @param allowedHosts host names or addresses webhooks may be sent to, as the URL names them (any case);
 *     empty: none (webhooks cannot be created)
 * @param timeout bound of one attempt, end to end: connecting, the answer's headers and its body
 * @param maxAttempts attempts of one delivery before it is given up (FAILED)
 * @param disableAfter consecutive failed attempts (over all its deliveries) after which a webhook is
 *     disabled: its pending deliveries are given up and no new ones are made
 * @param initialBackoff wait before the second attempt; doubled for each further one, up to {@code maxBackoff}
 * @param pollInterval how often the worker looks for due deliveries when no commit woke it
 * @param workerEnabled whether this process sends deliveries
 */
@ConfigurationProperties("almanac.webhooks")
public record WebhookSettings(List<String> allowedHosts, Duration timeout, Integer maxAttempts, Integer disableAfter,
    Duration initialBackoff, Duration maxBackoff, Duration pollInterval, Boolean workerEnabled) {

  public WebhookSettings {
    allowedHosts = allowedHosts == null ? List.of() : allowedHosts.stream().map(String::strip)
        .filter(h -> !h.isEmpty()).map(h -> h.toLowerCase(Locale.ROOT)).toList();
    timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
    maxAttempts = maxAttempts == null ? 8 : maxAttempts;
    disableAfter = disableAfter == null ? 20 : disableAfter;
    initialBackoff = initialBackoff == null ? Duration.ofSeconds(10) : initialBackoff;
    maxBackoff = maxBackoff == null ? Duration.ofHours(1) : maxBackoff;
    pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
    workerEnabled = workerEnabled == null || workerEnabled;
    if (maxAttempts < 1 || disableAfter < 1) {
      throw new IllegalArgumentException("almanac.webhooks.max-attempts and disable-after must be at least 1");
    }
    if (timeout.isNegative() || timeout.isZero() || initialBackoff.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("almanac.webhooks.timeout and poll-interval must be positive, "
          + "initial-backoff not negative");
    }
  }

  /** Wait after failed attempt number {@code attempts} (1 = the first). */
  Duration backoffAfter(int attempts) {
    Duration wait = initialBackoff;
    for (int i = 1; i < attempts && wait.compareTo(maxBackoff) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
  }

  /**
   * How long a claimed delivery is held by the process sending it: its attempt's timeout with room; a
   * delivery whose sender died is retried after this.
   */
  Duration lease() {
    return timeout.multipliedBy(2).plusSeconds(5);
  }
}
