package io.almanac.users;

import java.time.OffsetDateTime;

/** The {@code User} entity; named like its GraphQL type for the federation resolver. */
public record User(String id, String email, String displayName, String role, OffsetDateTime createdAt) {}
