package io.almanac.users.auth;

import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import io.almanac.graphql.auth.Caller;
import io.almanac.graphql.auth.Callers;
import io.almanac.graphql.auth.Role;

/**
 * The checks of {@link Callers} for a {@link Caller} already in hand, with the same codes and messages: the
 * services take the caller as a value so that their rules run (and are tested) without a GraphQL environment.
 */
public final class Access {

  private Access() {}

  /**
   * The caller, who must have {@code role}.
   *
   * @throws AlmanacGraphQLException {@code UNAUTHENTICATED} when anonymous, {@code FORBIDDEN} when the role is lower
   */
  public static Caller require(Caller caller, Role role) {
    if (caller.isAnonymous()) {
      throw new AlmanacGraphQLException(ErrorCode.UNAUTHENTICATED,
          "Send 'Authorization: Bearer <api key>' to call this");
    }
    if (!caller.has(role)) {
      throw new AlmanacGraphQLException(ErrorCode.FORBIDDEN,
          "Requires role " + role + " or higher; this key has " + caller.role());
    }
    return caller;
  }

  /**
   * The caller, who must be user {@code userId} or an admin.
   *
   * @throws AlmanacGraphQLException {@code UNAUTHENTICATED} when anonymous, {@code FORBIDDEN} for anyone else
   */
  public static Caller requireSelfOrAdmin(Caller caller, long userId) {
    require(caller, Role.VIEWER);
    if (!caller.has(Role.ADMIN) && caller.userId() != userId) {
      throw new AlmanacGraphQLException(ErrorCode.FORBIDDEN, "Only the user themself or an admin may do this");
    }
    return caller;
  }
}
