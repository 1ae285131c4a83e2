package io.almanac.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** A real PostgreSQL (zonky) holding a JDBC Iceberg catalog over a temporary warehouse folder. */
final class EmbeddedCatalog implements AutoCloseable {

  final EmbeddedPostgres postgres;
  final Path warehouse;

  EmbeddedCatalog() throws IOException {
    postgres = EmbeddedPostgres.builder().start();
    warehouse = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "test-warehouse");
  }

  StoreSettings settings(Duration linger) {
    return new StoreSettings("test", Map.of(
        "type", "jdbc",
        "uri", postgres.getJdbcUrl("postgres", "postgres"),
        "jdbc.user", "postgres",
        "jdbc.password", "postgres",
        "warehouse", warehouse.toUri().toString(),
        "io-impl", LocalFileIO.class.getName()),
        "almanac", "almanac_raw", linger);
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
