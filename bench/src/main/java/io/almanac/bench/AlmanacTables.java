package io.almanac.bench;

import io.almanac.local.LocalStack;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Almanac's observations table opened read-only, beside the service, through the same JDBC catalog
 * (schema {@code iceberg}) and local warehouse: the benchmark inspects the table (H1) and watches its
 * snapshots (whether maintenance has settled) without going through the service.
 */
final class AlmanacTables implements AutoCloseable {

  private final Catalog catalog;
  private final Table observations;

  AlmanacTables(LocalStack stack, Path runDir) {
    Map<String, String> props = new TreeMap<>();
    String jdbc = stack.jdbcUrl();
    props.put("type", "jdbc");
    props.put("uri", jdbc + (jdbc.contains("?") ? "&" : "?") + "currentSchema=iceberg");
    props.put("jdbc.user", "postgres");
    props.put("jdbc.password", "postgres");
    props.put("warehouse", runDir.resolve("warehouse").toAbsolutePath().toUri().toString());
    catalog = CatalogUtil.buildIcebergCatalog("almanac", props, new Configuration());
    observations = catalog.loadTable(TableIdentifier.of("almanac", "observations"));
  }

  /** The observations table, refreshed to its current metadata. */
  Table observations() {
    observations.refresh();
    return observations;
  }

  /** The current snapshot id of the observations table, or -1 when it has none. */
  long currentSnapshotId() {
    var snapshot = observations().currentSnapshot();
    return snapshot == null ? -1 : snapshot.snapshotId();
  }

  @Override
  public void close() {
    if (catalog instanceof Closeable closeable) {
      try {
        closeable.close();
      } catch (IOException ignored) {
        // read-only; nothing to lose
      }
    }
  }
}
