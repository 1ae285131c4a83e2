package io.almanac.graphql.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.almanac.graphql.DependencyFailures;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

/**
 * Keys while PostgreSQL is down: a key verified before the outage keeps working (reads the caches can
 * serve stay available), a key never verified fails with the database's error (UNAVAILABLE, not
 * UNAUTHENTICATED).
 */
class CallerAuthenticatorOutageTest {

  @Test
  void aKeyVerifiedBeforeTheOutageKeepsWorkingAndAnUnknownOneIsUnavailable() throws Exception {
    EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
    config.setConnectionTimeout(500);
    config.setInitializationFailTimeout(-1);
    try (HikariDataSource pool = new HikariDataSource(config)) {
      AuthSchemaMigration migrated = new AuthSchemaMigration(pool);
      ApiKeyStore keys = new ApiKeyStore(DSL.using(pool, SQLDialect.POSTGRES));
      ApiKeyStore.Created known = keys.create(7, Role.CRAWLER, "known");
      ApiKeyStore.Created unknown = keys.create(8, Role.VIEWER, "never used before the outage");
      // A TTL of a nanosecond: every call asks the database again, as after any TTL has passed.
      CallerAuthenticator authenticator = new CallerAuthenticator(keys, new AuthSettings(false, Duration.ofNanos(1)),
          migrated);
      String knownHeader = "Bearer " + known.secret();
      Caller before = authenticator.authenticate(knownHeader);
      assertThat(before.role()).isEqualTo(Role.CRAWLER);
      assertThat(before.userId()).isEqualTo(7L);

      postgres.close();

      assertThat(authenticator.authenticate(knownHeader)).as("the known key during the outage").isEqualTo(before);
      assertThat(authenticator.authenticate(knownHeader)).isEqualTo(before);
      Throwable refused = catchThrowable(() -> authenticator.authenticate("Bearer " + unknown.secret()));
      assertThat(refused).isNotNull();
      assertThat(DependencyFailures.isDependencyDown(refused)).as(refused.toString()).isTrue();
    } finally {
      postgres.close();
    }
  }
}
