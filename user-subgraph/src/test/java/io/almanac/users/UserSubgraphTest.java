package io.almanac.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.graphql.dgs.DgsQueryExecutor;
import graphql.ExecutionResult;
import io.almanac.graphql.auth.ApiKeyStore;
import io.almanac.graphql.auth.Role;
import io.almanac.graphql.auth.TestCallers;
import io.almanac.graphql.auth.TestDatabases;
import io.almanac.store.SeriesRecord;
import io.almanac.store.TimeseriesStore;
import io.almanac.store.TimeseriesWriter;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Users, watchlists and API keys through DGS against a real PostgreSQL and a real series table. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "almanac.auth.cache-ttl=0s",
    "almanac.bootstrap-admin-key=" + UserSubgraphTest.BOOTSTRAP_KEY})
class UserSubgraphTest {

  static final String BOOTSTRAP_KEY = "alm_0badc0de_" + "0123456789abcdef0123456789abcdef0123456789abcdef";


  @Autowired DgsQueryExecutor graphql;
  @Autowired ApiKeyStore keys;
  @Autowired TimeseriesStore store;

  private TestCallers callers;
  private String admin;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestDatabases.register(registry);
  }

  @BeforeEach
  void seriesAndAdmin() throws Exception {
    callers = new TestCallers(keys, graphql);
    admin = "Bearer " + BOOTSTRAP_KEY;
    OffsetDateTime t = OffsetDateTime.parse("2024-01-01T00:00:00Z");
    try (TimeseriesWriter writer = new TimeseriesWriter(store)) {
      writer.upsertSeries(List.of(
          new SeriesRecord(3, "1", "A", "A", null, null, "DAILY", null, true, t),
          new SeriesRecord(7, "1", "B", "B", null, null, "DAILY", null, true, t),
          new SeriesRecord(12, "1", "C", "C", null, null, "DAILY", null, true, t))).get();
    }
  }

  private Map<String, Object> ok(String auth, String query, Map<String, Object> variables) {
    ExecutionResult result = callers.execute(auth, query, variables);
    assertThat(result.getErrors()).isEmpty();
    return result.getData();
  }

  private String code(String auth, String query, Map<String, Object> variables) {
    ExecutionResult result = callers.execute(auth, query, variables);
    assertThat(result.getErrors()).hasSize(1);
    return (String) result.getErrors().get(0).getExtensions().get("code");
  }

  private String createUser(String email) {
    Map<String, Object> user = (Map<String, Object>) ok(admin,
        "mutation($e: String!) { createUser(input: {email: $e, role: CRAWLER}) { id role } }", Map.of("e", email))
        .get("createUser");
    assertThat(user).containsEntry("role", "CRAWLER");
    return (String) user.get("id");
  }

  @Test
  void bootstrapKeyIsAWorkingAdmin() {
    Map<String, Object> me = (Map<String, Object>) ok(admin, "{ me { email role } }", Map.of()).get("me");
    assertThat(me).containsEntry("email", "admin@localhost").containsEntry("role", "ADMIN");
  }

  @Test
  void watchlistAddIsIdempotentKeepsOrderRefusesUnknownSeriesAndResolvesAsEntities() {
    String id = createUser("analyst-" + System.nanoTime() + "@example.com");
    String analyst = callers.key(Long.parseLong(id), Role.VIEWER);
    String add = "mutation($s: ID!) { addToWatchlist(seriesId: $s) { id } }";
    ok(analyst, add, Map.of("s", "12"));
    ok(analyst, add, Map.of("s", "3"));
    ok(analyst, add, Map.of("s", "12"));
    assertThat(code(analyst, add, Map.of("s", "404"))).isEqualTo("NOT_FOUND");
    ok(analyst, "mutation { removeFromWatchlist(seriesId: \"99\") { id } }", Map.of());
    String other = createUser("second-" + System.nanoTime() + "@example.com");
    assertThat(code(analyst, "mutation($u: ID!) { addToWatchlist(seriesId: \"7\", userId: $u) { id } }",
        Map.of("u", other))).isEqualTo("FORBIDDEN");
    ok(admin, "mutation($u: ID!) { addToWatchlist(seriesId: \"7\", userId: $u) { id } }", Map.of("u", other));

    Map<String, Object> data = ok(admin, """
        query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { id watchlist { id } } } }""",
        Map.of("reps", List.of(Map.of("__typename", "User", "id", id), Map.of("__typename", "User", "id", other),
            Map.of("__typename", "User", "id", "123456"))));
    List<Map<String, Object>> users = (List<Map<String, Object>>) data.get("_entities");
    assertThat(users.get(0).get("watchlist")).isEqualTo(List.of(Map.of("id", "12"), Map.of("id", "3")));
    assertThat(users.get(1).get("watchlist")).isEqualTo(List.of(Map.of("id", "7")));
    assertThat(users.get(2)).isNull();
  }

  @Test
  void keysAreShownOnceLimitedToTheCallersRoleAndRevocable() {
    String id = createUser("keys-" + System.nanoTime() + "@example.com");
    String crawler = callers.key(Long.parseLong(id), Role.CRAWLER);
    assertThat(code(crawler, "mutation { createApiKey(name: \"too strong\", role: ADMIN) { secret } }", Map.of()))
        .isEqualTo("FORBIDDEN");
    Map<String, Object> created = (Map<String, Object>) ok(crawler,
        "mutation { createApiKey(name: \"reader\", role: VIEWER) { secret apiKey { id prefix role } } }", Map.of())
        .get("createApiKey");
    String secret = (String) created.get("secret");
    Map<String, Object> key = (Map<String, Object>) created.get("apiKey");
    assertThat(secret).startsWith((String) key.get("prefix") + "_");
    assertThat(ok("Bearer " + secret, "{ me { id } }", Map.of()).get("me")).isEqualTo(Map.of("id", id));

    Map<String, Object> listed = (Map<String, Object>) ok(crawler, "{ me { apiKeys { id name lastUsedAt } } }", Map.of())
        .get("me");
    assertThat((List<Map<String, Object>>) listed.get("apiKeys")).extracting(k -> k.get("name"))
        .contains("reader");
    assertThat(listed.toString()).doesNotContain(secret.substring(13));

    ok(crawler, "mutation($k: ID!) { revokeApiKey(id: $k) { revokedAt } }", Map.of("k", key.get("id")));
    assertThat(code("Bearer " + secret, "{ me { id } }", Map.of())).isEqualTo("UNAUTHENTICATED");
  }

  @Test
  void refusalsCarryCodes() {
    String email = "taken-" + System.nanoTime() + "@example.com";
    String id = createUser(email);
    String viewer = callers.key(Long.parseLong(id), Role.VIEWER);
    assertThat(code(admin, "mutation($e: String!) { createUser(input: {email: $e}) { id } }",
        Map.of("e", email.toUpperCase()))).isEqualTo("CONFLICT");
    assertThat(code(admin, "mutation { createUser(input: {email: \"nope\"}) { id } }", Map.of()))
        .isEqualTo("BAD_USER_INPUT");
    assertThat(code(viewer, "mutation { createUser(input: {email: \"x@example.com\"}) { id } }", Map.of()))
        .isEqualTo("FORBIDDEN");
    assertThat(code(viewer, "{ users { nodes { id } } }", Map.of())).isEqualTo("FORBIDDEN");
    assertThat(code(viewer, "query($u: ID!) { user(id: $u) { id } }", Map.of("u", "1"))).isEqualTo("FORBIDDEN");
    assertThat(code(null, "{ me { id } }", Map.of())).isEqualTo("UNAUTHENTICATED");
    assertThat(code(null, "mutation { addToWatchlist(seriesId: \"3\") { id } }", Map.of())).isEqualTo("UNAUTHENTICATED");
    assertThat(code(admin, "mutation { addToWatchlist(seriesId: \"3\", userId: \"424242\") { id } }", Map.of()))
        .isEqualTo("NOT_FOUND");
  }
}
