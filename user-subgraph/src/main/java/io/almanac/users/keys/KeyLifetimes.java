package io.almanac.users.keys;

import io.almanac.graphql.auth.Role;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The longest an API key of each role may live, from its creation ({@code almanac.auth.max-key-lifetime.<role>},
 * ISO-8601 durations such as {@code P90D}); null for no maximum (the default). Applies to keys created through
 * {@code createApiKey}; the bootstrap admin key is the operator's own and never expires.
 */
@ConfigurationProperties("almanac.auth.max-key-lifetime")
public record KeyLifetimes(Duration viewer, Duration crawler, Duration admin) {

  public static final KeyLifetimes NONE = new KeyLifetimes(null, null, null);

  public KeyLifetimes {
    for (Duration d : new Duration[] {viewer, crawler, admin}) {
      if (d != null && (d.isNegative() || d.isZero())) {
        throw new IllegalArgumentException("almanac.auth.max-key-lifetime.*: a lifetime must be positive, not " + d);
      }
    }
  }

  /** The maximum for {@code role}, or null for none. */
  public Duration max(Role role) {
    return switch (role) {
      case VIEWER -> viewer;
      case CRAWLER -> crawler;
      case ADMIN -> admin;
    };
  }
}
