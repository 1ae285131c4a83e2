package io.almanac.graphql.auth;

import static io.almanac.graphql.auth.db.Tables.API_KEYS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * API keys that expire and rotate, against a real PostgreSQL, with the test's clock: an expiry and a rotation's
 * overlap end take effect at their instant even while the key's verdict is cached (a TTL of an hour here), and
 * {@code last_used_at} is written at most once a minute.
 */
class CallerAuthenticatorKeyLifetimeTest {

  private static EmbeddedPostgres postgres;
  private static HikariDataSource pool;
  private static ApiKeyStore keys;
  private static DSLContext db;

  private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));

  @BeforeAll
  static void database() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
    pool = new HikariDataSource(config);
    new AuthSchemaMigration(pool);
    db = DSL.using(pool, SQLDialect.POSTGRES);
    keys = new ApiKeyStore(db);
  }

  @AfterAll
  static void stop() throws Exception {
    pool.close();
    postgres.close();
  }

  private CallerAuthenticator authenticator(Duration ttl) {
    return new CallerAuthenticator(keys, new AuthSettings(false, ttl), new BearerTokens(OidcSettings.OFF, clock),
        identity -> null, clock);
  }

  private OffsetDateTime at(Duration fromNow) {
    return OffsetDateTime.ofInstant(clock.instant().plus(fromNow), ZoneOffset.UTC);
  }

  @Test
  void aCachedKeyStopsWorkingAtItsExpiry() {
    OffsetDateTime expiry = at(Duration.ofSeconds(10));
    ApiKeyStore.Created key = keys.create(3, Role.CRAWLER, "expiring", expiry);
    CallerAuthenticator gate = authenticator(Duration.ofHours(1));
    String header = "Bearer " + key.secret();
    assertThat(gate.authenticate(header)).isEqualTo(new Caller(3L, key.key().getId(), Role.CRAWLER));
    clock.advance(Duration.ofMillis(9_999));
    assertThat(gate.authenticate(header).role()).isEqualTo(Role.CRAWLER);
    clock.advance(Duration.ofMillis(1));
    assertRefused(gate, header, "This API key expired at " + expiry.toInstant());
    // A fresh process (no cache) refuses it as well.
    assertRefused(authenticator(Duration.ZERO), header, "expired at " + expiry.toInstant());
    // A key without an expiry is unaffected by time.
    ApiKeyStore.Created forever = keys.create(3, Role.VIEWER, "forever");
    clock.advance(Duration.ofDays(3650));
    assertThat(authenticator(Duration.ZERO).authenticate("Bearer " + forever.secret()).role()).isEqualTo(Role.VIEWER);
  }

  @Test
  void theOutageFallbackDoesNotExtendAnExpiredKey() throws Exception {
    EmbeddedPostgres own = EmbeddedPostgres.builder().start();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(own.getJdbcUrl("postgres", "postgres"));
    config.setConnectionTimeout(500);
    config.setInitializationFailTimeout(-1);
    try (HikariDataSource ownPool = new HikariDataSource(config)) {
      new AuthSchemaMigration(ownPool);
      ApiKeyStore ownKeys = new ApiKeyStore(DSL.using(ownPool, SQLDialect.POSTGRES));
      OffsetDateTime expiry = at(Duration.ofMinutes(1));
      String header = "Bearer " + ownKeys.create(4, Role.CRAWLER, "expiring", expiry).secret();
      // A TTL of a nanosecond: every call asks the database again, and falls back to the kept verdict when down.
      CallerAuthenticator gate = new CallerAuthenticator(ownKeys, new AuthSettings(false, Duration.ofNanos(1)),
          new BearerTokens(OidcSettings.OFF, clock), identity -> null, clock);
      assertThat(gate.authenticate(header).role()).isEqualTo(Role.CRAWLER);
      own.close();
      assertThat(gate.authenticate(header).role()).as("kept during the outage").isEqualTo(Role.CRAWLER);
      clock.advance(Duration.ofMinutes(1));
      assertRefused(gate, header, "expired at " + expiry.toInstant());
    } finally {
      own.close();
    }
  }

  @Test
  void aRotationWithoutOverlapRefusesTheOldSecretAtOnceHereAndKeepsIdAndPrefix() {
    ApiKeyStore.Created key = keys.create(5, Role.CRAWLER, "crawler");
    CallerAuthenticator gate = authenticator(Duration.ofHours(1));
    String old = "Bearer " + key.secret();
    assertThat(gate.authenticate(old).keyId()).isEqualTo(key.key().getId());

    OffsetDateTime now = at(Duration.ZERO);
    ApiKeyStore.Created rotated = keys.rotate(key.key().getId(), now, now).orElseThrow();
    gate.forgetKey(key.key().getId());

    assertThat(rotated.key().getId()).isEqualTo(key.key().getId());
    assertThat(rotated.secret().prefix()).isEqualTo(key.secret().prefix());
    assertThat(rotated.secret().secret()).isNotEqualTo(key.secret().secret());
    assertRefused(gate, old, "rotated: the secret sent stopped working at " + now.toInstant());
    assertThat(gate.authenticate("Bearer " + rotated.secret()))
        .isEqualTo(new Caller(5L, key.key().getId(), Role.CRAWLER));
  }

  @Test
  void aRotationWithOverlapKeepsBothSecretsUntilItsEndEvenWhenCached() {
    ApiKeyStore.Created key = keys.create(6, Role.CRAWLER, "crawler");
    CallerAuthenticator gate = authenticator(Duration.ofHours(1));
    String old = "Bearer " + key.secret();
    gate.authenticate(old);
    OffsetDateTime end = at(Duration.ofSeconds(60));
    ApiKeyStore.Created rotated = keys.rotate(key.key().getId(), at(Duration.ZERO), end).orElseThrow();
    String fresh = "Bearer " + rotated.secret();
    // Another process's cache learns of the rotation within its TTL; a fresh one sees it at once.
    CallerAuthenticator other = authenticator(Duration.ofHours(1));

    clock.advance(Duration.ofSeconds(59));
    assertThat(other.authenticate(old).keyId()).isEqualTo(key.key().getId());
    assertThat(other.authenticate(fresh).keyId()).isEqualTo(key.key().getId());
    clock.advance(Duration.ofSeconds(1));
    assertRefused(other, old, "stopped working at " + end.toInstant());
    assertThat(other.authenticate(fresh).keyId()).isEqualTo(key.key().getId());

    // Rotating again during an overlap ends the older secret at once: only one previous secret is kept.
    OffsetDateTime later = at(Duration.ofHours(1));
    ApiKeyStore.Created again = keys.rotate(key.key().getId(), at(Duration.ZERO), later).orElseThrow();
    CallerAuthenticator third = authenticator(Duration.ZERO);
    assertThat(third.authenticate(fresh).keyId()).as("the previous secret, in its overlap").isNotNull();
    assertThat(third.authenticate("Bearer " + again.secret()).keyId()).isNotNull();
    assertRefused(third, old, "Invalid API key");
  }

  @Test
  void anOverlapNeverOutlastsTheKeysExpiry() {
    OffsetDateTime expiry = at(Duration.ofSeconds(30));
    ApiKeyStore.Created key = keys.create(7, Role.VIEWER, "short", expiry);
    keys.rotate(key.key().getId(), at(Duration.ZERO), at(Duration.ofHours(1))).orElseThrow();
    CallerAuthenticator gate = authenticator(Duration.ofHours(1));
    assertThat(gate.authenticate("Bearer " + key.secret()).role()).isEqualTo(Role.VIEWER);
    clock.advance(Duration.ofSeconds(30));
    assertRefused(gate, "Bearer " + key.secret(), "expired at " + expiry.toInstant());
  }

  @Test
  void lastUsedAtIsWrittenOnUseAtMostOnceAMinute() {
    ApiKeyStore.Created key = keys.create(8, Role.VIEWER, "reader");
    long id = key.key().getId();
    String header = "Bearer " + key.secret();
    // TTL 0: every request verifies against the database, the most writes this could cause.
    CallerAuthenticator gate = authenticator(Duration.ZERO);
    assertThat(lastUsedAt(id)).isNull();

    Instant first = clock.instant();
    gate.authenticate(header);
    assertThat(lastUsedAt(id)).isEqualTo(first);
    clock.advance(Duration.ofSeconds(59));
    gate.authenticate(header);
    gate.authenticate(header);
    assertThat(lastUsedAt(id)).as("within the minute").isEqualTo(first);
    clock.advance(Duration.ofSeconds(2));
    Instant second = clock.instant();
    gate.authenticate(header);
    assertThat(lastUsedAt(id)).isEqualTo(second);
  }

  private static Instant lastUsedAt(long id) {
    OffsetDateTime at = db.select(API_KEYS.LAST_USED_AT).from(API_KEYS).where(API_KEYS.ID.eq(id))
        .fetchOne(API_KEYS.LAST_USED_AT);
    return at == null ? null : at.toInstant();
  }

  private static void assertRefused(CallerAuthenticator gate, String authorization, String saying) {
    assertThatThrownBy(() -> gate.authenticate(authorization))
        .isInstanceOfSatisfying(AlmanacGraphQLException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
          assertThat(e.getMessage()).contains(saying);
        });
  }
}
