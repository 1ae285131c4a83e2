package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.GraphQLClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Who may do what, through the gateway and directly against each subgraph (which must be safe when
 * called bypassing the gateway). Anonymous reads are off, as in production.
 */
@ExtendWith(RunningAlmanac.class)
class AuthMatrixTest {

  private record Operation(String name, String subgraph, Function<Integer, String> document) {}

  private static final String OK = "ok";
  private static final List<String> CALLERS = List.of("anonymous", "viewer", "crawler", "admin", "revoked");

  private static final List<Operation> OPERATIONS = List.of(
      new Operation("read series", "financial", n -> "{ searchSeries(first: 1) { totalCount } }"),
      new Operation("read providers", "crawler", n -> "{ providers(first: 1) { nodes { id } } }"),
      new Operation("me", "users", n -> "{ me { role } }"),
      new Operation("createProvider", "crawler",
          n -> "mutation { createProvider(input: {name: \"matrix " + n + "\", type: API}) { id } }"),
      new Operation("createUser", "users",
          n -> "mutation { createUser(input: {email: \"matrix" + n + "@example.com\"}) { id } }"));

  /** Expected outcome per operation, for anonymous, viewer, crawler, admin, revoked. */
  private static final Map<String, List<String>> EXPECTED = Map.of(
      "read series", List.of("UNAUTHENTICATED", OK, OK, OK, "UNAUTHENTICATED"),
      "read providers", List.of("UNAUTHENTICATED", OK, OK, OK, "UNAUTHENTICATED"),
      "me", List.of("UNAUTHENTICATED", OK, OK, OK, "UNAUTHENTICATED"),
      "createProvider", List.of("UNAUTHENTICATED", "FORBIDDEN", OK, OK, "UNAUTHENTICATED"),
      "createUser", List.of("UNAUTHENTICATED", "FORBIDDEN", "FORBIDDEN", OK, "UNAUTHENTICATED"));

  private static final Map<String, String> keys = new LinkedHashMap<>();
  private static int counter;

  @BeforeAll
  static void issueKeys() {
    RunningAlmanac.Almanac almanac = RunningAlmanac.get();
    GraphQLClient admin = almanac.gateway();
    keys.put("anonymous", null);
    for (String role : List.of("VIEWER", "CRAWLER")) {
      String userId = admin.data("mutation($e: String!, $r: Role!) { createUser(input: {email: $e, role: $r}) { id } }",
          Map.of("e", role.toLowerCase() + "-matrix@example.com", "r", role)).path("createUser").path("id").asString();
      keys.put(role.toLowerCase(), "Bearer " + admin.data(
          "mutation($u: ID!, $r: Role!) { createApiKey(name: \"matrix\", role: $r, userId: $u) { secret } }",
          Map.of("u", userId, "r", role)).path("createApiKey").path("secret").asString());
    }
    keys.put("admin", almanac.stack().adminAuthorization());
    JsonNode revoked = admin.data("mutation { createApiKey(name: \"to revoke\", role: ADMIN) { secret apiKey { id } } }")
        .path("createApiKey");
    admin.data("mutation($k: ID!) { revokeApiKey(id: $k) { revokedAt } }",
        Map.of("k", revoked.path("apiKey").path("id").asString()));
    keys.put("revoked", "Bearer " + revoked.path("secret").asString());
  }

  private static String outcome(URI endpoint, String authorization, String document) {
    JsonNode response = new GraphQLClient(endpoint, authorization).execute(document, Map.of());
    JsonNode errors = response.path("errors");
    if (errors.isArray() && !errors.isEmpty()) {
      return errors.get(0).path("extensions").path("code").asString();
    }
    return response.path("data").isObject() ? OK : "no data: " + response;
  }

  private static List<String> matrix(Function<Operation, URI> endpoint, String via) {
    List<String> failures = new ArrayList<>();
    StringBuilder table = new StringBuilder("\nAuth matrix via " + via + "\n| operation | " + String.join(" | ", CALLERS) + " |\n");
    for (Operation op : OPERATIONS) {
      table.append("| ").append(op.name());
      for (int c = 0; c < CALLERS.size(); c++) {
        String got = outcome(endpoint.apply(op), keys.get(CALLERS.get(c)), op.document().apply(++counter));
        table.append(" | ").append(got);
        String expected = EXPECTED.get(op.name()).get(c);
        if (!expected.equals(got)) {
          failures.add(op.name() + " as " + CALLERS.get(c) + " via " + via + ": expected " + expected + ", got " + got);
        }
      }
      table.append(" |\n");
    }
    System.out.println(table);
    return failures;
  }

  @Test
  void throughTheGateway() {
    URI gateway = RunningAlmanac.get().stack().gateway();
    assertThat(matrix(op -> gateway, "gateway")).isEmpty();
  }

  @Test
  void directlyAgainstEachSubgraph() {
    var stack = RunningAlmanac.get().stack();
    Map<String, URI> subgraphs = Map.of("financial", stack.financial(), "crawler", stack.crawler(), "users", stack.users());
    assertThat(matrix(op -> subgraphs.get(op.subgraph()), "subgraphs")).isEmpty();
  }

  @Test
  void aUsedKeyStopsWorkingWithinSecondsOfItsRevocation() {
    GraphQLClient admin = RunningAlmanac.get().gateway();
    JsonNode created = admin.data("mutation { createApiKey(name: \"short-lived\", role: VIEWER) { secret apiKey { id } } }")
        .path("createApiKey");
    String key = "Bearer " + created.path("secret").asString();
    URI financial = RunningAlmanac.get().stack().financial();
    String read = "{ searchSeries(first: 1) { totalCount } }";
    assertThat(outcome(financial, key, read)).isEqualTo(OK);
    admin.data("mutation($k: ID!) { revokeApiKey(id: $k) { revokedAt } }",
        Map.of("k", created.path("apiKey").path("id").asString()));
    // The subgraph trusts a verified key for its cache TTL (5 s): wait for the refusal, bounded by 15 s.
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    String got = outcome(financial, key, read);
    while (!"UNAUTHENTICATED".equals(got) && System.nanoTime() < deadline) {
      got = outcome(financial, key, read);
    }
    assertThat(got).isEqualTo("UNAUTHENTICATED");
  }
}
