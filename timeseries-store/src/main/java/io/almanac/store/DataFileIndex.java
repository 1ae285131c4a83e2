package io.almanac.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * The live data files of a snapshot, with their column statistics: the snapshot's manifest list, then each
 * manifest's live entries from a process-wide cache keyed by the manifest's location.
 *
 * <p>Iceberg never changes a manifest once written (a commit writes new ones and a new manifest list), so a
 * cached entry list never goes stale, whatever table or process committed. A new snapshot then costs its
 * manifest list and the manifests it added, where a scan planning opens every manifest of the table again
 * (up to {@code commit.manifest.min-count-to-merge}, 100, before appends merge them). Under a stream of small
 * uploads (a commit every few hundred milliseconds) that planning was most of the financial subgraph's CPU
 * and half of the crawler's maintenance (profiled during benchmark row T2).
 *
 * <p>At most {@link #MAX_MANIFESTS} manifests are held, least recently used first out; a manifest's entries are
 * copies with their statistics (about a kilobyte a file).
 */
final class DataFileIndex {

  static final int MAX_MANIFESTS = 2_048;

  private static final Map<String, List<DataFile>> MANIFESTS = new LinkedHashMap<>(256, 0.75f, true);

  private DataFileIndex() {}

  /**
   * The live data files of {@code snapshot} of {@code table} (none for a null snapshot), in manifest order.
   *
   * @throws IllegalStateException when the snapshot has delete manifests: Almanac never writes delete files
   *     (deletes rewrite files), so a table with some was written by another engine and needs a reader that
   *     applies them
   */
  static List<DataFile> dataFiles(Table table, Snapshot snapshot) {
    if (snapshot == null) {
      return List.of();
    }
    if (!snapshot.deleteManifests(table.io()).isEmpty()) {
      throw new IllegalStateException("Snapshot " + snapshot.snapshotId() + " of " + table.name()
          + " has delete files");
    }
    List<DataFile> files = new ArrayList<>();
    for (ManifestFile manifest : snapshot.dataManifests(table.io())) {
      files.addAll(entries(table, manifest));
    }
    return files;
  }

  /** Manifests held, for tests. */
  static int cachedManifests() {
    synchronized (MANIFESTS) {
      return MANIFESTS.size();
    }
  }

  private static List<DataFile> entries(Table table, ManifestFile manifest) {
    synchronized (MANIFESTS) {
      List<DataFile> cached = MANIFESTS.get(manifest.path());
      if (cached != null) {
        return cached;
      }
    }
    List<DataFile> read = new ArrayList<>();
    // The reader yields live entries (added and existing) with every column, statistics included.
    try (ManifestReader<DataFile> reader = ManifestFiles.read(manifest, table.io(), table.specs())) {
      for (DataFile file : reader) {
        read.add(file.copy());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Reading manifest " + manifest.path() + " failed", e);
    }
    List<DataFile> entries = List.copyOf(read);
    synchronized (MANIFESTS) {
      MANIFESTS.put(manifest.path(), entries);
      Iterator<List<DataFile>> eldest = MANIFESTS.values().iterator();
      while (MANIFESTS.size() > MAX_MANIFESTS && eldest.hasNext()) {
        eldest.next();
        eldest.remove();
      }
    }
    return entries;
  }
}
