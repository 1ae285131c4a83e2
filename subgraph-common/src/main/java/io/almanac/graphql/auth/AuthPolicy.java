package io.almanac.graphql.auth;

import java.util.Map;

/**
 * What a subgraph requires of callers beyond reading: the least role that may call its mutations, and the
 * mutations that need more ({@code retractBatch}: ADMIN), so that a refusal names the role actually needed
 * (finer rules, such as "only your own key", live in the fetchers).
 */
public record AuthPolicy(Role mutationRole, Map<String, Role> mutationRoles) {

  public AuthPolicy(Role mutationRole) {
    this(mutationRole, Map.of());
  }

  /** The least role that may call mutation field {@code field}. */
  public Role roleFor(String field) {
    return mutationRoles.getOrDefault(field, mutationRole);
  }
}
