package io.almanac.users.keys;

import static io.almanac.graphql.auth.db.Tables.API_KEYS;
import static io.almanac.graphql.auth.db.Tables.IDENTITIES;
import static io.almanac.users.db.Tables.USERS_;
import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.graphql.dgs.DgsQueryExecutor;
import graphql.ExecutionResult;
import io.almanac.graphql.auth.ApiKeyStore;
import io.almanac.graphql.auth.BearerTokens;
import io.almanac.graphql.auth.IdentityLinks;
import io.almanac.graphql.auth.TestCallers;
import io.almanac.graphql.auth.TestDatabases;
import io.almanac.graphql.auth.TestIdentityProvider;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Key expiry, rotation and lastUsedAt, and sign-in with an identity provider, through DGS against a real PostgreSQL
 * and a JWKS served in the test. VIEWER keys live at most 30 days here; the cache TTL is 0, so every request
 * verifies against the database.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "almanac.auth.cache-ttl=0s",
    "almanac.auth.max-key-lifetime.viewer=P30D",
    "almanac.bootstrap-admin-key=" + KeyLifetimeAndSignInSubgraphTest.BOOTSTRAP_KEY})
@SuppressWarnings("unchecked")
class KeyLifetimeAndSignInSubgraphTest {

  static final String BOOTSTRAP_KEY = "alm_0badc0de_" + "0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final TestIdentityProvider IDP = TestIdentityProvider.start();

  private static final String CREATE = "mutation($n: String!, $r: Role!, $u: ID, $e: DateTime) { createApiKey(name: $n,"
      + " role: $r, userId: $u, expiresAt: $e) { secret apiKey { id prefix expiresAt lastUsedAt } } }";
  private static final String ROTATE = "mutation($k: ID!, $o: Int) { rotateApiKey(id: $k, overlap: $o) { secret"
      + " apiKey { id prefix rotatedAt previousSecretValidUntil } } }";

