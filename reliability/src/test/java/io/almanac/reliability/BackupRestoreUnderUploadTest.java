package io.almanac.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.backup.Backup;
import io.almanac.backup.Restore;
import io.almanac.local.GraphQLClient;
import io.almanac.local.LocalStack;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code almanac backup} under a running upload, then {@code almanac restore} into an empty stack: a new
 * PostgreSQL and an emptied warehouse folder (the backed-up location, see {@link Restore}). Batch k
 * publishes revision date {@code REVISED + k} for every series (a new date, and a revision of the
 * previous date), so "the source as of the backup's point" is the source read with {@code asOf} = the
 * revision date of the last batch in the backup. Which batches that is follows from the clock alone:
 * every batch acknowledged before the backup's snapshot time must be in it, no batch first sent after it
 * may be; the one in flight at that instant may be in it whole, in part or not at all (as a batch whose
 * writer stopped), and re-sending it to the restored stack completes it.
 */
class BackupRestoreUnderUploadTest {

  private static final int SERIES = Sizes.pick(12, 60);
  /** Batches acknowledged before the backup starts. */
  private static final int BEFORE = Sizes.pick(4, 20);
  /** Batches acknowledged after the backup returned. */
  private static final int AFTER = 2;
  private static final LocalDate OBSERVED = LocalDate.of(2020, 1, 1);
  private static final LocalDate REVISED = LocalDate.of(2024, 1, 1);
  private static final Duration DEADLINE = Duration.ofMinutes(5);

  private record Sent(Instant firstSent, Instant acknowledged) {}

  @Test
  void restoredStackReadsEverySeriesAsTheSourceDidAtTheBackupsSnapshot() throws Exception {
    Path backupDir;
    Map<Integer, Sent> sent = new ConcurrentSkipListMap<>();
    Backup.Result backup;
    List<Long> series;
    Path runDir;
    /** asOf revision index -> the source's answer for every series. */
    Map<Integer, String> sourceReads = new TreeMap<>();
    try (LocalStack source = Stacks.start("backup-source", Map.of())) {
      runDir = source.runDir().toAbsolutePath();
      backupDir = runDir.resolveSibling(runDir.getFileName() + "-backup");
      GraphQLClient gateway = new GraphQLClient(source.gateway(), source.adminAuthorization());
      series = Stacks.createSeries(gateway, "backup", SERIES);
      BulkClient client = new BulkClient(source.crawler(), source.adminAuthorization());
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> uploadFailure = new AtomicReference<>();
      Thread uploader = new Thread(() -> {
        try {
          for (int k = 1; !stop.get(); k++) {
            Instant first = Instant.now();
            BulkClient.Ack ack = client.sendUntilAcknowledged(batchId(k), BulkClient.ndjson(batch(series, k)),
                Instant.now().plus(DEADLINE), () -> { });
            sent.put(k, new Sent(first, ack.acknowledged()));
            synchronized (sent) {
              sent.notifyAll();
            }
          }
        } catch (Throwable e) {
          uploadFailure.set(e);
          synchronized (sent) {
            sent.notifyAll();
          }
        }
      }, "backup-test-uploader");
      uploader.start();
      awaitAcknowledged(sent, BEFORE, uploadFailure);

      backup = Backup.run(new Backup.Options(source.jdbcUrl(), "postgres", "postgres", runDir.resolve("warehouse"),
          Path.of("..").toAbsolutePath().normalize(), backupDir, Duration.ofMinutes(2)));
      // Key hashes and the audit trail are in it: only its owner may open the folder.
      assertThat(java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(backupDir)))
          .isEqualTo("rwx------");
      // The batch in flight when the backup returned may have been sent before its snapshot; the AFTER
      // batches after it were sent after the snapshot.
      int acknowledgedAtBackupEnd = sent.size();
      awaitAcknowledged(sent, acknowledgedAtBackupEnd + 1 + AFTER, uploadFailure);
      stop.set(true);
      uploader.join(DEADLINE.toMillis());
      assertThat(uploadFailure.get()).isNull();

      for (int k = 1; k <= sent.size(); k++) {
        sourceReads.put(k, readAll(gateway, series, REVISED.plusDays(k)));
      }
    }

    Instant snapshot = OffsetDateTime.parse(backup.manifest().snapshotAt()).toInstant();
    List<Integer> mustHave = sent.entrySet().stream().filter(e -> e.getValue().acknowledged().isBefore(snapshot))
        .map(Map.Entry::getKey).toList();
    List<Integer> mustNotHave = sent.entrySet().stream().filter(e -> e.getValue().firstSent().isAfter(snapshot))
        .map(Map.Entry::getKey).toList();
    assertThat(mustHave).hasSizeGreaterThanOrEqualTo(BEFORE);
    assertThat(mustNotHave).hasSizeGreaterThanOrEqualTo(AFTER);

