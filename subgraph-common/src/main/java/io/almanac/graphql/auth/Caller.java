package io.almanac.graphql.auth;

/**
 * Who sent the request: the user and role of a valid API key, or anonymous.
 *
 * @param userId null when anonymous
 * @param keyId null when anonymous
 * @param role null when anonymous
 */
public record Caller(Long userId, Long keyId, Role role) {

  public static final Caller ANONYMOUS = new Caller(null, null, null);

  public boolean isAnonymous() {
    return role == null;
  }

  public boolean has(Role needed) {
    return role != null && role.includes(needed);
  }
}
