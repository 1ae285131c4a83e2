package io.almanac.graphql.auth;

import static io.almanac.graphql.auth.db.Tables.API_KEYS;

import io.almanac.graphql.auth.db.tables.records.ApiKeysRecord;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;

/** API keys in PostgreSQL (schema {@code auth}). */
@Repository
public class ApiKeyStore {

  /** A key just created: {@code secret} is its only plaintext appearance. */
  public record Created(ApiKeysRecord key, ApiKeySecret secret) {}

  private final DSLContext db;

  public ApiKeyStore(DSLContext db) {
    this.db = db;
  }

  public Created create(long userId, Role role, String name) {
    ApiKeySecret secret = ApiKeySecret.generate();
    return new Created(insert(userId, role, name, secret), secret);
  }

  /** Stores a key whose text was chosen elsewhere (the bootstrap admin key). */
  public ApiKeysRecord insert(long userId, Role role, String name, ApiKeySecret secret) {
    byte[] salt = ApiKeySecret.newSalt();
    return db.insertInto(API_KEYS)
        .set(API_KEYS.PREFIX, secret.prefix())
        .set(API_KEYS.SALT, salt)
        .set(API_KEYS.SECRET_HASH, secret.hash(salt))
        .set(API_KEYS.USER_ID, userId)
        .set(API_KEYS.ROLE, role.name())
        .set(API_KEYS.NAME, name)
        .returning()
        .fetchOne();
  }

  public Optional<ApiKeysRecord> byPrefix(String prefix) {
    return db.selectFrom(API_KEYS).where(API_KEYS.PREFIX.eq(prefix)).fetchOptional();
  }

  public Optional<ApiKeysRecord> byId(long id) {
    return db.selectFrom(API_KEYS).where(API_KEYS.ID.eq(id)).fetchOptional();
  }

  public List<ApiKeysRecord> ofUser(long userId) {
    return db.selectFrom(API_KEYS).where(API_KEYS.USER_ID.eq(userId)).orderBy(API_KEYS.ID).fetch();
  }

  /** Revokes a key; revoking twice keeps the first time. */
  public ApiKeysRecord revoke(long id) {
    db.update(API_KEYS).set(API_KEYS.REVOKED_AT, OffsetDateTime.now())
        .where(API_KEYS.ID.eq(id).and(API_KEYS.REVOKED_AT.isNull())).execute();
    return byId(id).orElseThrow();
  }

  public void touch(long id, OffsetDateTime usedAt) {
    db.update(API_KEYS).set(API_KEYS.LAST_USED_AT, usedAt).where(API_KEYS.ID.eq(id)).execute();
  }
}
