package io.almanac.backup;

import io.almanac.store.LocalFileIO;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Restores a {@link Backup} into an empty stack: an empty PostgreSQL database and an absent or empty
 * warehouse folder AT THE BACKED-UP LOCATION (Iceberg metadata holds absolute paths; moving a warehouse
 * means restoring here and moving it with the store's tools, see the README). Order: the warehouse files
 * first, then each Flyway schema's DDL from the migrations saved in the backup (checked against the
 * backed-up history), the catalog's tables as Iceberg's JdbcCatalog creates them, and finally every row
 * in one transaction, parents before children, and the sequences.
 */
public final class Restore {

  static final String FLYWAY_HISTORY = "flyway_schema_history";
  static final String CATALOG_SCHEMA = "iceberg";

  /**
   * @param warehouse where the warehouse goes: must be the backed-up location; null for it
   */
  public record Options(String jdbcUrl, String user, String password, Path warehouse, Path source) {}

  public record Result(BackupManifest manifest, Duration took) {}

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private Restore() {}

  public static Result run(Options options) throws IOException, SQLException {
    long started = System.nanoTime();
    Path source = options.source().toAbsolutePath().normalize();
    Path manifestFile = source.resolve(BackupManifest.FILE);
    if (!Files.isRegularFile(manifestFile)) {
      throw new IllegalArgumentException(source + " holds no " + BackupManifest.FILE + ": not a finished backup");
    }
    BackupManifest manifest = JSON.readValue(manifestFile.toFile(), BackupManifest.class);
    Path recorded = WarehousePaths.path(manifest.warehouse()).toAbsolutePath().normalize();
    Path warehouse = options.warehouse() == null ? recorded : options.warehouse().toAbsolutePath().normalize();
    if (!warehouse.equals(recorded)) {
      throw new IllegalArgumentException("The backup's warehouse was " + recorded + " and its Iceberg metadata names"
          + " files there by absolute path: restore to that location (then move it, see the README)");
    }
    if (Files.exists(warehouse)) {
      try (Stream<Path> entries = Files.list(warehouse)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalArgumentException("Warehouse folder " + warehouse + " is not empty");
        }
      }
    }
    try (Connection db = DriverManager.getConnection(options.jdbcUrl(), options.user(), options.password())) {
      checkEmpty(db, manifest);
      copyFiles(source.resolve("warehouse"), warehouse);
      for (Map.Entry<String, List<String>> schema : manifest.flywaySchemas().entrySet()) {
        migrate(options, source.resolve("postgres/migrations").resolve(schema.getKey()), schema.getKey(),
            schema.getValue(), db);
      }
      if (manifest.tables().stream().anyMatch(t -> t.schema().equals(CATALOG_SCHEMA))) {
        createCatalogTables(options, manifest, warehouse, db);
      }
      load(db, manifest, source.resolve("postgres"));
    }
    return new Result(manifest, Duration.ofNanos(System.nanoTime() - started));
  }

  private static void checkEmpty(Connection db, BackupManifest manifest) throws SQLException {
    Set<String> schemas = new HashSet<>();
    manifest.tables().forEach(t -> schemas.add(t.schema()));
    try (PreparedStatement statement = db.prepareStatement("SELECT count(*) FROM pg_tables WHERE schemaname = ?")) {
      for (String schema : schemas) {
        statement.setString(1, schema);
        try (ResultSet result = statement.executeQuery()) {
          result.next();
          if (result.getLong(1) > 0) {
            throw new IllegalArgumentException("The database is not empty: schema " + schema + " has tables");
          }
        }
      }
    }
  }

  private static void copyFiles(Path from, Path to) throws IOException {
    if (!Files.isDirectory(from)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        Path copy = to.resolve(from.relativize(file).toString());
        Files.createDirectories(copy.getParent());
        Files.copy(file, copy);
      }
    }
  }

  /** The schema's DDL from the backup's migrations, up to the backed-up version, then the history compared. */
  private static void migrate(Options options, Path scripts, String schema, List<String> history, Connection db)
      throws SQLException {
    if (history.isEmpty()) {
      return;
    }
    String lastVersion = history.get(history.size() - 1).split("\\|", 2)[0];
    Flyway.configure()
        .dataSource(options.jdbcUrl(), options.user(), options.password())
        .schemas(schema)
        .defaultSchema(schema)
        .locations("filesystem:" + scripts)
        .target(lastVersion)
        .load()
        .migrate();
    List<String> applied = new ArrayList<>();
    try (Statement statement = db.createStatement();
        ResultSet result = statement.executeQuery("SELECT version, description, checksum FROM "
            + Sql.qualified(schema, FLYWAY_HISTORY) + " WHERE success AND version IS NOT NULL ORDER BY installed_rank")) {
      while (result.next()) {
        applied.add(result.getString(1) + "|" + result.getString(2) + "|" + result.getObject(3));
      }
    }
    if (!applied.equals(history)) {
      throw new IllegalStateException("Schema " + schema + ": the backup's migrations applied " + applied
          + " but the backed-up database had run " + history);
    }
  }

  /** The catalog's tables, as Iceberg's JdbcCatalog creates them (schema version from the dumped columns). */
  private static void createCatalogTables(Options options, BackupManifest manifest, Path warehouse, Connection db)
      throws SQLException, IOException {
    try (Statement statement = db.createStatement()) {
      statement.execute("CREATE SCHEMA IF NOT EXISTS " + Sql.quote(CATALOG_SCHEMA));
    }
    boolean v1 = manifest.tables().stream().anyMatch(t -> t.schema().equals(CATALOG_SCHEMA)
        && t.name().equals("iceberg_tables") && t.columns().contains("iceberg_type"));
    Map<String, String> properties = new HashMap<>();
    String url = options.jdbcUrl();
    properties.put("uri", url + (url.contains("?") ? "&" : "?") + "currentSchema=" + CATALOG_SCHEMA);
    properties.put("jdbc.user", options.user() == null ? "" : options.user());
    properties.put("jdbc.password", options.password() == null ? "" : options.password());
    properties.put("jdbc.schema-version", v1 ? "V1" : "V0");
    properties.put("warehouse", warehouse.toUri().toString());
    properties.put("io-impl", LocalFileIO.class.getName());
    try (JdbcCatalog catalog = new JdbcCatalog()) {
      catalog.initialize("restore", properties);
    }
  }

  /** Every dumped row in one transaction (tables emptied first: a migration may have seeded rows). */
  private static void load(Connection db, BackupManifest manifest, Path dumps) throws SQLException, IOException {
    List<BackupManifest.Table> tables = new ArrayList<>(manifest.tables().stream()
        .filter(t -> !t.name().equals(FLYWAY_HISTORY)).toList());
    if (tables.isEmpty()) {
      return;
    }
    db.setAutoCommit(false);
    try (Statement statement = db.createStatement()) {
      statement.execute("TRUNCATE " + String.join(", ",
          tables.stream().map(t -> Sql.qualified(t.schema(), t.name())).toList()));
    }
    CopyManager copier = db.unwrap(PGConnection.class).getCopyAPI();
    for (BackupManifest.Table table : parentsFirst(db, tables)) {
      String columns = String.join(", ", table.columns().stream().map(Sql::quote).toList());
      try (Reader in = Files.newBufferedReader(dumps.resolve(table.dumpFile()))) {
        long rows = copier.copyIn("COPY " + Sql.qualified(table.schema(), table.name()) + " (" + columns
            + ") FROM STDIN", in);
        if (rows != table.rows()) {
          throw new IllegalStateException(table.qualified() + ": loaded " + rows + " rows, the backup has " + table.rows());
        }
      }
    }
    try (PreparedStatement statement = db.prepareStatement("SELECT setval(?::regclass, ?, true)")) {
      for (Map.Entry<String, Long> sequence : manifest.sequences().entrySet()) {
        String[] name = sequence.getKey().split("\\.", 2);
        statement.setString(1, Sql.qualified(name[0], name[1]));
        statement.setLong(2, sequence.getValue());
        statement.execute();
      }
    }
    db.commit();
    db.setAutoCommit(true);
  }

  /** The tables ordered so that a table referenced by a foreign key comes before the tables referencing it. */
  private static List<BackupManifest.Table> parentsFirst(Connection db, List<BackupManifest.Table> tables)
      throws SQLException {
    Map<String, Set<String>> parents = new HashMap<>();
    try (Statement statement = db.createStatement();
        ResultSet result = statement.executeQuery("SELECT cn.nspname || '.' || c.relname, fn.nspname || '.' || f.relname"
            + " FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace cn ON cn.oid = c.relnamespace"
            + " JOIN pg_class f ON f.oid = k.confrelid JOIN pg_namespace fn ON fn.oid = f.relnamespace"
            + " WHERE k.contype = 'f' AND k.conrelid <> k.confrelid")) {
      while (result.next()) {
        parents.computeIfAbsent(result.getString(1), k -> new HashSet<>()).add(result.getString(2));
      }
    }
    Map<String, BackupManifest.Table> remaining = new LinkedHashMap<>();
    tables.forEach(t -> remaining.put(t.qualified(), t));
    List<BackupManifest.Table> ordered = new ArrayList<>();
    while (!remaining.isEmpty()) {
      BackupManifest.Table next = remaining.values().stream()
          .filter(t -> parents.getOrDefault(t.qualified(), Set.of()).stream().noneMatch(remaining::containsKey))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("Foreign keys form a cycle among " + remaining.keySet()));
      ordered.add(next);
      remaining.remove(next.qualified());
    }
    return ordered;
  }
}
