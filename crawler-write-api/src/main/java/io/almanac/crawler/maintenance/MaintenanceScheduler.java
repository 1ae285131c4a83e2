package io.almanac.crawler.maintenance;

import io.almanac.crawler.ingest.BulkUpsertService;
import io.almanac.store.MaintenanceLock;
import io.almanac.store.TableMaintenance;
import io.almanac.store.TimeseriesStore;
import io.almanac.store.TimeseriesWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs table maintenance (compaction, snapshot expiry, orphan files) by itself, every
 * {@code almanac.maintenance.interval}; it runs beside uploads, whose commits it never blocks for
 * longer than one commit. First it settles batches left unfinished by a process that stopped
 * ({@link BulkUpsertService#settleAbandonedClaims}), and expiry keeps the snapshots that unsettled
 * batches still need as evidence.
 *
 * <p>Several processes may run it at once on the same tables: each compaction commit validates
 * that its input files are still there (the loser's is abandoned and its files deleted), expiry is a
 * commit like any other, and orphan files are only those older than {@code orphan-age}, far older
 * than any file another process is still about to commit.
 */
@Component
class MaintenanceScheduler {

  private static final Logger log = LoggerFactory.getLogger(MaintenanceScheduler.class);

  private final TableMaintenance maintenance;
  private final boolean enabled;

  private final BulkUpsertService uploads;
  private final DataSource dataSource;

  MaintenanceScheduler(TimeseriesStore store, TimeseriesWriter writer, BulkUpsertService uploads, DataSource dataSource,
      @Value("${almanac.maintenance.enabled:true}") boolean enabled,
      @Value("${almanac.maintenance.min-files-to-merge:4}") int minFilesToMerge,
      @Value("${almanac.maintenance.rows-per-file:2000000}") long rowsPerFile,
      @Value("${almanac.maintenance.rest-to-base-ratio:0.1}") double restToBaseRatio,
      @Value("${almanac.maintenance.quiet-period:10s}") Duration quietPeriod,
      @Value("${almanac.maintenance.snapshot-retention:1m}") Duration snapshotRetention,
      @Value("${almanac.maintenance.max-snapshots:50}") int maxSnapshots,
      @Value("${almanac.maintenance.orphan-age:3d}") Duration orphanAge) {
    this.enabled = enabled;
    this.dataSource = dataSource;
    this.uploads = uploads;
    this.maintenance = new TableMaintenance(store, writer, new TableMaintenance.Settings(
        minFilesToMerge, rowsPerFile, restToBaseRatio, quietPeriod, snapshotRetention, maxSnapshots, orphanAge),
        uploads::retainSnapshotsSince);
  }

  @Scheduled(fixedDelayString = "${almanac.maintenance.interval:5s}",
      initialDelayString = "${almanac.maintenance.interval:5s}")
  void run() {
    if (!enabled) {
      return;
    }
    // Shared with other processes' maintenance; a backup holds it exclusively while it copies the files
    // of its catalog snapshot, which expiry and orphan removal would otherwise delete (see MaintenanceLock).
    try (Connection connection = dataSource.getConnection()) {
      if (!MaintenanceLock.tryShared(connection)) {
        log.info("Table maintenance skipped: a backup is copying files");
        return;
      }
      try {
        uploads.settleAbandonedClaims();
        maintenance.runUntilSettled();
      } finally {
        MaintenanceLock.releaseShared(connection);
      }
    } catch (SQLException | RuntimeException e) {
      log.error("Table maintenance failed; it will run again", e);
    }
  }
}
