package io.almanac.graphql.auth;

/**
 * Who sent the request: the user and role of a valid API key or identity-provider token, or anonymous.
 *
 * @param userId null when anonymous; for a bearer token, null until the user subgraph has seen its subject
 *     (it creates the user on first sight)
 * @param keyId the API key's id; null when anonymous or signed in with a token
 * @param role null when anonymous
 * @param subject the token's {@code sub} claim when signed in with an identity provider, else null
 */
public record Caller(Long userId, Long keyId, Role role, String subject) {

  public static final Caller ANONYMOUS = new Caller(null, null, null, null);

  /** A caller by API key (or anonymous, with nulls). */
  public Caller(Long userId, Long keyId, Role role) {
    this(userId, keyId, role, null);
  }

  public boolean isAnonymous() {
    return role == null;
  }

  public boolean has(Role needed) {
    return role != null && role.includes(needed);
  }
}
