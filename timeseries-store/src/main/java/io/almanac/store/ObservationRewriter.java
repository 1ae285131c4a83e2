package io.almanac.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/** Copy-on-write removal of series from the observations table. */
final class ObservationRewriter {

  private ObservationRewriter() {}

  /** Runs on the table's committer thread (see {@link CoalescingAppender#exclusive}). */
  static long removeSeries(Table table, Set<Long> seriesIds, CoalescingAppender writer) {
    if (table.currentSnapshot() == null || seriesIds.isEmpty()) {
      return 0;
    }
    long removed = 0;
    OverwriteFiles overwrite = table.newOverwrite().scanManifestsWith(IcebergExecutors.CALLER_THREAD);
    boolean changed = false;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planWith(IcebergExecutors.CALLER_THREAD)
        .filter(ObservationLayout.seriesIdIn(seriesIds)).planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile file = task.file();
        List<Record> kept = new ArrayList<>();
        long dropped = 0;
        try (CloseableIterable<Record> rows = TableMaintenance.read(table, file, ObservationLayout.SCHEMA)) {
          for (Record row : rows) {
            if (seriesIds.contains(ObservationLayout.SERIES_ID.get(row))) {
              dropped++;
            } else {
              kept.add(row);
            }
          }
        }
        if (dropped == 0) {
          continue; // statistics overlapped, rows did not
        }
        removed += dropped;
        changed = true;
        overwrite.deleteFile(file);
        if (!kept.isEmpty()) {
          overwrite.addFile(writer.write(kept)); // rows stay in file order, which is sorted
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Rewriting observations of series " + seriesIds + " failed", e);
    }
    if (changed) {
      overwrite.commit();
    }
    return removed;
  }
}
