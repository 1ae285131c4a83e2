package io.almanac.graphql.auth;

/**
 * Which user a signed-in subject is. Every subgraph reads the links ({@link IdentityStore}); the user subgraph,
 * which owns the users, replaces this with one that creates the user on first sight.
 */
public interface IdentityLinks {

  /** The user id of {@code identity}, or null when no user is linked to it (yet). */
  Long userId(BearerTokens.SignedIn identity);
}
