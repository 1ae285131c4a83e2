package io.almanac.backup;

import java.util.List;
import java.util.Map;

/**
 * {@code backup.json}: what a backup holds, written last (a folder without it is an unfinished backup).
 *
 * @param snapshotAt the database snapshot's time (PostgreSQL's {@code now()} in the snapshot transaction,
 *     ISO-8601): changes committed before it are in the backup, later ones are not
 * @param warehouse the warehouse location (a {@code file:} URI) the Iceberg metadata's absolute paths start with
 * @param tables every table dumped, as {@code schema.table}, with its columns in dump order and row count
 * @param sequences each sequence's {@code last_value} ({@code schema.sequence}), for after the load
 * @param flywaySchemas schemas whose DDL is their Flyway migrations (copied under {@code postgres/migrations/}),
 *     each with its applied history ({@code version|description|checksum}, in order)
 * @param catalogTables Iceberg tables ({@code namespace.table}) and the metadata file the catalog pointed at
 * @param files warehouse files copied (metadata, manifest lists, manifests, data files)
 * @param fileBytes their total size
 */
public record BackupManifest(String snapshotAt, String warehouse, List<Table> tables, Map<String, Long> sequences,
    Map<String, List<String>> flywaySchemas, Map<String, String> catalogTables, long files, long fileBytes) {

  public static final String FILE = "backup.json";

  /** One dumped table: {@code postgres/<schema>.<name>.copy} holds its rows in COPY's text format. */
  public record Table(String schema, String name, List<String> columns, long rows) {

    public String qualified() {
      return schema + "." + name;
    }

    public String dumpFile() {
      return schema + "." + name + ".copy";
    }
  }
}
