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

  /** A key that never expires. */
  public Created create(long userId, Role role, String name) {
    return create(userId, role, name, null);
  }

  /** @param expiresAt when the key stops working; null for never */
  public Created create(long userId, Role role, String name, OffsetDateTime expiresAt) {
    ApiKeySecret secret = ApiKeySecret.generate();
    return new Created(insert(userId, role, name, secret, expiresAt), secret);
  }

  /** Stores a key whose text was chosen elsewhere (the bootstrap admin key); it never expires. */
  public ApiKeysRecord insert(long userId, Role role, String name, ApiKeySecret secret) {
    return insert(userId, role, name, secret, null);
  }

  private ApiKeysRecord insert(long userId, Role role, String name, ApiKeySecret secret, OffsetDateTime expiresAt) {
    byte[] salt = ApiKeySecret.newSalt();
    return db.insertInto(API_KEYS)
        .set(API_KEYS.PREFIX, secret.prefix())
        .set(API_KEYS.SALT, salt)
        .set(API_KEYS.SECRET_HASH, secret.hash(salt))
        .set(API_KEYS.USER_ID, userId)
        .set(API_KEYS.ROLE, role.name())
        .set(API_KEYS.NAME, name)
        .set(API_KEYS.EXPIRES_AT, expiresAt)
        .returning()
        .fetchOne();
  }

  /**
   * Gives key {@code id} a new secret under the same id and prefix. The current secret becomes the previous one,
   * valid until {@code previousValidUntil} (an instant not after {@code now} ends it at once); an older previous
   * secret is dropped.
   *
   * @return the key with its new secret, or empty when no key has that id
   */
  public Optional<Created> rotate(long id, OffsetDateTime now, OffsetDateTime previousValidUntil) {
    return db.transactionResult(tx -> {
      DSLContext t = tx.dsl();
      ApiKeysRecord key = t.selectFrom(API_KEYS).where(API_KEYS.ID.eq(id)).forUpdate().fetchOptional().orElse(null);
      if (key == null) {
        return Optional.<Created>empty();
      }
      ApiKeySecret secret = new ApiKeySecret(key.getPrefix(), ApiKeySecret.generate().secret());
      byte[] salt = ApiKeySecret.newSalt();
      ApiKeysRecord rotated = t.update(API_KEYS)
          .set(API_KEYS.PREVIOUS_SALT, key.getSalt())
          .set(API_KEYS.PREVIOUS_SECRET_HASH, key.getSecretHash())
          .set(API_KEYS.PREVIOUS_VALID_UNTIL, previousValidUntil)
          .set(API_KEYS.SALT, salt)
          .set(API_KEYS.SECRET_HASH, secret.hash(salt))
          .set(API_KEYS.ROTATED_AT, now)
          .where(API_KEYS.ID.eq(id))
          .returning()
          .fetchOne();
      return Optional.of(new Created(rotated, secret));
    });
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

  /**
   * Records a use of key {@code id} at {@code usedAt} unless one at or after {@code notBefore} is recorded
   * already: the condition keeps processes that verify the same key from writing it more than once per interval.
   */
  public void touch(long id, OffsetDateTime usedAt, OffsetDateTime notBefore) {
    db.update(API_KEYS).set(API_KEYS.LAST_USED_AT, usedAt)
        .where(API_KEYS.ID.eq(id).and(API_KEYS.LAST_USED_AT.isNull().or(API_KEYS.LAST_USED_AT.lt(notBefore))))
        .execute();
  }
}
