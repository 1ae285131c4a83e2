package io.almanac.codegen;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Jdbc;
import org.jooq.meta.jaxb.Target;

/**
 * Generates jOOQ classes for one PostgreSQL schema from its Flyway migrations: starts an embedded
 * PostgreSQL, migrates it, and reads the real catalog, so PostgreSQL types survive (jOOQ's DDL
 * database simulates in H2 and loses them).
 *
 * <p>Arguments: {@code <migrations dir> <schema> <package> <target dir>}.
 */
public final class GenerateJooq {

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      throw new IllegalArgumentException("usage: GenerateJooq <migrations dir> <schema> <package> <target dir>");
    }
    Path migrations = Path.of(args[0]).toAbsolutePath();
    String schema = args[1];
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      String url = postgres.getJdbcUrl("postgres", "postgres");
      Flyway.configure()
          .dataSource(url, "postgres", "postgres")
          .schemas(schema)
          .defaultSchema(schema)
          .locations("filesystem:" + migrations)
          .load()
          .migrate();
      GenerationTool.generate(new Configuration()
          .withLogging(org.jooq.meta.jaxb.Logging.WARN)
          .withJdbc(new Jdbc().withDriver("org.postgresql.Driver").withUrl(url).withUser("postgres").withPassword("postgres"))
          .withGenerator(new Generator()
              .withDatabase(new Database()
                  .withName("org.jooq.meta.postgres.PostgresDatabase")
                  .withInputSchema(schema)
                  .withExcludes("flyway_schema_history"))
              .withGenerate(new Generate().withJavaTimeTypes(true).withPojos(false).withDaos(false))
              .withTarget(new Target().withPackageName(args[2]).withDirectory(args[3]))));
    }
  }

  private GenerateJooq() {}
}
