package io.almanac.users.audit;

import io.almanac.graphql.audit.AuditEntries;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Deletes audit entries older than {@code almanac.audit.retention} (default 400 days: a year of history
 * plus a month's grace for a yearly review), every {@code almanac.audit.retention-interval} (default 1 h).
 * Only the user subgraph runs it; several instances running it at once delete the same rows harmlessly.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class AuditRetention {

  private static final Logger log = LoggerFactory.getLogger(AuditRetention.class);

  private final AuditEntries entries;
  private final Duration retention;

  AuditRetention(AuditEntries entries, @Value("${almanac.audit.retention:400d}") Duration retention) {
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("almanac.audit.retention must be positive, was " + retention);
    }
    this.entries = entries;
    this.retention = retention;
  }

  @Scheduled(fixedDelayString = "${almanac.audit.retention-interval:1h}", initialDelayString = "1m")
  void deleteExpired() {
    try {
      int deleted = entries.deleteBefore(OffsetDateTime.now(ZoneOffset.UTC).minus(retention));
      if (deleted > 0) {
        log.info("Deleted {} audit entries older than {}", deleted, retention);
      }
    } catch (RuntimeException e) {
      log.warn("Deleting old audit entries failed; it runs again in an interval", e);
    }
  }
}
