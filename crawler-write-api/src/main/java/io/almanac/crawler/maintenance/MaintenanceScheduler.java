package io.almanac.crawler.maintenance;

import io.almanac.store.TableMaintenance;
import io.almanac.store.TimeseriesStore;
import io.almanac.store.TimeseriesWriter;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs table maintenance (compaction, snapshot expiry) by itself, every
 * {@code almanac.maintenance.interval}; it runs beside uploads, whose commits it never blocks for
 * longer than one commit.
 */
@Component
class MaintenanceScheduler {

  private static final Logger log = LoggerFactory.getLogger(MaintenanceScheduler.class);

  private final TableMaintenance maintenance;
  private final boolean enabled;

  MaintenanceScheduler(TimeseriesStore store, TimeseriesWriter writer,
      @Value("${almanac.maintenance.enabled:true}") boolean enabled,
      @Value("${almanac.maintenance.min-files-to-merge:4}") int minFilesToMerge,
      @Value("${almanac.maintenance.rows-per-file:2000000}") long rowsPerFile,
      @Value("${almanac.maintenance.rest-to-base-ratio:0.1}") double restToBaseRatio,
      @Value("${almanac.maintenance.quiet-period:10s}") Duration quietPeriod,
      @Value("${almanac.maintenance.snapshot-retention:1m}") Duration snapshotRetention,
      @Value("${almanac.maintenance.max-snapshots:50}") int maxSnapshots) {
    this.enabled = enabled;
    this.maintenance = new TableMaintenance(store, writer, new TableMaintenance.Settings(
        minFilesToMerge, rowsPerFile, restToBaseRatio, quietPeriod, snapshotRetention, maxSnapshots));
  }

  @Scheduled(fixedDelayString = "${almanac.maintenance.interval:5s}",
      initialDelayString = "${almanac.maintenance.interval:5s}")
  void run() {
    if (!enabled) {
      return;
    }
    try {
      maintenance.runUntilSettled();
    } catch (RuntimeException e) {
      log.error("Table maintenance failed; it will run again", e);
    }
  }
}
