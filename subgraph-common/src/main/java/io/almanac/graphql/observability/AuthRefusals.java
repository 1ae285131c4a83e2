package io.almanac.graphql.observability;

import io.almanac.graphql.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * {@code almanac_auth_refusals_total}: errors a subgraph answered with {@code UNAUTHENTICATED} (no, a bad,
 * revoked or expired credential) or {@code FORBIDDEN} (a role too low, someone else's data), tags
 * {@code code} and {@code transport} ({@code graphql}: one per refused root field; {@code http}: one per
 * refused upload or export). Counted by the two error mappers, where every refusal passes, on Micrometer's
 * global registry (Spring Boot binds the subgraph's registry to it).
 */
@Component
public final class AuthRefusals {

  private static final Map<String, Counter> COUNTERS = new ConcurrentHashMap<>();

  /** Made by Spring at start, so that the four series exist (at 0) before the first refusal. */
  public AuthRefusals() {
    for (ErrorCode code : List.of(ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN)) {
      for (String transport : List.of("graphql", "http")) {
        counter(code, transport);
      }
    }
  }

  /** Counts {@code code} when it is an authentication or authorization refusal. */
  public static void count(ErrorCode code, String transport) {
    if (code == ErrorCode.UNAUTHENTICATED || code == ErrorCode.FORBIDDEN) {
      counter(code, transport).increment();
    }
  }

  private static Counter counter(ErrorCode code, String transport) {
    return COUNTERS.computeIfAbsent(code.name() + "/" + transport, key -> Counter.builder("almanac.auth.refusals")
        .description("Requests refused for their credentials or role").tags("code", code.name(), "transport", transport)
        .register(Metrics.globalRegistry));
  }
}
