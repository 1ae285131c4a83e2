package io.almanac.users.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import graphql.GraphQLContext;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.DataFetchingEnvironmentImpl;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.auth.Caller;
import io.almanac.graphql.auth.Callers;
import io.almanac.graphql.auth.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The caller checks the services use, without Spring: their outcomes, and that they agree with {@link Callers}. */
class AccessTest {

  private static final Caller VIEWER_5 = new Caller(5L, 50L, Role.VIEWER);
  private static final Caller CRAWLER_6 = new Caller(6L, 60L, Role.CRAWLER);
  private static final Caller ADMIN_1 = new Caller(1L, 10L, Role.ADMIN);

  @Test
  void requireRefusesAnonymousAsUnauthenticatedAndLowerRolesAsForbidden() {
    assertCode(() -> Access.require(Caller.ANONYMOUS, Role.VIEWER), "UNAUTHENTICATED");
    assertCode(() -> Access.require(VIEWER_5, Role.CRAWLER), "FORBIDDEN");
    assertCode(() -> Access.require(CRAWLER_6, Role.ADMIN), "FORBIDDEN");
    assertThat(Access.require(CRAWLER_6, Role.CRAWLER)).isSameAs(CRAWLER_6);
    assertThat(Access.require(ADMIN_1, Role.VIEWER)).isSameAs(ADMIN_1);
  }

  @Test
  void selfOrAdminLetsTheUserThemselfAndAnyAdminThrough() {
    assertThat(Access.requireSelfOrAdmin(VIEWER_5, 5)).isSameAs(VIEWER_5);
    assertThat(Access.requireSelfOrAdmin(ADMIN_1, 5)).isSameAs(ADMIN_1);
    assertCode(() -> Access.requireSelfOrAdmin(VIEWER_5, 6), "FORBIDDEN");
    assertCode(() -> Access.requireSelfOrAdmin(CRAWLER_6, 5), "FORBIDDEN");
    assertCode(() -> Access.requireSelfOrAdmin(Caller.ANONYMOUS, 5), "UNAUTHENTICATED");
  }

  /** Access restates Callers for a caller in hand: every outcome (pass, or code and message) must be the same. */
  @Test
  void agreesWithCallersForEveryCallerRoleAndUser() {
    List<Caller> all = List.of(Caller.ANONYMOUS, VIEWER_5, CRAWLER_6, ADMIN_1);
    List<String> compared = new ArrayList<>();
    for (Caller caller : all) {
      DataFetchingEnvironment env = environmentOf(caller);
      for (Role role : Role.values()) {
        assertThat(outcome(() -> Access.require(caller, role)))
            .as("require %s of %s", role, caller).isEqualTo(outcome(() -> Callers.require(env, role)));
        compared.add(outcome(() -> Access.require(caller, role)));
      }
      for (long userId : new long[] {1, 5, 6}) {
        assertThat(outcome(() -> Access.requireSelfOrAdmin(caller, userId)))
            .as("self or admin %d for %s", userId, caller)
            .isEqualTo(outcome(() -> Callers.requireSelfOrAdmin(env, userId)));
      }
    }
    // Guards the comparison itself: had Callers not seen the caller, everything would be UNAUTHENTICATED alike.
    assertThat(compared).contains("passed", "FORBIDDEN: Requires role ADMIN or higher; this key has VIEWER");
  }

  private static DataFetchingEnvironment environmentOf(Caller caller) {
    // Callers reads the caller from the request context under this key (Callers.CONTEXT_KEY, package-private).
    GraphQLContext context = GraphQLContext.of(Map.of("almanac.caller", caller));
    return DataFetchingEnvironmentImpl.newDataFetchingEnvironment().graphQLContext(context).build();
  }

  private static String outcome(Supplier<Caller> check) {
    try {
      check.get();
      return "passed";
    } catch (AlmanacGraphQLException e) {
      return e.code() + ": " + e.getMessage();
    }
  }

  private static void assertCode(Runnable check, String code) {
    assertThatThrownBy(check::run).isInstanceOfSatisfying(AlmanacGraphQLException.class,
        e -> assertThat(e.code().name()).isEqualTo(code));
  }
}
