package io.almanac.users.auth;

import io.almanac.graphql.auth.Role;

/**
 * The schema's {@code Role} (generated) as the role API keys are checked with ({@link Role}). The switch has no
 * default, so a role added to the schema fails compilation here until it gets a meaning.
 */
public final class Roles {

  private Roles() {}

  public static Role toAuth(io.almanac.users.generated.types.Role role) {
    return switch (role) {
      case VIEWER -> Role.VIEWER;
      case CRAWLER -> Role.CRAWLER;
      case ADMIN -> Role.ADMIN;
    };
  }
}
