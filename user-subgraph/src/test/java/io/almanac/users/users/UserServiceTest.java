package io.almanac.users.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.auth.Caller;
import io.almanac.graphql.auth.Role;
import org.junit.jupiter.api.Test;

/** The pure rules of users, without Spring or a database: email form and which user a mutation acts on. */
class UserServiceTest {

  private static final Caller VIEWER_5 = new Caller(5L, 50L, Role.VIEWER);
  private static final Caller ADMIN_1 = new Caller(1L, 10L, Role.ADMIN);

  @Test
  void emailIsStrippedAndMustBeOneAtBetweenNonBlankText() {
    assertThat(UserService.requireEmail("  ana@example.com\t")).isEqualTo("ana@example.com");
    assertThat(UserService.requireEmail("a@b")).isEqualTo("a@b");
    for (String bad : new String[] {"nope", "a@b@c", "ana maria@example.com", "@example.com", "ana@", "  "}) {
      assertRefused(() -> UserService.requireEmail(bad), "BAD_USER_INPUT", "input.email");
    }
  }

  @Test
  void aMutationActsOnTheCallerUnlessAnotherUserIsNamed() {
    assertThat(UserService.targetId(VIEWER_5, null)).isEqualTo(5);
    assertThat(UserService.targetId(VIEWER_5, "5")).isEqualTo(5);
    assertThat(UserService.targetId(ADMIN_1, null)).isEqualTo(1);
    assertThat(UserService.targetId(ADMIN_1, "6")).isEqualTo(6);
  }

  @Test
  void onlyAnAdminActsOnAnotherUserAndAnIdThatIsNoNumberNamesNoUser() {
    assertRefused(() -> UserService.targetId(VIEWER_5, "6"), "FORBIDDEN", null);
    assertRefused(() -> UserService.targetId(Caller.ANONYMOUS, null), "UNAUTHENTICATED", null);
    // Not FORBIDDEN: an id that cannot exist is reported as such, whoever asks.
    assertRefused(() -> UserService.targetId(VIEWER_5, "abc"), "NOT_FOUND", "userId");
    assertRefused(() -> UserService.targetId(ADMIN_1, "abc"), "NOT_FOUND", "userId");
  }

  private static void assertRefused(Runnable call, String code, String argument) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(AlmanacGraphQLException.class, e -> {
      assertThat(e.code().name()).isEqualTo(code);
      assertThat(e.extensions().get("argument")).isEqualTo(argument);
    });
  }
}
