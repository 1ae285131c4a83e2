package io.almanac.graphql;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Migrates a PostgreSQL schema that every subgraph shares ({@code auth}, {@code audit}) at start-up, from
 * {@code classpath:db/migration/<schema>} with its own Flyway history in that schema, so that whichever
 * subgraph starts first creates it. Flyway serialises concurrent migrations with a PostgreSQL lock; the
 * retries cover the schema's creation racing another process.
 */
public final class SharedSchemas {

  private SharedSchemas() {}

  public static void migrate(DataSource dataSource, String schema) {
    Flyway flyway = Flyway.configure()
        .dataSource(dataSource)
        .schemas(schema)
        .defaultSchema(schema)
        .locations("classpath:db/migration/" + schema)
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
