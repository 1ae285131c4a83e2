package io.almanac.graphql.auth;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.stereotype.Component;

/**
 * Migrates the {@code auth} schema at start-up in every subgraph, so that whichever starts first can
 * verify keys. Flyway serialises concurrent migrations with a PostgreSQL lock; the retry covers the
 * schema creation racing another process.
 */
@Component
public class AuthSchemaMigration {

  public AuthSchemaMigration(DataSource dataSource) {
    Flyway flyway = Flyway.configure()
        .dataSource(dataSource)
        .schemas("auth")
        .defaultSchema("auth")
        .locations("classpath:db/migration/auth")
        .load();
    for (int attempt = 1; ; attempt++) {
      try {
        flyway.migrate();
        return;
      } catch (RuntimeException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }
}
