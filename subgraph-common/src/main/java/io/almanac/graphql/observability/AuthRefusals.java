package io.almanac.graphql.observability;

import io.almanac.graphql.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;

/**
 * {@code almanac_auth_refusals_total}: errors a subgraph answered with {@code UNAUTHENTICATED} (no, a bad,
 * revoked or expired credential) or {@code FORBIDDEN} (a role too low, someone else's data), tags
 * {@code code} and {@code transport} ({@code graphql}: one per refused root field; {@code http}: one per
 * refused upload or export). Counted by the two error mappers, where every refusal passes, on Micrometer's
 * global registry (Spring Boot binds the subgraph's registry to it).
 */
public final class AuthRefusals {

  private AuthRefusals() {}

  /** Counts {@code code} when it is an authentication or authorization refusal. */
  public static void count(ErrorCode code, String transport) {
    if (code == ErrorCode.UNAUTHENTICATED || code == ErrorCode.FORBIDDEN) {
      Counter.builder("almanac.auth.refusals").description("Requests refused for their credentials or role")
          .tags("code", code.name(), "transport", transport).register(Metrics.globalRegistry).increment();
    }
  }
}
