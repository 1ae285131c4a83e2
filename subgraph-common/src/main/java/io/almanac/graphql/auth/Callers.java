package io.almanac.graphql.auth;

import graphql.schema.DataFetchingEnvironment;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;

/**
 * The caller of the running request, as {@link AuthInstrumentation} established it, and the checks
 * GraphQL fields and HTTP endpoints ({@link HttpCallers}) share.
 */
public final class Callers {

  static final String CONTEXT_KEY = "almanac.caller";

  private Callers() {}

  /**
   * Runs an operation the process sends itself (never one from a client: no header or argument reaches this)
   * as {@code caller}: {@link AuthInstrumentation} takes a caller already in the context as authenticated.
   */
  public static void establish(graphql.GraphQLContext.Builder context, Caller caller) {
    context.of(CONTEXT_KEY, caller);
  }

  public static Caller current(DataFetchingEnvironment env) {
    Caller caller = env.getGraphQlContext().get(CONTEXT_KEY);
    return caller == null ? Caller.ANONYMOUS : caller;
  }

  /** The caller, who must have {@code role}: {@code UNAUTHENTICATED} when anonymous, else {@code FORBIDDEN}. */
  public static Caller require(DataFetchingEnvironment env, Role role) {
    return require(current(env), role);
  }

  /** The caller, who must be {@code userId} or an admin. */
  public static Caller requireSelfOrAdmin(DataFetchingEnvironment env, long userId) {
    return requireSelfOrAdmin(current(env), userId);
  }

  /**
   * {@code caller}, who must be user {@code userId} or an admin (for services that take the caller as a value).
   *
   * @throws AlmanacGraphQLException {@code UNAUTHENTICATED} when anonymous, {@code FORBIDDEN} for anyone else
   */
  public static Caller requireSelfOrAdmin(Caller caller, long userId) {
    require(caller, Role.VIEWER);
    if (!caller.has(Role.ADMIN) && (caller.userId() == null || caller.userId() != userId)) {
      throw new AlmanacGraphQLException(ErrorCode.FORBIDDEN, "Only the user themself or an admin may do this");
    }
    return caller;
  }

  /**
   * {@code caller}, who must have {@code role} (for services that take the caller as a value).
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

  /** {@code caller} of a read: {@code UNAUTHENTICATED} when anonymous, unless {@code anonymousReads}. */
  static Caller checkRead(Caller caller, boolean anonymousReads) {
    if (caller.isAnonymous() && !anonymousReads) {
      throw new AlmanacGraphQLException(ErrorCode.UNAUTHENTICATED, "Send 'Authorization: Bearer <api key>' to read");
    }
    return caller;
  }
}
