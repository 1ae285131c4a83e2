package io.almanac.users.users;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.graphql.auth.Role;
import io.almanac.users.AbstractUserSubgraphTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Users: the bootstrap admin, creation and administration through DGS. */
@SuppressWarnings("unchecked")
class UsersSubgraphTest extends AbstractUserSubgraphTest {

  @Test
  void bootstrapKeyIsAWorkingAdmin() {
    Map<String, Object> me = (Map<String, Object>) ok(admin, "{ me { email role } }", Map.of()).get("me");
    assertThat(me).containsEntry("email", "admin@localhost").containsEntry("role", "ADMIN");
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
  }
}
