package io.almanac.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.graphql.dgs.DgsQueryExecutor;
import graphql.ExecutionResult;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Users and watchlists through DGS against a real PostgreSQL. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class UserSubgraphTest {

  private static EmbeddedPostgres postgres;

  @Autowired DgsQueryExecutor graphql;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) throws IOException {
    postgres = EmbeddedPostgres.builder().start();
    registry.add("spring.datasource.url", () -> postgres.getJdbcUrl("postgres", "postgres"));
    registry.add("spring.datasource.username", () -> "postgres");
    registry.add("spring.datasource.password", () -> "postgres");
  }

  @AfterAll
  static void stop() throws IOException {
    postgres.close();
  }

  private Map<String, Object> ok(String query, Map<String, Object> variables) {
    ExecutionResult result = graphql.execute(query, variables);
    assertThat(result.getErrors()).isEmpty();
    return result.getData();
  }

  private String createUser(String email) {
    Map<String, Object> data = ok("mutation($e: String!) { createUser(input: {email: $e, role: ADMIN}) { id role } }",
        Map.of("e", email));
    Map<String, Object> user = (Map<String, Object>) data.get("createUser");
    assertThat(user).containsEntry("role", "ADMIN");
    return (String) user.get("id");
  }

  @Test
  void watchlistAddIsIdempotentKeepsOrderAndResolvesAsEntities() {
    String id = createUser("analyst@example.com");
    String add = "mutation($s: ID!, $u: ID!) { addToWatchlist(seriesId: $s, userId: $u) { id } }";
    ok(add, Map.of("s", "12", "u", id));
    ok(add, Map.of("s", "3", "u", id));
    ok(add, Map.of("s", "12", "u", id));
    ok("mutation($s: ID!, $u: ID!) { removeFromWatchlist(seriesId: $s, userId: $u) { id } }", Map.of("s", "99", "u", id));
    String other = createUser("second@example.com");
    ok(add, Map.of("s", "7", "u", other));

    Map<String, Object> data = ok("""
        query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { id watchlist { id } } } }""",
        Map.of("reps", List.of(Map.of("__typename", "User", "id", id), Map.of("__typename", "User", "id", other),
            Map.of("__typename", "User", "id", "123456"))));
    List<Map<String, Object>> users = (List<Map<String, Object>>) data.get("_entities");
    assertThat(users.get(0).get("watchlist")).isEqualTo(List.of(Map.of("id", "12"), Map.of("id", "3")));
    assertThat(users.get(1).get("watchlist")).isEqualTo(List.of(Map.of("id", "7")));
    assertThat(users.get(2)).isNull();
  }

  @Test
  void refusalsCarryCodes() {
    createUser("taken@example.com");
    ExecutionResult duplicate = graphql.execute("mutation { createUser(input: {email: \"TAKEN@example.com\"}) { id } }");
    assertThat(duplicate.getErrors()).singleElement()
        .satisfies(e -> assertThat(e.getExtensions()).containsEntry("code", "CONFLICT"));
    ExecutionResult badEmail = graphql.execute("mutation { createUser(input: {email: \"nope\"}) { id } }");
    assertThat(badEmail.getErrors()).singleElement()
        .satisfies(e -> assertThat(e.getExtensions()).containsEntry("code", "BAD_USER_INPUT"));
    ExecutionResult noUser = graphql.execute("mutation { addToWatchlist(seriesId: \"1\", userId: \"424242\") { id } }");
    assertThat(noUser.getErrors()).singleElement()
        .satisfies(e -> assertThat(e.getExtensions()).containsEntry("code", "NOT_FOUND"));
  }
}
