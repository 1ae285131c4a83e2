package io.almanac.graphql.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpServer;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bearer JWTs through {@link CallerAuthenticator}, as every subgraph's gate sees them: tokens signed by an identity
 * provider served in the test ({@link TestIdentityProvider}), checked by Spring Security's decoder against its JWKS;
 * each refusal says which check failed and never quotes the token. The clock is the test's, so expiry needs no wait.
 */
class BearerTokenCallersTest {

  private static TestIdentityProvider idp;
  private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

  @BeforeAll
  static void provider() {
    idp = TestIdentityProvider.start();
  }

  @AfterAll
  static void stop() {
    idp.close();
  }

  /** An authenticator without a database: tokens never touch API keys; subject "linked" is user 42. */
  private CallerAuthenticator authenticator(OidcSettings settings, Duration cacheTtl) {
    IdentityLinks links = identity -> identity.subject().equals("linked") ? 42L : null;
    return new CallerAuthenticator(null, new AuthSettings(false, cacheTtl), new BearerTokens(settings, clock), links,
        clock);
  }

  /** Accepting the provider's tokens for its audience, roles in the {@code roles} claim, 5 s of clock skew. */
  private static OidcSettings settings() {
    return new OidcSettings(idp.issuer(), idp.jwksUri(), TestIdentityProvider.AUDIENCE, "roles", null, null,
        Duration.ofSeconds(5));
  }

  private CallerAuthenticator authenticator() {
    return authenticator(settings(), Duration.ofHours(1));
  }

  private Instant inAnHour() {
    return clock.instant().plus(Duration.ofHours(1));
  }

  @Test
  void aValidTokenIsACallerWithTheSubjectTheLinkedUserAndTheHighestRoleNamed() {
    Caller caller = authenticator().authenticate("Bearer " + idp.token("linked", List.of("viewer", "ADMIN", "x"),
        inAnHour()));
    assertThat(caller).isEqualTo(new Caller(42L, null, Role.ADMIN, "linked"));
    Caller unseen = authenticator().authenticate("Bearer " + idp.token("new-person", List.of("Crawler"), inAnHour()));
    assertThat(unseen).isEqualTo(new Caller(null, null, Role.CRAWLER, "new-person"));
  }

  @Test
  void aTokenWithoutARoleIsAViewerByDefaultAndRefusedWithDefaultRoleNone() {
    String token = "Bearer " + idp.token("linked", List.of("staff"), inAnHour());
    assertThat(authenticator().authenticate(token).role()).isEqualTo(Role.VIEWER);
    OidcSettings none = new OidcSettings(idp.issuer(), idp.jwksUri(), TestIdentityProvider.AUDIENCE, "roles", null,
        "NONE", Duration.ofSeconds(5));
    assertRefused(authenticator(none, Duration.ofHours(1)), token, "grants no Almanac role");
  }

  @Test
  void aRoleMappingReplacesRoleNamesAndANestedClaimIsFollowed() {
    OidcSettings mapped = new OidcSettings(idp.issuer(), idp.jwksUri(), TestIdentityProvider.AUDIENCE,
        "realm_access.roles", "almanac-admins=ADMIN, loaders=CRAWLER", null, Duration.ofSeconds(5));
    CallerAuthenticator gate = authenticator(mapped, Duration.ofHours(1));
    JWTClaimsSet loader = idp.claims("a", List.of(), inAnHour())
        .claim("realm_access", Map.of("roles", List.of("loaders", "ADMIN"))).build();
    // "ADMIN" is not mapped, so only "loaders" counts.
    assertThat(gate.authenticate("Bearer " + idp.sign(loader)).role()).isEqualTo(Role.CRAWLER);
    JWTClaimsSet admin = idp.claims("b", List.of(), inAnHour())
        .claim("realm_access", Map.of("roles", List.of("loaders", "almanac-admins"))).build();
    assertThat(gate.authenticate("Bearer " + idp.sign(admin)).role()).isEqualTo(Role.ADMIN);
    // The top-level "roles" claim is not the one configured.
    assertThat(gate.authenticate("Bearer " + idp.token("c", List.of("almanac-admins"), inAnHour())).role())
        .isEqualTo(Role.VIEWER);
  }

  @Test
  void anExpiredTokenIsRefusedSayingWhen() {
    Instant expired = clock.instant().minus(Duration.ofMinutes(1));
    assertRefused(authenticator(), "Bearer " + idp.token("linked", List.of("ADMIN"), expired),
        "expired at " + expired);
  }

  @Test
  void aCachedTokenStopsWorkingAtItsExpiryPlusTheClockSkew() {
    CallerAuthenticator gate = authenticator();
    Instant exp = clock.instant().plusSeconds(30);
    String token = "Bearer " + idp.token("linked", List.of("ADMIN"), exp);
    assertThat(gate.authenticate(token).role()).isEqualTo(Role.ADMIN);
    clock.advance(Duration.ofSeconds(30 + 4));
    assertThat(gate.authenticate(token).role()).as("within the 5 s skew").isEqualTo(Role.ADMIN);
    clock.advance(Duration.ofSeconds(1));
    assertRefused(gate, token, "expired at " + exp.plusSeconds(5));
  }

