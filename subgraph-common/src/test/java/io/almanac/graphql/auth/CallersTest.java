package io.almanac.graphql.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import graphql.GraphQLContext;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.DataFetchingEnvironmentImpl;
import io.almanac.graphql.AlmanacGraphQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The caller checks every subgraph shares, for a caller in hand and for the caller of a GraphQL request. */
class CallersTest {

  private static final Caller VIEWER_5 = new Caller(5L, 50L, Role.VIEWER);
  private static final Caller CRAWLER_6 = new Caller(6L, 60L, Role.CRAWLER);
  private static final Caller ADMIN_1 = new Caller(1L, 10L, Role.ADMIN);

  @Test
  void requireRefusesAnonymousAsUnauthenticatedAndLowerRolesAsForbidden() {
    assertCode(() -> Callers.require(Caller.ANONYMOUS, Role.VIEWER), "UNAUTHENTICATED",
        "Send 'Authorization: Bearer <api key>' to call this");
    assertCode(() -> Callers.require(VIEWER_5, Role.CRAWLER), "FORBIDDEN",
        "Requires role CRAWLER or higher; this key has VIEWER");
    assertCode(() -> Callers.require(CRAWLER_6, Role.ADMIN), "FORBIDDEN",
        "Requires role ADMIN or higher; this key has CRAWLER");
    assertThat(Callers.require(CRAWLER_6, Role.CRAWLER)).isSameAs(CRAWLER_6);
    assertThat(Callers.require(ADMIN_1, Role.VIEWER)).isSameAs(ADMIN_1);
  }

  @Test
  void selfOrAdminLetsTheUserThemselfAndAnyAdminThrough() {
    assertThat(Callers.requireSelfOrAdmin(VIEWER_5, 5)).isSameAs(VIEWER_5);
    assertThat(Callers.requireSelfOrAdmin(ADMIN_1, 5)).isSameAs(ADMIN_1);
    assertCode(() -> Callers.requireSelfOrAdmin(VIEWER_5, 6), "FORBIDDEN", "Only the user themself or an admin may do this");
    assertCode(() -> Callers.requireSelfOrAdmin(CRAWLER_6, 5), "FORBIDDEN", "Only the user themself or an admin may do this");
    assertCode(() -> Callers.requireSelfOrAdmin(Caller.ANONYMOUS, 5), "UNAUTHENTICATED",
        "Send 'Authorization: Bearer <api key>' to call this");
  }

  @Test
  void theRequestsCallerIsTheOneTheGateStoredAndAnonymousWithoutOne() {
    DataFetchingEnvironment withViewer = DataFetchingEnvironmentImpl.newDataFetchingEnvironment()
        .graphQLContext(GraphQLContext.of(Map.of(Callers.CONTEXT_KEY, VIEWER_5))).build();
    DataFetchingEnvironment withNone = DataFetchingEnvironmentImpl.newDataFetchingEnvironment()
        .graphQLContext(GraphQLContext.newContext().build()).build();
    assertThat(Callers.current(withViewer)).isSameAs(VIEWER_5);
    assertThat(Callers.requireSelfOrAdmin(withViewer, 5)).isSameAs(VIEWER_5);
    assertCode(() -> Callers.require(withViewer, Role.CRAWLER), "FORBIDDEN",
        "Requires role CRAWLER or higher; this key has VIEWER");
    assertThat(Callers.current(withNone)).isSameAs(Caller.ANONYMOUS);
    assertCode(() -> Callers.require(withNone, Role.VIEWER), "UNAUTHENTICATED",
        "Send 'Authorization: Bearer <api key>' to call this");
  }

  private static void assertCode(Runnable check, String code, String message) {
    assertThatThrownBy(check::run).isInstanceOfSatisfying(AlmanacGraphQLException.class, e -> {
      assertThat(e.code().name()).isEqualTo(code);
      assertThat(e.getMessage()).isEqualTo(message);
    });
  }
}
