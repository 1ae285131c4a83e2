package io.almanac.backup;

import io.almanac.store.LocalFileIO;
import io.almanac.store.MaintenanceLock;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StatisticsFile;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Backs up a running Almanac: every table of PostgreSQL (metadata, ledger, auth, audit, the Iceberg JDBC
 * catalog) from ONE repeatable-read snapshot, and every warehouse file the catalog's tables reference in
 * that snapshot, while uploads continue.
 *
 * <p>Why it is consistent: the catalog's metadata pointers are read in the same snapshot as the ledger,
 * so the backup holds exactly the commits (Iceberg and ledger) made before the snapshot. Iceberg files are
 * immutable; the only deletions of a file a retained snapshot references are maintenance's (snapshot
 * expiry, orphans), which waits for the {@link MaintenanceLock} this backup holds exclusively from
 * before the snapshot until the last file is copied. The one other deletion, of table metadata files
 * beyond the newest 20 after each commit, is outrun: the snapshot's metadata files are read first, right
 * after the pointers, and a backup that still finds one gone starts over (up to 3 attempts).
 */
public final class Backup {

  /**
   * @param warehouse the local warehouse folder (its Iceberg location must be its {@code file:} URI)
   * @param home the repository root, whose modules hold the Flyway migrations copied into the backup
   * @param target an absent or empty folder
   * @param lockWait how long to wait for running maintenance to finish
   */
  public record Options(String jdbcUrl, String user, String password, Path warehouse, Path home, Path target,
      Duration lockWait) {}

  /** What was written. */
  public record Result(BackupManifest manifest, Duration took) {}

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int ATTEMPTS = 3;

  private Backup() {}

