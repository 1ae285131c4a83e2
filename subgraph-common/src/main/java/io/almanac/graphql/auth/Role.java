package io.almanac.graphql.auth;

/** Roles in increasing power: each includes what the ones before it may do. */
public enum Role {
  VIEWER,
  CRAWLER,
  ADMIN;

  public boolean includes(Role other) {
    return compareTo(other) >= 0;
  }
}
