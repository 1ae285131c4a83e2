package io.almanac.graphql.auth;

/**
 * What a subgraph requires of callers beyond reading: the least role that may call any of its
 * mutations (finer rules, such as "only your own key", live in the fetchers).
 */
public record AuthPolicy(Role mutationRole) {}