  public static Result run(Options options) throws IOException, SQLException {
    long started = System.nanoTime();
    Path target = options.target().toAbsolutePath().normalize();
    if (Files.exists(target) && !Files.isDirectory(target)) {
      throw new IllegalArgumentException(target + " exists and is not a folder");
    }
    if (Files.exists(target)) {
      try (Stream<Path> entries = Files.list(target)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalArgumentException("Backup folder " + target + " is not empty");
        }
      }
    }
    // Before anything is written: an S3 warehouse is refused with what to do instead.
    try (Connection db = DriverManager.getConnection(options.jdbcUrl(), options.user(), options.password())) {
      catalogPointers(db).values().forEach(WarehousePaths::requireLocal);
    }
    for (int attempt = 1; ; attempt++) {
      try (Connection lock = DriverManager.getConnection(options.jdbcUrl(), options.user(), options.password())) {
        MaintenanceLock.acquireExclusive(lock, options.lockWait());
        try {
          BackupManifest manifest = attempt(options, target);
          return new Result(manifest, Duration.ofNanos(System.nanoTime() - started));
        } finally {
          MaintenanceLock.releaseExclusive(lock);
        }
      } catch (MetadataGone e) {
        if (attempt == ATTEMPTS) {
          throw new IllegalStateException("Table metadata kept being replaced faster than it was read", e);
        }
        deleteRecursively(target);
      }
    }
  }

  private static BackupManifest attempt(Options options, Path target) throws IOException, SQLException {
    Path warehouse = options.warehouse().toAbsolutePath().normalize();
    Files.createDirectories(target);
    // The backup holds key hashes, the audit trail and every value: readable by its owner only (the folder's
    // mode closes it whatever the umask gives the files inside).
    if (target.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }
    Path postgres = Files.createDirectories(target.resolve("postgres"));
    Path files = Files.createDirectories(target.resolve("warehouse"));
    FileIO io = new LocalFileIO();
    try (Connection db = DriverManager.getConnection(options.jdbcUrl(), options.user(), options.password())) {
      db.setAutoCommit(false);
      db.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      db.setReadOnly(true);
      // The first statement takes the snapshot: the catalog pointers, then their metadata files at once.
      String snapshotAt;
      try (Statement statement = db.createStatement();
          ResultSet result = statement.executeQuery("SELECT now()")) {
        result.next();
        snapshotAt = result.getObject(1, OffsetDateTime.class).toString();
      }
      Map<String, String> pointers = catalogPointers(db);
      Map<String, TableMetadata> metadata = new LinkedHashMap<>();
      for (Map.Entry<String, String> pointer : pointers.entrySet()) {
        Path source = WarehousePaths.path(pointer.getValue());
        Path copy = files.resolve(WarehousePaths.relative(warehouse, pointer.getValue()));
        Files.createDirectories(copy.getParent());
        try {
          Files.copy(source, copy);
        } catch (java.nio.file.NoSuchFileException e) {
          throw new MetadataGone(e);
        }
        metadata.put(pointer.getKey(), TableMetadataParser.fromJson(pointer.getValue(), Files.readString(copy)));
      }

      List<BackupManifest.Table> tables = new ArrayList<>();
      CopyManager copier = db.unwrap(PGConnection.class).getCopyAPI();
      for (String[] table : tables(db)) {
        List<String> columns = columns(db, table[0], table[1]);
        String columnList = String.join(", ", columns.stream().map(Sql::quote).toList());
        BackupManifest.Table dumped = new BackupManifest.Table(table[0], table[1], columns, 0);
        long rows;
        try (OutputStream out = Files.newOutputStream(postgres.resolve(dumped.dumpFile()))) {
          rows = copier.copyOut("COPY " + Sql.qualified(table[0], table[1]) + " (" + columnList + ") TO STDOUT", out);
        }
        tables.add(new BackupManifest.Table(table[0], table[1], columns, rows));
      }
      Map<String, List<String>> flyway = flywaySchemas(db, tables);
      checkRecreatable(tables, flyway);
      Map<String, Long> sequences = sequences(db);
      db.commit();
      copyMigrations(options.home(), flyway.keySet(), postgres.resolve("migrations"));

      long[] copied = {pointers.size(), 0};
      for (Path metadataCopy : listFiles(files)) {
        copied[1] += Files.size(metadataCopy);
      }
      Set<String> referenced = new LinkedHashSet<>();
      for (TableMetadata table : metadata.values()) {
        referenced.addAll(referencedFiles(table, io));
      }
      for (String location : referenced) {
        Path copy = files.resolve(WarehousePaths.relative(warehouse, location));
        Files.createDirectories(copy.getParent());
        Files.copy(WarehousePaths.path(location), copy);
        copied[0]++;
        copied[1] += Files.size(copy);
      }
      BackupManifest manifest = new BackupManifest(snapshotAt, warehouse.toUri().toString(), tables, sequences,
          flyway, pointers, copied[0], copied[1]);
      JSON.writerWithDefaultPrettyPrinter().writeValue(target.resolve(BackupManifest.FILE).toFile(), manifest);
      return manifest;
    }
  }

  /** {@code namespace.table} to metadata location, from the catalog table (absent before any table exists). */
  private static Map<String, String> catalogPointers(Connection db) throws SQLException {
    Map<String, String> pointers = new LinkedHashMap<>();
    try (Statement statement = db.createStatement();
        ResultSet exists = statement.executeQuery("SELECT to_regclass('iceberg.iceberg_tables') IS NOT NULL")) {
      exists.next();
      if (!exists.getBoolean(1)) {
        return pointers;
      }
    }
    try (Statement statement = db.createStatement();
        ResultSet result = statement.executeQuery("SELECT table_namespace, table_name, metadata_location"
            + " FROM iceberg.iceberg_tables ORDER BY 1, 2")) {
      while (result.next()) {
        pointers.put(result.getString(1) + "." + result.getString(2), result.getString(3));
      }
    }
    return pointers;
  }

  /** Every snapshot's manifest list, manifests, data and delete files, and statistics files. */
  static Set<String> referencedFiles(TableMetadata table, FileIO io) throws IOException {
    Set<String> files = new LinkedHashSet<>();
    for (Snapshot snapshot : table.snapshots()) {
      files.add(snapshot.manifestListLocation());
      for (ManifestFile manifest : snapshot.allManifests(io)) {
        if (!files.add(manifest.path())) {
          continue;
        }
        if (manifest.content() == ManifestContent.DATA) {
          try (CloseableIterable<DataFile> data = ManifestFiles.read(manifest, io, table.specsById())) {
            data.forEach(d -> files.add(d.location()));
          }
        } else {
          try (CloseableIterable<DeleteFile> deletes = ManifestFiles.readDeleteManifest(manifest, io, table.specsById())) {
            deletes.forEach(d -> files.add(d.location()));
          }
        }
      }
    }
    for (StatisticsFile statistics : table.statisticsFiles()) {
      files.add(statistics.path());
    }
    return files;
  }

  /** User tables, {schema, name}, in a stable order. */
  private static List<String[]> tables(Connection db) throws SQLException {
    List<String[]> tables = new ArrayList<>();
    try (Statement statement = db.createStatement();
        ResultSet result = statement.executeQuery("SELECT n.nspname, c.relname FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')"
            + " AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2")) {
      while (result.next()) {
        tables.add(new String[] {result.getString(1), result.getString(2)});
      }
    }
    return tables;
  }

  /** Stored columns in order (generated columns are computed again on load). */
  private static List<String> columns(Connection db, String schema, String table) throws SQLException {
    List<String> columns = new ArrayList<>();
    try (PreparedStatement statement = db.prepareStatement("SELECT a.attname FROM pg_attribute a"
        + " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''"
        + " ORDER BY a.attnum")) {
      statement.setString(1, schema);
      statement.setString(2, table);
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          columns.add(result.getString(1));
        }
      }
    }
    return columns;
  }

  /** Schemas with a Flyway history, each with its applied migrations ({@code version|description|checksum}). */
  private static Map<String, List<String>> flywaySchemas(Connection db, List<BackupManifest.Table> tables)
      throws SQLException {
    Map<String, List<String>> schemas = new LinkedHashMap<>();
    for (BackupManifest.Table table : tables) {
      if (!table.name().equals(Restore.FLYWAY_HISTORY)) {
        continue;
      }
      List<String> history = new ArrayList<>();
      try (Statement statement = db.createStatement();
          ResultSet result = statement.executeQuery("SELECT version, description, checksum FROM "
              + Sql.qualified(table.schema(), table.name())
              + " WHERE success AND version IS NOT NULL ORDER BY installed_rank")) {
        while (result.next()) {
          history.add(result.getString(1) + "|" + result.getString(2) + "|" + result.getObject(3));
        }
      }
      schemas.put(table.schema(), history);
    }
    return schemas;
  }

  /** Restore recreates a schema from its Flyway migrations, or the catalog's from Iceberg: nothing else. */
  private static void checkRecreatable(List<BackupManifest.Table> tables, Map<String, List<String>> flyway) {
    for (BackupManifest.Table table : tables) {
      if (!flyway.containsKey(table.schema()) && !table.schema().equals(Restore.CATALOG_SCHEMA)) {
        throw new IllegalStateException("Table " + table.qualified() + " belongs to no Flyway-migrated schema"
            + " nor the Iceberg catalog: restore could not recreate it");
      }
    }
  }

  private static Map<String, Long> sequences(Connection db) throws SQLException {
    Map<String, Long> sequences = new LinkedHashMap<>();
    try (Statement statement = db.createStatement();
        ResultSet result = statement.executeQuery("SELECT schemaname, sequencename, last_value FROM pg_sequences"
            + " WHERE last_value IS NOT NULL AND schemaname <> 'information_schema' AND schemaname NOT LIKE 'pg\\_%'")) {
      while (result.next()) {
        sequences.put(result.getString(1) + "." + result.getString(2), result.getLong(3));
      }
    }
    return sequences;
  }

  /** Copies {@code <module>/src/main/resources/db/migration/<schema>/} of each schema from the repository. */
  private static void copyMigrations(Path home, Set<String> schemas, Path into) throws IOException {
    for (String schema : schemas) {
      List<Path> found = new ArrayList<>();
      try (Stream<Path> modules = Files.list(home)) {
        for (Path module : modules.toList()) {
          Path folder = module.resolve("src/main/resources/db/migration").resolve(schema);
          if (Files.isDirectory(folder)) {
            found.add(folder);
          }
        }
      }
      if (found.size() != 1) {
        throw new IllegalStateException("Expected the migrations of schema " + schema + " in exactly one module of "
            + home + ", found " + found);
      }
      Path destination = Files.createDirectories(into.resolve(schema));
      for (Path script : listFiles(found.get(0))) {
        Files.copy(script, destination.resolve(script.getFileName()));
      }
    }
  }

  private static List<Path> listFiles(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }

  static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** A metadata file the snapshot's catalog points at was deleted before it was read (see the class comment). */
  private static final class MetadataGone extends RuntimeException {
    MetadataGone(Exception cause) {
      super(cause);
    }
  }
}