  @Test
  void aWrongAudienceOrIssuerIsRefusedNamingTheCheck() {
    JWTClaimsSet audience = idp.claims("linked", List.of("ADMIN"), inAnHour()).audience("someone-else").build();
    assertRefused(authenticator(), "Bearer " + idp.sign(audience), "audience (aud) does not include 'almanac-test'");
    JWTClaimsSet issuer = idp.claims("linked", List.of("ADMIN"), inAnHour()).issuer("https://evil.example").build();
    assertRefused(authenticator(), "Bearer " + idp.sign(issuer), "issued by 'https://evil.example', not '"
        + idp.issuer() + "'");
  }

  @Test
  void aForgedSignatureOrAnUnknownKeyIdIsRefused() {
    JWTClaimsSet claims = idp.claims("linked", List.of("ADMIN"), inAnHour()).build();
    assertRefused(authenticator(), "Bearer " + idp.forge(claims), "signature does not verify");
    assertRefused(authenticator(), "Bearer " + idp.signWithUnknownKeyId(claims), "key the identity provider does not"
        + " publish");
    assertRefused(authenticator(), "Bearer " + idp.sign(claims).replaceFirst("\\.[^.]*$", "."), "not a well-formed");
  }

  @Test
  void withoutAnIssuerTokensAreRefusedAndApiKeyShapesAreNotTakenForTokens() {
    CallerAuthenticator off = authenticator(OidcSettings.OFF, Duration.ofHours(1));
    assertRefused(off, "Bearer " + idp.token("linked", List.of("ADMIN"), inAnHour()), "no identity provider");
    assertRefused(authenticator(), "Bearer not-a-key", "Invalid API key");
    assertRefused(authenticator(), "Basic dXNlcjpwYXNz", "must be 'Bearer <api key>' or 'Bearer <token>'");
    assertRefused(off, "Basic dXNlcjpwYXNz", "must be 'Bearer <api key>'");
  }

  @Test
  void unreachableSigningKeysAreUnavailableNotARefusal() {
    OidcSettings unreachable = new OidcSettings(idp.issuer(), "http://127.0.0.1:1/jwks.json",
        TestIdentityProvider.AUDIENCE, null, null, null, null);
    String token = "Bearer " + idp.token("linked", List.of("ADMIN"), inAnHour());
    assertThatThrownBy(() -> authenticator(unreachable, Duration.ofHours(1)).authenticate(token))
        .isInstanceOfSatisfying(AlmanacGraphQLException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
  }

  @Test
  void aProviderThatNeverAnswersIsUnavailableNotAHungRequest() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    HttpServer silent = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    silent.createContext("/jwks.json", exchange -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    });
    ExecutorService handlers = Executors.newCachedThreadPool();
    silent.setExecutor(handlers);
    silent.start();
    try {
      OidcSettings hanging = new OidcSettings(idp.issuer(),
          "http://127.0.0.1:" + silent.getAddress().getPort() + "/jwks.json", TestIdentityProvider.AUDIENCE, null,
          null, null, null);
      String token = "Bearer " + idp.token("linked", List.of("ADMIN"), inAnHour());
      // The JWKS read times out (3 s) rather than holding the request; the bound here is only the test's guard.
      assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
          assertThatThrownBy(() -> authenticator(hanging, Duration.ofHours(1)).authenticate(token))
              .isInstanceOfSatisfying(AlmanacGraphQLException.class,
                  e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE)));
    } finally {
      release.countDown();
      silent.stop(0);
      handlers.shutdownNow();
    }
  }

  @Test
  void settingsNamingAnIssuerNeedKeysAndAnAudienceAndValidRoles() {
    assertThatThrownBy(() -> new OidcSettings("https://idp", null, "a", null, null, null, null))
        .hasMessageContaining("jwks-uri");
    assertThatThrownBy(() -> new OidcSettings("https://idp", "https://idp/jwks", " ", null, null, null, null))
        .hasMessageContaining("audience");
    assertThatThrownBy(() -> new OidcSettings(null, null, null, null, "admins=ROOT", null, null))
        .hasMessageContaining("ROOT");
    assertThatThrownBy(() -> new OidcSettings(null, null, null, null, "admins", null, null))
        .hasMessageContaining("value=ROLE");
    assertThatThrownBy(() -> new OidcSettings(null, null, null, null, null, "OWNER", null))
        .hasMessageContaining("default-role");
  }

  private static void assertRefused(CallerAuthenticator gate, String authorization, String saying) {
    assertThatThrownBy(() -> gate.authenticate(authorization))
        .isInstanceOfSatisfying(AlmanacGraphQLException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
          assertThat(e.getMessage()).contains(saying);
          String credential = authorization.substring(authorization.indexOf(' ') + 1);
          assertThat(e.getMessage()).doesNotContain(credential);
        });
  }
}
