package io.almanac.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.GraphQLClient;
import io.almanac.local.LocalStack;
import io.almanac.local.ManagedProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 14 item 5: crawler-write-api killed with SIGKILL at random moments while two clients upload
 * large NDJSON batches with batch ids (maintenance made busy: small files merged every second), and
 * restarted; each client re-sends every unacknowledged batch with its id until it is acknowledged.
 * Afterwards every batch is visible exactly once, point for point, through the gateway; the raw
 * archive holds one row per batch; every batch was committed once to each table (the snapshots,
 * all retained in this test, say so); the current snapshots reference only existing files and no
 * delete files; and maintenance removes the files the kills orphaned (orphan age 15 s here).
 *
 * <p>Each kill waits until the restarted process has acknowledged a batch; then every other kill lands
 * inside a commit (0-40 ms after a new data file appears in a table folder: an upload's or a
 * compaction's, written and about to be committed), the others at random moments.
 * Quick: 3 kills; long ({@code ./almanac reliability}): 22.
 */
class CrashRetryTest {

  private static final int CLIENTS = 2;
  private static final int SERIES_PER_CLIENT = 4;
  private static final int POINTS = Sizes.pick(2_000, 5_000);
  private static final int KILLS = Sizes.pick(3, 22);
  /** Each client sends at least this many batches, and goes on while kills are still to come. */
  private static final int MIN_BATCHES = Sizes.pick(8, 60);
  private static final Duration ORPHAN_AGE = Duration.ofSeconds(15);
  private static final LocalDate FIRST_DATE = LocalDate.of(1990, 1, 1);

  private static LocalStack stack;
  private static GraphQLClient gateway;

  @BeforeAll
  static void start() throws Exception {
    stack = Stacks.start("crash-retry", Map.of(
        "ALMANAC_MAINTENANCE_INTERVAL", "1s",
        "ALMANAC_MAINTENANCE_QUIET_PERIOD", "2s",
        "ALMANAC_MAINTENANCE_MIN_FILES_TO_MERGE", "2",
        "ALMANAC_MAINTENANCE_ORPHAN_AGE", ORPHAN_AGE.toSeconds() + "s",
        // Every snapshot kept, so the test can count the commits that carry each batch.
        "ALMANAC_MAINTENANCE_SNAPSHOT_RETENTION", "1d",
        "ALMANAC_MAINTENANCE_MAX_SNAPSHOTS", "1000000"));
    gateway = new GraphQLClient(stack.gateway(), stack.adminAuthorization());
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  /** A batch: its id and points. */
  private record Batch(String id, List<BulkClient.Point> points) {}

  @Test
  void everyAcknowledgedBatchIsThereExactlyOnceAfterKillsDuringUploads() throws Exception {
    List<Long> series = Stacks.createSeries(gateway, "crash", CLIENTS * SERIES_PER_CLIENT);
    BulkClient client = new BulkClient(stack.crawler(), stack.adminAuthorization());
    Instant deadline = Instant.now().plus(Duration.ofMinutes(Sizes.pick(8, 40)));
    AtomicBoolean killing = new AtomicBoolean(true);
    AtomicInteger failedAttempts = new AtomicInteger();
    Map<String, Batch> sent = new ConcurrentHashMap<>();
    Map<String, BulkClient.Ack> acks = new ConcurrentHashMap<>();
    Set<Path> orphanedByKills = ConcurrentHashMap.newKeySet();

    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 1);
    try {
      List<Future<?>> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int clientNo = c;
        clients.add(pool.submit(() -> {
          for (int i = 0; i < MIN_BATCHES || killing.get(); i++) {
            Batch batch = batch(clientNo, i, series);
            sent.put(batch.id(), batch);
            acks.put(batch.id(), client.sendUntilAcknowledged(batch.id(), BulkClient.ndjson(batch.points()), deadline,
                failedAttempts::incrementAndGet));
          }
          return null;
        }));
      }
      Future<Integer> killer = pool.submit(() -> {
        SplittableRandom random = new SplittableRandom(14);
        ManagedProcess crawler = stack.process("crawler-write-api");
        try (Warehouse warehouse = new Warehouse(stack)) {
          for (int k = 0; k < KILLS; k++) {
            // Progress between kills: the restarted process acknowledges a batch first (else every
            // kill would strike the retries of the same batches).
            int acknowledged = acks.size();
            await(deadline, () -> "a batch acknowledged after restart " + acks.size(), () -> acks.size() > acknowledged);
            if (k % 2 == 0) {
              // Inside a commit: once a new data file appears (an upload's or a compaction's, written
              // and about to be committed), a random 0-40 ms later: before or after its commit.
              awaitNewDataFile(deadline);
              Thread.sleep(random.nextLong(0, 40));
            } else {
              // A random moment within the uploads: the fault schedule, not a wait for anything.
              Thread.sleep(random.nextLong(300, 3_000));
            }
            crawler.kill();
            // Nothing of the dead process is in flight: what is unreferenced now, the kill orphaned.
            for (TableIdentifier table : Warehouse.TABLES) {
              orphanedByKills.addAll(warehouse.unreferencedFiles(table));
            }
            stack.restart("crawler-write-api");
          }
          return KILLS;
        } finally {
          killing.set(false);
        }
      });
      assertThat(killer.get(Sizes.pick(10, 45), TimeUnit.MINUTES)).isEqualTo(KILLS);
      for (Future<?> f : clients) {
        f.get(Duration.between(Instant.now(), deadline).toSeconds() + 1, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    // Every batch acknowledged as fully committed, as the first attempt would have answered.
    assertThat(acks.keySet()).isEqualTo(sent.keySet());
    acks.forEach((id, ack) -> {
      JsonNode result = ack.result();
      assertThat(result.path("status").asString()).as(id).isEqualTo("COMMITTED");
      assertThat(result.path("summary").path("successful").asInt()).as(id).isEqualTo(POINTS);
      assertThat(result.path("errors").isEmpty()).as(id).isTrue();
    });
    long retried = acks.values().stream().filter(a -> a.attempts() > 1).count();

    // Point for point through the gateway: each series holds exactly what the batches sent.
    Map<Long, Map<String, String>> expected = new HashMap<>();
    for (Batch batch : sent.values()) {
      for (BulkClient.Point p : batch.points()) {
        String previous = expected.computeIfAbsent(p.seriesId(), id -> new TreeMap<>()).put(p.date(), p.value());
        assertThat(previous).as("the test's batches write distinct keys").isNull();
      }
    }
    for (long id : series) {
      assertThat(new TreeMap<>(Stacks.readSeries(gateway, id))).as("series " + id)
          .isEqualTo(expected.getOrDefault(id, Map.of()));
    }

    try (Warehouse warehouse = new Warehouse(stack)) {
      // Exactly once: one archive row per batch, one commit per batch and table, every point's row.
      Map<String, Integer> archived = warehouse.archiveRowsByBatch();
      Map<String, Integer> rows = warehouse.observationRowsByBatch();
      Map<String, Integer> archiveCommits = warehouse.commitsByBatch(Warehouse.RAW_BATCHES);
      Map<String, Integer> observationCommits = warehouse.commitsByBatch(Warehouse.OBSERVATIONS);
      for (String id : sent.keySet()) {
        assertThat(archived.get(id)).as("archive rows of " + id).isEqualTo(1);
        assertThat(archiveCommits.get(id)).as("archive commits of " + id).isEqualTo(1);
        assertThat(observationCommits.get(id)).as("observation commits of " + id).isEqualTo(1);
        assertThat(rows.get(id)).as("observation rows of " + id).isEqualTo(POINTS);
      }
      assertThat(archived.keySet()).containsExactlyInAnyOrderElementsOf(sent.keySet());

      for (TableIdentifier table : Warehouse.TABLES) {
        assertThat(warehouse.currentSnapshotProblems(table)).as(table.toString()).isEmpty();
      }

      // Files the kills left behind (written, never committed) go once older than the orphan age.
      Instant orphanDeadline = Instant.now().plus(ORPHAN_AGE.multipliedBy(4)).plusSeconds(30);
      await(orphanDeadline, () -> "files orphaned by the kills removed; left: " + existing(orphanedByKills),
          () -> existing(orphanedByKills).isEmpty());
      int orphans = orphanedByKills.size();
      for (TableIdentifier table : Warehouse.TABLES) {
        assertThat(warehouse.currentSnapshotProblems(table)).as(table + " after orphan removal").isEmpty();
      }
      List<String> takeovers;
      try (var lines = Files.lines(stack.process("crawler-write-api").log())) {
        takeovers = lines.filter(l -> l.contains("was left unfinished; completing it")).toList();
      }
      long partial = takeovers.stream().filter(l -> !l.contains("already committed to: [])")).count();
      System.out.printf("CrashRetryTest: %d kills, %d batches of %d points (%d points), %d acknowledged after"
              + " a retry, %d failed attempts, %d take-overs of a dead process's batch (%d after one of its two"
              + " commits), %d files orphaned by the kills (all removed), nothing lost%n",
          KILLS, sent.size(), POINTS, (long) sent.size() * POINTS, retried, failedAttempts.get(), takeovers.size(),
          partial, orphans);
    }
  }

  /** Batch {@code i} of client {@code c}: its own dates of one of the client's series, values from (c, i, k). */
  private static Batch batch(int c, int i, List<Long> series) {
    long seriesId = series.get(c * SERIES_PER_CLIENT + i % SERIES_PER_CLIENT);
    LocalDate start = FIRST_DATE.plusDays((long) (i / SERIES_PER_CLIENT) * POINTS);
    List<BulkClient.Point> points = new ArrayList<>(POINTS);
    for (int k = 0; k < POINTS; k++) {
      String date = start.plusDays(k).toString();
      // Integers below 2^53: exact as the Float values `data` answers with.
      long value = (long) c * 1_000_000_000L + (long) i * 100_000L + k;
      points.add(new BulkClient.Point(seriesId, date, Long.toString(value), date));
    }
    return new Batch("crash-c" + c + "-b" + i, points);
  }

  private static List<Path> existing(Set<Path> files) {
    return files.stream().filter(Files::exists).toList();
  }

  /** Waits until a data file appears that was not there when called (polling the table folders). */
  private static void awaitNewDataFile(Instant deadline) throws Exception {
    List<Path> folders = List.of(stack.runDir().resolve("warehouse/almanac/observations/data"),
        stack.runDir().resolve("warehouse/almanac_raw/raw_batches/data"));
    Set<Path> known = dataFiles(folders);
    while (known.containsAll(dataFiles(folders))) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("No new data file by " + deadline);
      }
      Thread.sleep(2); // polling interval of the condition
    }
  }

  private static Set<Path> dataFiles(List<Path> folders) throws java.io.IOException {
    Set<Path> files = new java.util.HashSet<>();
    for (Path folder : folders) {
      if (Files.isDirectory(folder)) {
        try (var list = Files.list(folder)) {
          list.filter(f -> f.getFileName().toString().endsWith(".parquet")).forEach(files::add);
        }
      }
    }
    return files;
  }

  private static void await(Instant deadline, java.util.function.Supplier<String> what,
      java.util.function.BooleanSupplier condition) throws InterruptedException {
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("Not true by " + deadline + ": " + what.get());
      }
      Thread.sleep(250); // polling interval of a condition with a deadline
    }
  }
}
