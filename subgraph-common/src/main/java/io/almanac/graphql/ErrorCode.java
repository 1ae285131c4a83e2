package io.almanac.graphql;

/** The values of {@code extensions.code} on every GraphQL error Almanac returns. */
public enum ErrorCode {
  BAD_USER_INPUT,
  NOT_FOUND,
  UNAUTHENTICATED,
  FORBIDDEN,
  LIMIT_EXCEEDED,
  CONFLICT,
  INTERNAL
}
