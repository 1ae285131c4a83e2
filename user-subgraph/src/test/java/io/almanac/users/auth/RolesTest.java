package io.almanac.users.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.graphql.auth.Role;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The schema's roles and the roles keys are checked with must be the same list, mapped name for name. */
class RolesTest {

  @Test
  void everySchemaRoleMapsToTheAuthRoleOfTheSameName() {
    for (io.almanac.users.generated.types.Role role : io.almanac.users.generated.types.Role.values()) {
      assertThat(Roles.toAuth(role).name()).isEqualTo(role.name());
    }
  }

  @Test
  void bothListsHoldTheSameRoles() {
    assertThat(Arrays.stream(io.almanac.users.generated.types.Role.values()).map(Enum::name))
        .containsExactlyInAnyOrder(Arrays.stream(Role.values()).map(Enum::name).toArray(String[]::new));
  }
}
