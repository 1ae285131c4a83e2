package io.almanac.financial.observations;

import io.almanac.store.SeriesDirectory;
import io.almanac.store.TimeseriesReader;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Follows the tables in the background: every {@code almanac.financial.follow-interval} it moves the
 * series cache to the observations table's current snapshot (evicting what changed), plans that
 * snapshot's files, reads the footers of new ones and reloads the series directory if it changed.
 * Requests still check the snapshot themselves (read-your-writes), but after a commit the first read
 * of a series no longer pays for the commit's metadata as well. Measured in the benchmark: a
 * compaction commit made the next read plan a 10-file snapshot and parse the footers of the new files.
 */
@Component
class SnapshotFollower {

  private static final Logger log = LoggerFactory.getLogger(SnapshotFollower.class);

  private final ObservationHistories histories;
  private final TimeseriesReader reader;
  private final SeriesDirectory directory;
  private final ScheduledExecutorService follower;
  private long lastPrepared = Long.MIN_VALUE;

  SnapshotFollower(ObservationHistories histories, TimeseriesReader reader, SeriesDirectory directory,
      @Value("${almanac.financial.follow-interval:500ms}") Duration interval) {
    this.histories = histories;
    this.reader = reader;
    this.directory = directory;
    this.follower = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "snapshot-follower");
      thread.setDaemon(true);
      return thread;
    });
    if (!interval.isZero()) {
      follower.scheduleWithFixedDelay(this::follow, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void follow() {
    try {
      long snapshot = histories.currentSnapshot();
      if (snapshot != lastPrepared) {
        int footers = reader.prepareObservations(snapshot);
        lastPrepared = snapshot;
        log.debug("Prepared observations snapshot {} ({} footers read)", snapshot, footers);
      }
      directory.current();
    } catch (RuntimeException e) {
      // The next round tries again; requests do this work themselves meanwhile.
      log.warn("Following the tables failed: {}", e.toString());
    }
  }

  @PreDestroy
  void stop() {
    follower.shutdownNow();
  }
}