  @Autowired DgsQueryExecutor graphql;
  @Autowired ApiKeyStore keys;
  @Autowired DSLContext db;
  /** The user subgraph's: FirstSightUsers, which creates users. */
  @Autowired IdentityLinks firstSight;
  TestCallers callers;
  String admin = "Bearer " + BOOTSTRAP_KEY;

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry registry) {
    TestDatabases.register(registry);
    registry.add("almanac.auth.oidc.issuer", IDP::issuer);
    registry.add("almanac.auth.oidc.jwks-uri", IDP::jwksUri);
    registry.add("almanac.auth.oidc.audience", () -> TestIdentityProvider.AUDIENCE);
  }

  @AfterAll
  static void stop() {
    IDP.close();
  }

  @BeforeEach
  void callers() {
    callers = new TestCallers(keys, graphql);
  }

  @Test
  void anExpiredKeyIsRefusedSayingWhenAndTheExpiryIsShown() {
    OffsetDateTime inAnHour = OffsetDateTime.now(ZoneOffset.UTC).plusHours(1).withNano(0);
    Map<String, Object> created = create(admin, "expiring", "CRAWLER", null, inAnHour.toString());
    Map<String, Object> key = (Map<String, Object>) created.get("apiKey");
    assertThat(OffsetDateTime.parse((String) key.get("expiresAt")).toInstant()).isEqualTo(inAnHour.toInstant());
    String secret = "Bearer " + created.get("secret");
    assertThat(ok(secret, "{ me { email } }").get("me")).isEqualTo(Map.of("email", "admin@localhost"));

    // Expiry is the clock's business: move it into the past in the database instead of waiting for it.
    OffsetDateTime past = OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1).withNano(0);
    db.update(API_KEYS).set(API_KEYS.EXPIRES_AT, past).where(API_KEYS.ID.eq(Long.parseLong((String) key.get("id"))))
        .execute();
    ExecutionResult refused = callers.execute(secret, "{ me { email } }", Map.of());
    assertThat(refused.getErrors()).singleElement().satisfies(e -> {
      assertThat(e.getExtensions()).containsEntry("code", "UNAUTHENTICATED");
      assertThat(e.getMessage()).contains("This API key expired at " + past.toInstant());
    });
    assertThat(code(admin, ROTATE, Map.of("k", key.get("id")))).isEqualTo("CONFLICT");
  }

  @Test
  void anExpiryInThePastOrBeyondTheRolesMaximumIsRefusedAndNoneMeansTheMaximum() {
    String past = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1).toString();
    assertThat(argument(admin, CREATE, vars("k", "CRAWLER", past))).isEqualTo("expiresAt");
    String beyond = OffsetDateTime.now(ZoneOffset.UTC).plusDays(31).toString();
    assertThat(argument(admin, CREATE, vars("k", "VIEWER", beyond))).isEqualTo("expiresAt");

    Instant before = Instant.now();
    Map<String, Object> viewer = (Map<String, Object>) create(admin, "k", "VIEWER", null, null).get("apiKey");
    Instant after = Instant.now();
    Instant expiry = OffsetDateTime.parse((String) viewer.get("expiresAt")).toInstant();
    assertThat(expiry).isBetween(before.plus(Duration.ofDays(30)).minusMillis(1), after.plus(Duration.ofDays(30)));
    // CRAWLER has no maximum here: none means never.
    Map<String, Object> crawler = (Map<String, Object>) create(admin, "k", "CRAWLER", null, null).get("apiKey");
    assertThat(crawler.get("expiresAt")).isNull();
  }

  @Test
  void aRotatedKeyKeepsItsIdAndPrefixAndTheOldSecretWorksOnlyForTheOverlap() {
    Map<String, Object> created = create(admin, "crawler", "CRAWLER", null, null);
    Map<String, Object> key = (Map<String, Object>) created.get("apiKey");
    String old = "Bearer " + created.get("secret");

    Map<String, Object> rotated = (Map<String, Object>) ok(old, ROTATE, Map.of("k", key.get("id"), "o", 3600))
        .get("rotateApiKey");
    Map<String, Object> rotatedKey = (Map<String, Object>) rotated.get("apiKey");
    assertThat(rotatedKey).containsEntry("id", key.get("id")).containsEntry("prefix", key.get("prefix"));
    OffsetDateTime rotatedAt = OffsetDateTime.parse((String) rotatedKey.get("rotatedAt"));
    assertThat(OffsetDateTime.parse((String) rotatedKey.get("previousSecretValidUntil")))
        .isEqualTo(rotatedAt.plusHours(1));
    String fresh = "Bearer " + rotated.get("secret");
    assertThat(fresh).isNotEqualTo(old).startsWith("Bearer " + key.get("prefix") + "_");
    // Within the hour's overlap both work.
    assertThat(ok(old, "{ me { email } }").get("me")).isNotNull();
    assertThat(ok(fresh, "{ me { email } }").get("me")).isNotNull();

    // Rotating with overlap 0 (the default) ends the previous secret at once, here.
    Map<String, Object> again = (Map<String, Object>) ok(fresh, ROTATE, Map.of("k", key.get("id"))).get("rotateApiKey");
    assertThat(code(fresh, "{ me { email } }")).isEqualTo("UNAUTHENTICATED");
    assertThat(code(old, "{ me { email } }")).isEqualTo("UNAUTHENTICATED");
    assertThat(ok("Bearer " + again.get("secret"), "{ me { email } }").get("me")).isNotNull();

    assertThat(argument(admin, ROTATE, Map.of("k", key.get("id"), "o", -1))).isEqualTo("overlap");
    assertThat(argument(admin, ROTATE, Map.of("k", key.get("id"), "o", 7 * 24 * 3600 + 1))).isEqualTo("overlap");
    assertThat(code(admin, ROTATE, Map.of("k", "999999"))).isEqualTo("NOT_FOUND");
  }

  @Test
  void anotherUsersKeyIsRotatedOnlyByAnAdmin() {
    Map<String, Object> user = (Map<String, Object>) ok(admin,
        "mutation { createUser(input: {email: \"rotator@example.com\", role: CRAWLER}) { id } }").get("createUser");
    String theirs = callers.key(Long.parseLong((String) user.get("id")), io.almanac.graphql.auth.Role.CRAWLER);
    String mine = "Bearer " + create(admin, "other", "CRAWLER", null, null).get("secret");
    long myKeyId = keys.byPrefix(mine.substring(11, 19)).orElseThrow().getId();
    // Another user's key is answered as an unknown one: a caller cannot tell which key ids exist.
    assertThat(code(theirs, ROTATE, Map.of("k", String.valueOf(myKeyId)))).isEqualTo("NOT_FOUND");
    assertThat(code(theirs, "mutation($k: ID!) { revokeApiKey(id: $k) { id } }", Map.of("k", String.valueOf(myKeyId))))
        .isEqualTo("NOT_FOUND");
  }

  /** An admin made an ADMIN key for a viewer: the viewer's own VIEWER key must not rotate it into a usable secret. */
  @Test
  void aKeyOfAHigherRoleIsNotRotatedByALowerOne() {
    Map<String, Object> user = (Map<String, Object>) ok(admin,
        "mutation { createUser(input: {email: \"escalator@example.com\", role: VIEWER}) { id } }").get("createUser");
    long userId = Long.parseLong((String) user.get("id"));
    String viewer = callers.key(userId, io.almanac.graphql.auth.Role.VIEWER);
    String adminKey = callers.key(userId, io.almanac.graphql.auth.Role.ADMIN);
    long adminKeyId = keys.byPrefix(adminKey.substring(11, 19)).orElseThrow().getId();
    assertThat(code(viewer, ROTATE, Map.of("k", String.valueOf(adminKeyId)))).isEqualTo("FORBIDDEN");
    assertThat(ok(adminKey, "{ me { id } }").get("me")).isNotNull(); // the key and its secret are unchanged
    // Giving up powers is allowed: the viewer may revoke the stronger key of its own.
    ok(viewer, "mutation($k: ID!) { revokeApiKey(id: $k) { revokedAt } }", Map.of("k", String.valueOf(adminKeyId)));
    assertThat(code(adminKey, "{ me { id } }")).isEqualTo("UNAUTHENTICATED");
  }

  @Test
  void lastUsedAtIsSetWhenAKeyIsUsed() {
    Map<String, Object> created = create(admin, "reader", "VIEWER", null, null);
    Map<String, Object> key = (Map<String, Object>) created.get("apiKey");
    assertThat(key.get("lastUsedAt")).isNull();
    Instant before = Instant.now();
    ok("Bearer " + created.get("secret"), "{ me { id } }");
    List<Map<String, Object>> listed = (List<Map<String, Object>>) ((Map<String, Object>) ok(admin,
        "{ me { apiKeys { id lastUsedAt } } }").get("me")).get("apiKeys");
    Map<String, Object> shown = listed.stream().filter(k -> k.get("id").equals(key.get("id"))).findFirst().orElseThrow();
    // The database's timestamp has microseconds; the key was used after `before` (less a millisecond of rounding).
    assertThat(OffsetDateTime.parse((String) shown.get("lastUsedAt")).toInstant())
        .isBetween(before.minusMillis(1), Instant.now());
  }

  @Test
  void aSignedInSubjectBecomesAUserOnFirstSightAndTheSameUserAfter() {
    Instant exp = Instant.now().plus(Duration.ofHours(1));
    String token = "Bearer " + IDP.sign(IDP.claims("sub-ada", List.of("CRAWLER"), exp)
        .claim("email", "ada@example.com").claim("name", "Ada").build());
    Map<String, Object> me = (Map<String, Object>) ok(token, "{ me { id email displayName role } }").get("me");
    assertThat(me).containsEntry("email", "ada@example.com").containsEntry("displayName", "Ada")
        .containsEntry("role", "CRAWLER");
    String again = "Bearer " + IDP.token("sub-ada", List.of("VIEWER"), exp.plusSeconds(1));
    assertThat(((Map<String, Object>) ok(again, "{ me { id } }").get("me")).get("id")).isEqualTo(me.get("id"));
    // A subject with the email of an existing user gets a user of its own, never the existing one.
    String taken = "Bearer " + IDP.sign(IDP.claims("sub-imposter", List.of(), exp)
        .claim("email", "admin@localhost").build());
    Map<String, Object> other = (Map<String, Object>) ok(taken, "{ me { id email role } }").get("me");
    assertThat(other.get("id")).isNotEqualTo(me.get("id"));
    assertThat(other).containsEntry("email", "sub-imposter@127.0.0.1").containsEntry("role", "VIEWER");
    // A signed-in user manages their own keys like anyone else; API keys keep working beside tokens.
    Map<String, Object> created = (Map<String, Object>) ok(token,
        "mutation { createApiKey(name: \"laptop\", role: VIEWER) { secret } }").get("createApiKey");
    assertThat(((Map<String, Object>) ok("Bearer " + created.get("secret"), "{ me { id } }").get("me")).get("id"))
        .isEqualTo(me.get("id"));
    ExecutionResult wrongAudience = callers.execute("Bearer " + IDP.sign(IDP.claims("sub-ada", List.of(), exp)
        .audience("other-app").build()), "{ me { id } }", Map.of());
    assertThat(wrongAudience.getErrors()).singleElement().satisfies(e -> {
      assertThat(e.getExtensions()).containsEntry("code", "UNAUTHENTICATED");
      assertThat(e.getMessage()).contains("audience");
    });
  }

  @Test
  void concurrentFirstRequestsOfOneSubjectCreateOneUser() throws Exception {
    BearerTokens.SignedIn identity = new BearerTokens.SignedIn(IDP.issuer(), "sub-race", io.almanac.graphql.auth.Role.VIEWER,
        "race@example.com", null, Instant.now().plusSeconds(3600));
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Long>> ids = new java.util.ArrayList<>();
      for (int i = 0; i < threads; i++) {
        ids.add(pool.submit(() -> {
          start.await();
          return firstSight.userId(identity);
        }));
      }
      start.countDown();
      java.util.Set<Long> distinct = new java.util.HashSet<>();
      for (Future<Long> id : ids) {
        distinct.add(id.get(60, TimeUnit.SECONDS));
      }
      assertThat(distinct).hasSize(1);
      assertThat(db.fetchCount(IDENTITIES, IDENTITIES.SUBJECT.eq("sub-race"))).isEqualTo(1);
      assertThat(db.fetchCount(USERS_, USERS_.EMAIL.eq("race@example.com"))).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  private static Map<String, Object> vars(String name, String role, String expiresAt) {
    return Map.of("n", name, "r", role, "e", expiresAt);
  }

  private Map<String, Object> create(String auth, String name, String role, String userId, String expiresAt) {
    Map<String, Object> variables = new java.util.HashMap<>(Map.of("n", name, "r", role));
    variables.put("u", userId);
    variables.put("e", expiresAt);
    return (Map<String, Object>) ok(auth, CREATE, variables).get("createApiKey");
  }

  private Map<String, Object> ok(String auth, String query) {
    return ok(auth, query, Map.of());
  }

  private Map<String, Object> ok(String auth, String query, Map<String, Object> variables) {
    return callers.data(auth, query, variables);
  }

  private String code(String auth, String query) {
    return code(auth, query, Map.of());
  }

  private String code(String auth, String query, Map<String, Object> variables) {
    return (String) callers.errorExtensions(auth, query, variables).get("code");
  }

  private String argument(String auth, String query, Map<String, Object> variables) {
    ExecutionResult result = callers.execute(auth, query, variables);
    assertThat(result.getErrors()).singleElement().satisfies(
        e -> assertThat(e.getExtensions()).containsEntry("code", "BAD_USER_INPUT"));
    return (String) result.getErrors().get(0).getExtensions().get("argument");
  }
}
