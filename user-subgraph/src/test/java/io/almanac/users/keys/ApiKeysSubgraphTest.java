package io.almanac.users.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.graphql.auth.Role;
import io.almanac.users.AbstractUserSubgraphTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** API keys through DGS: created, listed, used and revoked for real. */
@SuppressWarnings("unchecked")
class ApiKeysSubgraphTest extends AbstractUserSubgraphTest {

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
}
