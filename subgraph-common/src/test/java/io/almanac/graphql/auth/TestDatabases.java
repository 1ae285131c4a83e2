package io.almanac.graphql.auth;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * For subgraph tests: one real PostgreSQL (zonky) per test JVM, stopped when the JVM exits, and a
 * fresh database plus a fresh Iceberg warehouse folder for each test class that asks.
 */
public final class TestDatabases {

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  private TestDatabases() {}

  /** Points {@code spring.datasource.*} and {@code almanac.store.warehouse} at a new, empty database and folder. */
  public static void register(DynamicPropertyRegistry registry) {
    String database = "test_" + DATABASES.incrementAndGet();
    EmbeddedPostgres server = server();
    try (Connection connection = server.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + database);
      String warehouse = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "test-warehouse").toString();
      registry.add("spring.datasource.url", () -> server.getJdbcUrl("postgres", database));
      registry.add("spring.datasource.username", () -> "postgres");
      registry.add("spring.datasource.password", () -> "postgres");
      registry.add("almanac.store.warehouse", () -> warehouse);
    } catch (SQLException e) {
      throw new IllegalStateException("Creating test database " + database + " failed", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static synchronized EmbeddedPostgres server() {
    if (postgres == null) {
      try {
        postgres = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("Starting the embedded PostgreSQL failed", e);
      }
      EmbeddedPostgres started = postgres;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          started.close();
        } catch (IOException ignored) {
          // the JVM is exiting
        }
      }));
    }
    return postgres;
  }
}
