package io.almanac.graphql.audit;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.stereotype.Component;

/**
 * Migrates the {@code audit} schema at start-up in every subgraph (each writes its own mutations'
 * entries), with its own Flyway history in that schema, as {@link io.almanac.graphql.auth.AuthSchemaMigration}
 * does for {@code auth}. Flyway serialises concurrent migrations with a PostgreSQL lock; the retry covers
 * the schema creation racing another process.
 */
@Component
public class AuditSchemaMigration {

  public AuditSchemaMigration(DataSource dataSource) {
    Flyway flyway = Flyway.configure()
        .dataSource(dataSource)
        .schemas("audit")
        .defaultSchema("audit")
        .locations("classpath:db/migration/audit")
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
