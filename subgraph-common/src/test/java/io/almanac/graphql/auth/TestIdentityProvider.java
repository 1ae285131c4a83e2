package io.almanac.graphql.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * For tests: an OpenID Connect identity provider of our own, no outside network. It serves its public key as a
 * JWKS at {@link #jwksUri()} (JDK HTTP server on loopback) and signs tokens with RS256; {@link #forger()} signs
 * with another key under the same key id, as an attacker who knows the key id would. Needs only Nimbus and the JDK,
 * so tests of other modules (end-to-end) use it too.
 */
public final class TestIdentityProvider implements AutoCloseable {

  public static final String AUDIENCE = "almanac-test";

  private final RSAKey key;
  private final HttpServer server;
  private final String issuer;

  private TestIdentityProvider(RSAKey key, HttpServer server, String issuer) {
    this.key = key;
    this.server = server;
    this.issuer = issuer;
  }

  /** Starts one on a free loopback port. */
  public static TestIdentityProvider start() {
    try {
      RSAKey key = new RSAKeyGenerator(2048).keyID("test-key-1").generate();
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
      server.createContext("/jwks.json", exchange -> {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, jwks.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(jwks);
        }
      });
      server.start();
      String issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/almanac";
      return new TestIdentityProvider(key, server, issuer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public String issuer() {
    return issuer;
  }

  public String jwksUri() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json";
  }

  /** The environment that turns sign-in with this provider on in every subgraph (application.yml's names). */
  public Map<String, String> environment() {
    return Map.of("ALMANAC_OIDC_ISSUER", issuer, "ALMANAC_OIDC_JWKS_URI", jwksUri(),
        "ALMANAC_OIDC_AUDIENCE", AUDIENCE, "ALMANAC_OIDC_CLOCK_SKEW", "5s");
  }

  /** A token with this provider's issuer and {@link #AUDIENCE}, valid until {@code expiresAt}. */
  public String token(String subject, List<String> roles, Instant expiresAt) {
    return sign(key, claims(subject, roles, expiresAt).build());
  }

  /** Claims to adjust before {@link #sign}: issuer, audience, subject, roles, issued an hour before expiring. */
  public JWTClaimsSet.Builder claims(String subject, List<String> roles, Instant expiresAt) {
    return new JWTClaimsSet.Builder().issuer(issuer).audience(AUDIENCE).subject(subject).claim("roles", roles)
        .issueTime(Date.from(expiresAt.minusSeconds(3600))).expirationTime(Date.from(expiresAt));
  }

  public String sign(JWTClaimsSet claims) {
    return sign(key, claims);
  }

  /** Signs with a key the provider does not publish, under the published key's id. */
  public String forge(JWTClaimsSet claims) {
    try {
      return sign(new RSAKeyGenerator(2048).keyID(key.getKeyID()).generate(), claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Signs with the provider's key under a key id it does not publish. */
  public String signWithUnknownKeyId(JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("no-such-key").build(), claims);
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sign(RSAKey with, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(with.getKeyID()).build(), claims);
      jwt.sign(new RSASSASigner(with));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
