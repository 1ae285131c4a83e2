package io.almanac.graphql.auth;

import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestTemplate;

/**
 * Verifies bearer tokens from the OpenID Connect identity provider of {@link OidcSettings} with Spring Security's
 * {@link NimbusJwtDecoder} (the decoder only: no security filter chain): the signature against the provider's
 * JWKS (fetched on first use, cached, fetched again for an unknown key id), then issuer, audience, expiry and
 * not-before. The role comes from {@link OidcSettings#rolesClaim()}.
 */
@Component
public class BearerTokens {

  /**
   * A verified token.
   *
   * @param validUntil {@code exp} plus the clock skew: when the token stops being accepted
   */
  public record SignedIn(String issuer, String subject, Role role, String email, String name, Instant validUntil) {}

  /** A token refused: {@code message} says which check failed and never quotes the token. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
  private static final Duration JWKS_TIMEOUT = Duration.ofSeconds(3);
  private static final String WRONG_ISSUER = "almanac_wrong_issuer";
  private static final String WRONG_AUDIENCE = "almanac_wrong_audience";

  private final OidcSettings settings;
  private final NimbusJwtDecoder decoder;

  @Autowired
  public BearerTokens(OidcSettings settings) {
    this(settings, Clock.systemUTC());
  }

  /** @param clock the time tokens are checked against (tests move it) */
  public BearerTokens(OidcSettings settings, Clock clock) {
    this.settings = settings;
    if (!settings.enabled()) {
      this.decoder = null;
      return;
    }
    // Bounded waits (as for the database): a hung identity provider makes sign-ins UNAVAILABLE within seconds
    // instead of holding requests; RestTemplate's default waits forever.
    SimpleClientHttpRequestFactory http = new SimpleClientHttpRequestFactory();
    http.setConnectTimeout(JWKS_TIMEOUT);
    http.setReadTimeout(JWKS_TIMEOUT);
    this.decoder = NimbusJwtDecoder.withJwkSetUri(settings.jwksUri().strip())
        .restOperations(new RestTemplate(http))
        .build();
    JwtTimestampValidator time = new JwtTimestampValidator(settings.clockSkew());
    time.setClock(clock);
    decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(time, issuer(settings.issuer()),
        audience(settings.audience())));
  }

  public boolean enabled() {
    return decoder != null;
  }

  /** Whether {@code token} has a JWT's shape: three base64url parts separated by dots (an API key has none). */
  static boolean looksLikeJwt(String token) {
    return JWT.matcher(token).matches();
  }

  /**
   * @throws Refused for a token that fails a check, or grants no role when {@code default-role} is NONE
   * @throws AlmanacGraphQLException {@code UNAVAILABLE} when the provider's keys cannot be fetched
   */
  SignedIn verify(String token) throws Refused {
    if (decoder == null) {
      throw new Refused("Bearer tokens (JWT) are not accepted here: no identity provider is configured");
    }
    Jwt jwt;
    try {
      jwt = decoder.decode(token);
    } catch (JwtValidationException e) {
      throw new Refused(describe(e.getErrors()));
    } catch (BadJwtException e) {
      throw new Refused(describe(e));
    } catch (JwtException e) {
      // Not the token's fault: the JWKS could not be fetched or read.
      throw new AlmanacGraphQLException(ErrorCode.UNAVAILABLE,
          "The identity provider's signing keys cannot be fetched; try again later");
    }
    if (jwt.getSubject() == null || jwt.getSubject().isBlank()) {
      throw new Refused("Invalid bearer token: it has no subject (sub)");
    }
    if (jwt.getExpiresAt() == null) {
      throw new Refused("Invalid bearer token: it has no expiry (exp)");
    }
    Role role = role(claimValues(jwt.getClaims(), settings.rolesClaim())).orElseThrow(() -> new Refused(
        "This bearer token grants no Almanac role (claim '" + settings.rolesClaim() + "')"));
    return new SignedIn(settings.issuer(), jwt.getSubject(), role, jwt.getClaimAsString("email"),
        jwt.getClaimAsString("name"), jwt.getExpiresAt().plus(settings.clockSkew()));
  }

  /** The highest role the values map to, else the default role (empty for NONE). */
  Optional<Role> role(List<String> values) {
    Map<String, Role> mapping = settings.roles();
    Role best = null;
    for (String value : values) {
      Role role = mapping.isEmpty() ? roleNamed(value) : mapping.get(value);
      if (role != null && (best == null || role.includes(best))) {
        best = role;
      }
    }
    return best != null ? Optional.of(best) : settings.fallbackRole();
  }

  private static Role roleNamed(String value) {
    try {
      return Role.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The strings at a dotted claim path: a list's elements, or a string split at spaces and commas. */
  static List<String> claimValues(Map<String, Object> claims, String path) {
    Object node = claims;
    for (String step : path.split("\\.")) {
      if (!(node instanceof Map<?, ?> map)) {
        return List.of();
      }
      node = map.get(step);
    }
    List<String> values = new ArrayList<>();
    if (node instanceof Collection<?> list) {
      list.forEach(v -> values.add(String.valueOf(v).strip()));
    } else if (node instanceof String text) {
      for (String v : text.split("[\\s,]+")) {
        if (!v.isEmpty()) {
          values.add(v);
        }
      }
    }
    return values;
  }

  private String describe(Collection<OAuth2Error> errors) {
    List<String> reasons = new ArrayList<>();
    for (OAuth2Error error : errors) {
      String text = error.getDescription() == null ? "" : error.getDescription();
      if (error.getErrorCode().equals(WRONG_ISSUER) || error.getErrorCode().equals(WRONG_AUDIENCE)) {
        reasons.add(text);
      } else if (text.startsWith("Jwt expired at ")) {
        reasons.add("it expired at " + text.substring("Jwt expired at ".length()));
      } else if (text.startsWith("Jwt used before ")) {
        reasons.add("it is not valid before " + text.substring("Jwt used before ".length()));
      } else {
        reasons.add(text.isEmpty() ? error.getErrorCode() : text);
      }
    }
    return "Invalid bearer token: " + String.join("; ", reasons);
  }

  private static String describe(BadJwtException e) {
    String text = String.valueOf(e.getMessage());
    if (text.contains("Invalid signature")) {
      return "Invalid bearer token: its signature does not verify with the identity provider's key";
    }
    if (text.contains("no matching key") || text.contains("Another algorithm expected")) {
      return "Invalid bearer token: it is signed by a key the identity provider does not publish (unknown key id or"
          + " algorithm)";
    }
    if (text.contains("Unsupported algorithm") || text.contains("Unsigned")) {
      return "Invalid bearer token: it is not signed with an algorithm accepted here";
    }
    return "Invalid bearer token: it is not a well-formed signed JWT";
  }

  private static OAuth2TokenValidator<Jwt> issuer(String expected) {
    return jwt -> {
      String actual = jwt.getIssuer() == null ? null : jwt.getIssuer().toString();
      return expected.equals(actual) ? OAuth2TokenValidatorResult.success()
          : OAuth2TokenValidatorResult.failure(new OAuth2Error(WRONG_ISSUER,
              "it was issued by " + (actual == null ? "no issuer" : "'" + actual + "'") + ", not '" + expected + "'",
              null));
    };
  }

  private static OAuth2TokenValidator<Jwt> audience(String expected) {
    return jwt -> {
      List<String> audience = jwt.getAudience();
      return audience != null && audience.contains(expected) ? OAuth2TokenValidatorResult.success()
          : OAuth2TokenValidatorResult.failure(new OAuth2Error(WRONG_AUDIENCE,
              "its audience (aud) does not include '" + expected + "'", null));
    };
  }
}