    // The empty stack: the source's warehouse folder emptied, a new PostgreSQL.
    deleteRecursively(runDir.resolve("warehouse"));
    deleteRecursively(runDir.resolve("postgres"));
    try (EmbeddedPostgres database = EmbeddedPostgres.builder()
        .setDataDirectory(runDir.resolveSibling(runDir.getFileName() + "-restored-db")).setCleanDataDirectory(true)
        .start()) {
      String url = database.getJdbcUrl("postgres", "postgres");
      Restore.run(new Restore.Options(url, "postgres", "postgres", null, backupDir));
      try (LocalStack restored = LocalStack.start(new LocalStack.Options(Path.of("..").toAbsolutePath().normalize(),
          runDir, url, "postgres", "postgres", 0, 0, 0, 0, false, Map.of()))) {
        GraphQLClient gateway = new GraphQLClient(restored.gateway(), restored.adminAuthorization());
        List<Integer> archived = new ArrayList<>();
        for (int k : sent.keySet()) {
          if (!gateway.data("query($b: ID!) { archivedBatch(batchId: $b) { batchId } }", Map.of("b", batchId(k)))
              .path("archivedBatch").isNull()) {
            archived.add(k);
          }
        }
        assertThat(archived).containsAll(mustHave).doesNotContainAnyElementsOf(mustNotHave);
        assertThat(archived).as("the backup holds a prefix of the batches").isEqualTo(
            IntStream.rangeClosed(1, archived.get(archived.size() - 1)).boxed().toList());

        // The ledger agrees: the last batch acknowledged before the snapshot is a replay. A batch in flight at
        // the snapshot may be in the backup whole, in part (its archive commit without its observations) or
        // not at all, like a batch whose writer stopped: re-sending it completes it, as after a crash.
        BulkClient client = new BulkClient(restored.crawler(), restored.adminAuthorization());
        Instant deadline = Instant.now().plus(DEADLINE);
        int lastAcknowledged = mustHave.get(mustHave.size() - 1);
        assertThat(client.sendUntilAcknowledged(batchId(lastAcknowledged), BulkClient.ndjson(batch(series, lastAcknowledged)),
            deadline, () -> { }).result().path("replayed").asBoolean()).isTrue();
        List<Integer> inFlight = sent.keySet().stream().filter(k -> !mustHave.contains(k) && !mustNotHave.contains(k))
            .toList();
        assertThat(inFlight).hasSizeLessThanOrEqualTo(1);
        for (int k : inFlight) {
          client.sendUntilAcknowledged(batchId(k), BulkClient.ndjson(batch(series, k)), deadline, () -> { });
        }
        int last = inFlight.isEmpty() ? lastAcknowledged : inFlight.get(0);

        // Every series, as of several dates up to the backup's point and without asOf (everything restored).
        for (int k : List.of(1, Math.max(1, last / 2), last)) {
          assertThat(readAll(gateway, series, REVISED.plusDays(k))).as("as of batch %d", k).isEqualTo(sourceReads.get(k));
        }
        assertThat(readAll(gateway, series, null)).isEqualTo(sourceReads.get(last));
        // A batch the source received after the snapshot is new here.
        assertThat(client.sendUntilAcknowledged(batchId(last + 1), BulkClient.ndjson(batch(series, last + 1)), deadline,
            () -> { }).result().path("replayed").asBoolean()).isFalse();
      }
    }
  }

  private static String batchId(int k) {
    return "backup-batch-" + k;
  }

  /** Batch k: for every series a new date, and a revision of the date before, published on REVISED + k. */
  private static List<BulkClient.Point> batch(List<Long> series, int k) {
    List<BulkClient.Point> points = new ArrayList<>();
    String revision = REVISED.plusDays(k).toString();
    for (long id : series) {
      points.add(new BulkClient.Point(id, OBSERVED.plusDays(k).toString(), id + "." + k, revision));
      if (k > 1) {
        points.add(new BulkClient.Point(id, OBSERVED.plusDays(k - 1).toString(), id + "." + (k - 1) + "1", revision));
      }
    }
    return points;
  }

  /** Every series' columnar data (as of {@code asOf}, or everything), in one request, as JSON text. */
  private static String readAll(GraphQLClient gateway, List<Long> series, LocalDate asOf) {
    StringBuilder query = new StringBuilder("{");
    for (long id : series) {
      query.append(" s").append(id).append(": series(id: \"").append(id).append("\") { title data")
          .append(asOf == null ? "" : "(asOf: \"" + asOf + "\")").append(" { dates values } }");
    }
    JsonNode data = gateway.data(query.append(" }").toString());
    for (long id : series) {
      assertThat(data.path("s" + id).path("data").path("dates").isArray()).as("series %d read", id).isTrue();
    }
    return data.toString();
  }

  private static void awaitAcknowledged(Map<Integer, Sent> sent, int count, AtomicReference<Throwable> failure)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(DEADLINE);
    synchronized (sent) {
      while (sent.size() < count) {
        assertThat(failure.get()).as("uploads failed").isNull();
        assertThat(Instant.now()).as("%d batches acknowledged in time", count).isBefore(deadline);
        // Woken by each acknowledgement (or failure); the timeout only bounds the deadline check.
        sent.wait(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()));
      }
    }
  }

  private static void deleteRecursively(Path root) throws java.io.IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
