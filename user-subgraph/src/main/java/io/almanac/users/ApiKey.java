package io.almanac.users;

import io.almanac.graphql.auth.db.tables.records.ApiKeysRecord;
import java.time.OffsetDateTime;

/** An API key as clients see it: never the secret or its hash. */
public record ApiKey(String id, String name, String role, String prefix, OffsetDateTime createdAt,
    OffsetDateTime lastUsedAt, OffsetDateTime revokedAt, long userId) {

  static ApiKey of(ApiKeysRecord r) {
    return new ApiKey(String.valueOf(r.getId()), r.getName(), r.getRole(), "alm_" + r.getPrefix(), r.getCreatedAt(),
        r.getLastUsedAt(), r.getRevokedAt(), r.getUserId());
  }
}
