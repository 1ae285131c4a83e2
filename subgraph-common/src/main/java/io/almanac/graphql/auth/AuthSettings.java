package io.almanac.graphql.auth;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param anonymousReads let requests without credentials run queries (never mutations); off by
 *     default, on for the local demo
 * @param cacheTtl how long a verified key is trusted before it is looked up again: the upper bound on
 *     how long a revoked key keeps working
 */
@ConfigurationProperties("almanac.auth")
public record AuthSettings(boolean anonymousReads, Duration cacheTtl) {
  public AuthSettings {
    cacheTtl = cacheTtl == null ? Duration.ofSeconds(5) : cacheTtl;
  }
}
