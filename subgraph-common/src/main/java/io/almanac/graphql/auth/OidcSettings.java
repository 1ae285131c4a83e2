package io.almanac.graphql.auth;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Sign-in with an OpenID Connect identity provider: bearer tokens (JWTs) it signs are accepted besides API keys.
 * Off while {@code issuer} is blank.
 *
 * @param issuer the provider's issuer URL, compared exactly with a token's {@code iss}
 * @param jwksUri where the provider publishes its signing keys (JWKS); required with an issuer (no discovery:
 *     the subgraphs never depend on the provider's discovery document at start-up)
 * @param audience the value a token's {@code aud} must contain (the client id registered for Almanac)
 * @param rolesClaim the claim holding the user's roles or groups, a dotted path into nested objects
 *     ({@code roles}, {@code realm_access.roles}); a list of strings, or one string of values separated by spaces
 *     or commas
 * @param roleMapping claim values to roles, {@code value=ROLE} pairs separated by commas
 *     ({@code almanac-admins=ADMIN,loaders=CRAWLER}); blank: the values are the role names themselves, in any case.
 *     The highest role mapped wins
 * @param defaultRole the role of a token none of whose values map to a role: {@code VIEWER} (default), or
 *     {@code NONE} to refuse such tokens
 * @param clockSkew tolerance on {@code exp} and {@code nbf} for clocks that disagree (30 s)
 */
@ConfigurationProperties("almanac.auth.oidc")
public record OidcSettings(String issuer, String jwksUri, String audience, String rolesClaim, String roleMapping,
    String defaultRole, Duration clockSkew) {

  public static final OidcSettings OFF = new OidcSettings(null, null, null, null, null, null, null);

  public OidcSettings {
    rolesClaim = blank(rolesClaim) ? "roles" : rolesClaim.strip();
    clockSkew = clockSkew == null ? Duration.ofSeconds(30) : clockSkew;
    if (!blank(issuer) && (blank(jwksUri) || blank(audience))) {
      throw new IllegalArgumentException(
          "almanac.auth.oidc.issuer is set: almanac.auth.oidc.jwks-uri and almanac.auth.oidc.audience are required too");
    }
    if (clockSkew.isNegative()) {
      throw new IllegalArgumentException("almanac.auth.oidc.clock-skew must not be negative: " + clockSkew);
    }
    roles(roleMapping);
    fallbackRole(defaultRole);
  }

  public boolean enabled() {
    return !blank(issuer);
  }

  /** {@link #roleMapping} parsed, keys as written; empty when blank. */
  Map<String, Role> roles() {
    return roles(roleMapping);
  }

  /** {@link #defaultRole}; empty for {@code NONE}. */
  Optional<Role> fallbackRole() {
    return fallbackRole(defaultRole);
  }

  private static Map<String, Role> roles(String mapping) {
    Map<String, Role> roles = new LinkedHashMap<>();
    if (blank(mapping)) {
      return roles;
    }
    for (String pair : mapping.split(",")) {
      String[] parts = pair.split("=", 2);
      if (parts.length != 2 || parts[0].isBlank()) {
        throw new IllegalArgumentException(
            "almanac.auth.oidc.role-mapping: '" + pair.strip() + "' is not value=ROLE (roles: "
                + Arrays.toString(Role.values()) + ")");
      }
      roles.put(parts[0].strip(), role(parts[1], "almanac.auth.oidc.role-mapping"));
    }
    return roles;
  }

  private static Optional<Role> fallbackRole(String text) {
    if (blank(text)) {
      return Optional.of(Role.VIEWER);
    }
    return text.strip().equalsIgnoreCase("NONE") ? Optional.empty()
        : Optional.of(role(text, "almanac.auth.oidc.default-role"));
  }

  private static Role role(String text, String setting) {
    try {
      return Role.valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(setting + ": '" + text.strip() + "' is not one of "
          + Arrays.toString(Role.values()), e);
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
