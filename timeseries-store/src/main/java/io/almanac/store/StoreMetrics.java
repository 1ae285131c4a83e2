package io.almanac.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The store's meters, on Micrometer's global registry: the store is a library without Spring, and Spring
 * Boot binds its registry (Prometheus in the subgraphs) to the global one, so the meters need no wiring;
 * without a bound registry they cost a no-op. Names as Prometheus shows them (tag {@code table} is the
 * Iceberg table's name: observations, series, raw_batches):
 * <ul>
 *   <li>{@code almanac_store_commit_seconds} (histogram; tags table, outcome=committed|failed): writing the
 *       sorted file and committing it, retries included, per commit (one commit carries many batches)</li>
 *   <li>{@code almanac_store_commit_conflicts_total} (tags table, kind=validation|catalog): commits refused
 *       because another process committed first (retried inside; never seen by clients)</li>
 *   <li>{@code almanac_store_rows_committed_total} (tag table)</li>
 *   <li>{@code almanac_points_written_total}: observation rows committed (points written)</li>
 *   <li>{@code almanac_maintenance_runs_total}, {@code almanac_maintenance_files_rewritten_total} (input
 *       files replaced by compaction), {@code almanac_maintenance_files_written_total},
 *       {@code almanac_maintenance_snapshots_expired_total}, {@code almanac_maintenance_orphans_deleted_total}
 *       (tag table)</li>
 * </ul>
 */
final class StoreMetrics {

  /** Latency buckets (seconds) of every timer here: enough for quantiles, few series. */
  static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

  private static final MeterRegistry REGISTRY = Metrics.globalRegistry;
  private static final Counter POINTS_WRITTEN = Counter.builder("almanac.points.written")
      .description("Observation rows (points) committed to the observations table")
      .register(REGISTRY);

  private StoreMetrics() {}

  static void commit(String table, long nanos, boolean committed) {
    Timer.builder("almanac.store.commit").description("Writing and committing one coalesced commit")
        .tags("table", table, "outcome", committed ? "committed" : "failed")
        .serviceLevelObjectives(BUCKETS).register(REGISTRY).record(Duration.ofNanos(nanos));
  }

  static void conflict(String table, String kind) {
    conflicts(table, kind).increment();
  }

  /** Registers the table's conflict counters, so that they are served (at 0) before the first conflict. */
  static void declareConflicts(String table) {
    conflicts(table, "validation");
    conflicts(table, "catalog");
  }

  private static Counter conflicts(String table, String kind) {
    return Counter.builder("almanac.store.commit.conflicts").description("Commits refused because another writer won")
        .tags("table", table, "kind", kind).register(REGISTRY);
  }

  static void rowsCommitted(String table, long rows) {
    Counter.builder("almanac.store.rows.committed").tags("table", table).register(REGISTRY)
        .increment(rows);
    if (ObservationLayout.TABLE_NAME.equals(table)) {
      POINTS_WRITTEN.increment(rows);
    }
  }

  static void maintenance(String table, int filesRewritten, int filesWritten, int snapshotsExpired,
      int orphansDeleted) {
    count("almanac.maintenance.runs", "Maintenance passes over a table", table, 1);
    count("almanac.maintenance.files.rewritten", "Data files replaced by compaction", table, filesRewritten);
    count("almanac.maintenance.files.written", "Data files compaction wrote", table, filesWritten);
    count("almanac.maintenance.snapshots.expired", "Snapshots expired", table, snapshotsExpired);
    count("almanac.maintenance.orphans.deleted", "Orphan files deleted", table, orphansDeleted);
  }

  private static void count(String name, String description, String table, long amount) {
    Counter counter = Counter.builder(name).description(description).tags("table", table).register(REGISTRY);
    if (amount > 0) {
      counter.increment(amount);
    }
  }
}
