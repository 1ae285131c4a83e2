package io.almanac.reliability;

import io.almanac.local.LocalStack;
import io.almanac.store.LocalFileIO;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The stack's Iceberg tables as a test sees them from outside: its own JDBC catalog on the stack's
 * database and warehouse (read only), and checks written here against Iceberg's metadata, not through
 * Almanac's store code.
 */
final class Warehouse implements Closeable {

  static final TableIdentifier OBSERVATIONS = TableIdentifier.of("almanac", "observations");
  static final TableIdentifier SERIES = TableIdentifier.of("almanac", "series");
  static final TableIdentifier RAW_BATCHES = TableIdentifier.of("almanac_raw", "raw_batches");
  static final List<TableIdentifier> TABLES = List.of(OBSERVATIONS, SERIES, RAW_BATCHES);

  private final Catalog catalog;

  Warehouse(LocalStack stack) {
    String url = stack.jdbcUrl();
    Map<String, String> properties = new HashMap<>();
    properties.put("type", "jdbc");
    properties.put("uri", url + (url.contains("?") ? "&" : "?") + "currentSchema=iceberg");
    properties.put("jdbc.user", "postgres");
    properties.put("jdbc.password", "postgres");
    properties.put("warehouse", stack.runDir().resolve("warehouse").toAbsolutePath().toUri().toString());
    properties.put("io-impl", LocalFileIO.class.getName());
    catalog = CatalogUtil.buildIcebergCatalog("almanac", properties, new Configuration());
  }

  Table table(TableIdentifier id) {
    return catalog.loadTable(id);
  }

  /** Rows of the raw archive per batch id (a batch archived twice has two). */
  Map<String, Integer> archiveRowsByBatch() {
    Map<String, Integer> rows = new HashMap<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table(RAW_BATCHES)).select("batch_id").build()) {
      for (Record r : records) {
        rows.merge((String) r.getField("batch_id"), 1, Integer::sum);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  /** Observation rows per batch id in the current snapshot. */
  Map<String, Integer> observationRowsByBatch() {
    Map<String, Integer> rows = new HashMap<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table(OBSERVATIONS)).select("batch_id").build()) {
      for (Record r : records) {
        rows.merge((String) r.getField("batch_id"), 1, Integer::sum);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  /** Per batch id, how many retained snapshots of {@code table} say they carry it ({@code almanac.batch-ids}). */
  Map<String, Integer> commitsByBatch(TableIdentifier id) {
    Map<String, Integer> commits = new HashMap<>();
    for (Snapshot snapshot : table(id).snapshots()) {
      String ids = snapshot.summary().get("almanac.batch-ids");
      if (ids != null && !ids.isEmpty()) {
        for (String encoded : ids.split(",")) {
          commits.merge(URLDecoder.decode(encoded, StandardCharsets.UTF_8), 1, Integer::sum);
        }
      }
    }
    return commits;
  }

  /** Problems of the current snapshot: data files that do not exist, delete files. Empty when valid. */
  List<String> currentSnapshotProblems(TableIdentifier id) {
    List<String> problems = new ArrayList<>();
    Table table = table(id);
    if (table.currentSnapshot() == null) {
      return problems;
    }
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        if (!Files.exists(path(task.file().location()))) {
          problems.add(id + ": missing data file " + task.file().location());
        }
        if (!task.deletes().isEmpty()) {
          problems.add(id + ": delete files " + task.deletes());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return problems;
  }

  /**
   * Files under the table's folder that neither its metadata log nor any retained snapshot references
   * (a Hadoop checksum {@code .name.crc} goes with {@code name}).
   */
  Set<Path> unreferencedFiles(TableIdentifier id) {
    Table table = table(id);
    TableMetadata metadata = ((HasTableOperations) table).operations().current();
    Set<Path> referenced = new HashSet<>();
    referenced.add(path(metadata.metadataFileLocation()));
    metadata.previousFiles().forEach(e -> referenced.add(path(e.file())));
    for (Snapshot snapshot : table.snapshots()) {
      referenced.add(path(snapshot.manifestListLocation()));
      for (ManifestFile manifest : snapshot.dataManifests(table.io())) {
        referenced.add(path(manifest.path()));
        try (ManifestReader<DataFile> files = ManifestFiles.read(manifest, table.io())) {
          files.forEach(f -> referenced.add(path(f.location())));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      snapshot.deleteManifests(table.io()).forEach(m -> referenced.add(path(m.path())));
    }
    Set<Path> unreferenced = new HashSet<>();
    try (Stream<Path> files = Files.walk(path(table.location()))) {
      files.filter(Files::isRegularFile).filter(f -> !referenced.contains(checksummed(f))).forEach(unreferenced::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return unreferenced;
  }

  private static Path checksummed(Path file) {
    String name = file.getFileName().toString();
    return name.startsWith(".") && name.endsWith(".crc") && name.length() > 5
        ? file.resolveSibling(name.substring(1, name.length() - 4)) : file;
  }

  private static Path path(String location) {
    return location.startsWith("file:") ? Path.of(URI.create(location.replaceFirst("^file:/+", "file:///")))
        : Path.of(location);
  }

  /** Per batch id, the sequence number of the snapshot of {@code table} that carries it (the last, if several). */
  Map<String, Long> commitSequenceByBatch(TableIdentifier id) {
    Map<String, Long> sequence = new HashMap<>();
    for (Snapshot snapshot : table(id).snapshots()) {
      String ids = snapshot.summary().get("almanac.batch-ids");
      if (ids != null && !ids.isEmpty()) {
        for (String encoded : ids.split(",")) {
          sequence.merge(URLDecoder.decode(encoded, StandardCharsets.UTF_8), snapshot.sequenceNumber(), Math::max);
        }
      }
    }
    return sequence;
  }

  /** Per batch id, the {@code ingested_at} of its rows still in the current snapshot (epoch µs); fails if one batch has two. */
  Map<String, Long> ingestedAtByBatch() {
    Map<String, Long> stamps = new HashMap<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table(OBSERVATIONS)).select("batch_id", "ingested_at")
        .build()) {
      for (Record r : records) {
        java.time.OffsetDateTime at = (java.time.OffsetDateTime) r.getField("ingested_at");
        long micros = at.toEpochSecond() * 1_000_000L + at.getNano() / 1_000;
        Long known = stamps.putIfAbsent((String) r.getField("batch_id"), micros);
        if (known != null && known != micros) {
          throw new AssertionError("Batch " + r.getField("batch_id") + " has rows stamped " + known + " and " + micros);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return stamps;
  }

  @Override
  public void close() throws IOException {
    if (catalog instanceof Closeable closeable) {
      closeable.close();
    }
  }
}
