package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import io.almanac.graphql.auth.TestIdentityProvider;
import io.almanac.local.GraphQLClient;
import io.almanac.local.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Sign-in with an identity provider and keys that expire and rotate, on a stack of its own whose every process
 * accepts tokens of a provider served by the test (its JWKS on loopback, tokens signed here): through the real
 * gateway, which forwards {@code Authorization}, and directly against the financial and crawler subgraphs, which
 * read the same {@code auth} schema as the user subgraph that issues keys.
 */
class SignInAndKeyLifetimeThroughGatewayTest {

  private static final String READ = "{ searchSeries(first: 1) { totalCount } }";
  private static final String OK = "ok";
  /** Longer than any cache TTL here (5 s): how long a change made elsewhere may take to reach a subgraph. */
  private static final Duration PROPAGATION = Duration.ofSeconds(30);

  // HTTP/1.1: the JDK client's h2c upgrade header is taken for a WebSocket upgrade by the gateway.
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static TestIdentityProvider idp;
  private static LocalStack stack;
  private static GraphQLClient admin;
  private static int providers;

  @BeforeAll
  static void start() throws Exception {
    idp = TestIdentityProvider.start();
    Path home = Path.of("..").toAbsolutePath().normalize();
    Path runDir = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "almanac-signin");
    Map<String, String> settings = new HashMap<>(idp.environment());
    settings.put("ALMANAC_UPSTREAM_TIMEOUT", "60000");
    stack = LocalStack.start(new LocalStack.Options(home, runDir, null, null, null, 0, 0, 0, 0, false, settings));
    admin = new GraphQLClient(stack.gateway(), stack.adminAuthorization());
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
    if (idp != null) {
      idp.close();
    }
  }

  @Test
  void aValidTokenWorksThroughTheGatewayAndDirectlyAndBecomesAUser() {
    String token = "Bearer " + idp.sign(idp.claims("sub-grace", List.of("CRAWLER"), inAnHour())
        .claim("email", "grace@example.com").build());
    // One request through the gateway touching all three subgraphs.
    JsonNode data = new GraphQLClient(stack.gateway(), token).data(
        "{ me { email role } searchSeries(first: 1) { totalCount } providers(first: 1) { nodes { id } } }");
    assertThat(data.path("me").path("email").asString()).isEqualTo("grace@example.com");
    assertThat(data.path("me").path("role").asString()).isEqualTo("CRAWLER");
    assertThat(outcome(stack.gateway(), token, createProvider())).isEqualTo(OK);
    assertThat(outcome(stack.crawler(), token, createProvider())).isEqualTo(OK);
    assertThat(outcome(stack.financial(), token, READ)).isEqualTo(OK);
    assertThat(outcome(stack.users(), token, "{ me { id } }")).isEqualTo(OK);
    // The role from the claim is enforced: a VIEWER token cannot write.
    String viewer = "Bearer " + idp.token("sub-viewer", List.of(), inAnHour());
    assertThat(outcome(stack.gateway(), viewer, createProvider())).isEqualTo("FORBIDDEN");
  }

  @Test
  void theHttpEndpointsTakeTokensToo() throws Exception {
    // An unknown series: a caller who passed the gate gets 404, one who did not 401.
    String valid = "Bearer " + idp.token("sub-exporter", List.of(), inAnHour());
    String forged = "Bearer " + idp.forge(idp.claims("sub-exporter", List.of(), inAnHour()).build());
    for (URI origin : List.of(stack.gateway(), stack.financial())) {
      URI export = origin.resolve("/export/series/999999.csv");
      assertThat(status(export, valid)).as("valid token at " + export).isEqualTo(404);
      assertThat(status(export, forged)).as("forged token at " + export).isEqualTo(401);
    }
  }

  @Test
  void expiredWrongAudienceAndForgedTokensAreRefusedEverywhereSayingWhy() {
    JWTClaimsSet valid = idp.claims("sub-mallory", List.of("ADMIN"), inAnHour()).build();
    Map<String, String> bad = Map.of(
        "expired at", idp.token("sub-mallory", List.of("ADMIN"), Instant.now().minus(Duration.ofMinutes(5))),
        "audience", idp.sign(idp.claims("sub-mallory", List.of("ADMIN"), inAnHour()).audience("another-app").build()),
        "signature does not verify", idp.forge(valid));
    for (Map.Entry<String, String> token : bad.entrySet()) {
      for (URI endpoint : List.of(stack.gateway(), stack.financial(), stack.crawler(), stack.users())) {
        JsonNode error = new GraphQLClient(endpoint, "Bearer " + token.getValue()).execute(readFor(endpoint), Map.of())
            .path("errors").path(0);
        assertThat(error.path("extensions").path("code").asString()).as(token.getKey() + " at " + endpoint)
            .isEqualTo("UNAUTHENTICATED");
        assertThat(error.path("message").asString()).as(endpoint.toString()).contains(token.getKey())
            .doesNotContain(token.getValue());
      }
    }
  }

  @Test
  void anExpiredKeyIsRefusedByAnotherSubgraphAndLastUsedAtIsShown() throws Exception {
    JsonNode created = admin.data("mutation { createApiKey(name: \"loader\", role: CRAWLER,"
        + " expiresAt: \"2999-01-01T00:00:00Z\") { secret apiKey { id expiresAt } } }").path("createApiKey");
    assertThat(created.path("apiKey").path("expiresAt").asString()).isEqualTo("2999-01-01T00:00Z");
    String key = "Bearer " + created.path("secret").asString();
    String id = created.path("apiKey").path("id").asString();
    assertThat(outcome(stack.crawler(), key, createProvider())).isEqualTo(OK);
    assertThat(lastUsedAt(id)).as("written by the crawler API on first use").isNotNull();

    // Expiry comes from the clock: move it into the past in the database rather than waiting for it.
    sql("UPDATE auth.api_keys SET expires_at = now() - interval '1 second' WHERE id = ?", Long.parseLong(id));
    String refused = awaitOutcome(() -> outcome(stack.crawler(), key, createProvider()), "UNAUTHENTICATED");
    assertThat(refused).isEqualTo("UNAUTHENTICATED");
    JsonNode error = new GraphQLClient(stack.gateway(), key).execute(READ, Map.of()).path("errors").path(0);
    assertThat(error.path("message").asString()).contains("This API key expired at");
  }

  @Test
  void aRotatedKeysOldSecretWorksEverywhereDuringTheOverlapAndStopsAfterTheNextRotation() {
    JsonNode created = admin.data("mutation { createApiKey(name: \"crawler\", role: CRAWLER) { secret apiKey { id } } }")
        .path("createApiKey");
    String id = created.path("apiKey").path("id").asString();
    String first = "Bearer " + created.path("secret").asString();
    assertThat(outcome(stack.financial(), first, READ)).isEqualTo(OK);

    // An hour's overlap: the old secret certainly still works for the checks below.
    String second = "Bearer " + new GraphQLClient(stack.gateway(), first).data(
        "mutation($k: ID!) { rotateApiKey(id: $k, overlap: 3600) { secret } }", Map.of("k", id))
        .path("rotateApiKey").path("secret").asString();
    for (String secret : List.of(first, second)) {
      assertThat(outcome(stack.gateway(), secret, READ)).isEqualTo(OK);
      assertThat(outcome(stack.financial(), secret, READ)).isEqualTo(OK);
      assertThat(outcome(stack.crawler(), secret, createProvider())).isEqualTo(OK);
    }

    // Rotating again without overlap: the second secret stops at once in the user subgraph, within the cache TTL
    // elsewhere; the first, two rotations old, is no secret of this key any more.
    String third = "Bearer " + admin.data("mutation($k: ID!) { rotateApiKey(id: $k) { secret } }", Map.of("k", id))
        .path("rotateApiKey").path("secret").asString();
    assertThat(outcome(stack.users(), second, "{ me { id } }")).isEqualTo("UNAUTHENTICATED");
    assertThat(awaitOutcome(() -> outcome(stack.financial(), second, READ), "UNAUTHENTICATED"))
        .isEqualTo("UNAUTHENTICATED");
    assertThat(awaitOutcome(() -> outcome(stack.crawler(), first, readFor(stack.crawler())), "UNAUTHENTICATED"))
        .isEqualTo("UNAUTHENTICATED");
    assertThat(outcome(stack.financial(), third, READ)).isEqualTo(OK);
    assertThat(outcome(stack.gateway(), third, "{ me { email } }")).isEqualTo(OK);
  }

  /** A query {@code endpoint} serves: the gateway and the financial subgraph serve {@link #READ}. */
  private static String readFor(URI endpoint) {
    if (endpoint.equals(stack.users())) {
      return "{ me { id } }";
    }
    return endpoint.equals(stack.crawler()) ? "{ providers(first: 1) { nodes { id } } }" : READ;
  }

  private static int status(URI uri, String authorization) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", authorization).GET().build();
    return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static Instant inAnHour() {
    return Instant.now().plus(Duration.ofHours(1));
  }

  private static String createProvider() {
    return "mutation { createProvider(input: {name: \"signin " + (++providers) + "\", type: API}) { id } }";
  }

  private static String outcome(URI endpoint, String authorization, String document) {
    JsonNode response = new GraphQLClient(endpoint, authorization).execute(document, Map.of());
    JsonNode errors = response.path("errors");
    if (errors.isArray() && !errors.isEmpty()) {
      return errors.get(0).path("extensions").path("code").asString();
    }
    return response.path("data").isObject() ? OK : "no data: " + response;
  }

  /** Polls until {@code expected} or {@link #PROPAGATION} has passed; the last outcome. */
  private static String awaitOutcome(Supplier<String> outcome, String expected) {
    long deadline = System.nanoTime() + PROPAGATION.toNanos();
    String got = outcome.get();
    while (!expected.equals(got) && System.nanoTime() - deadline < 0) {
      got = outcome.get();
    }
    return got;
  }

  private static String lastUsedAt(String keyId) {
    JsonNode keys = admin.data("{ me { apiKeys { id lastUsedAt } } }").path("me").path("apiKeys");
    for (JsonNode key : keys) {
      if (key.path("id").asString().equals(keyId)) {
        return key.path("lastUsedAt").isNull() ? null : key.path("lastUsedAt").asString();
      }
    }
    throw new AssertionError("key " + keyId + " not listed: " + keys);
  }

  private static void sql(String statement, long id) throws Exception {
    try (Connection connection = DriverManager.getConnection(stack.jdbcUrl(), "postgres", "postgres");
        PreparedStatement update = connection.prepareStatement(statement)) {
      update.setLong(1, id);
      assertThat(update.executeUpdate()).isEqualTo(1);
    }
  }
}
