package io.almanac.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.GraphQLClient;
import io.almanac.local.LocalStack;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 6: two crawler-write-api processes on one database and warehouse, each with a client
 * uploading batches to the same series with overlapping dates for a bounded time, while both
 * processes' maintenance compacts the same tables. Asserts: every upload acknowledged on its first
 * attempt (commit conflicts between the processes never reach a client); the order in which batches
 * were committed (the sequence numbers of the snapshots carrying them) agrees with real time (a batch
 * acknowledged before another was sent committed first) and with the rows' {@code ingested_at}; and
 * the final state read through the gateway equals a single-writer replay of the acknowledged batches
 * in that order, point for point (of two writes of a key, the later committed wins).
 */
class ConcurrentWritersTest {

  private static final int SERIES = 3;
  private static final int DAYS = 2_000;
  private static final int POINTS = 400;
  private static final Duration LOAD = Duration.ofSeconds(Sizes.pick(25, 300));
  private static final LocalDate FIRST_DATE = LocalDate.of(2000, 1, 1);
  private static final Pattern ABANDONED = Pattern.compile("Compaction of \\w+ abandoned");

  private static LocalStack stack;
  private static GraphQLClient gateway;
  private static LocalStack.Instance second;

  @BeforeAll
  static void start() throws Exception {
    stack = Stacks.start("concurrent-writers", Map.of(
        // Both processes compact small files every second, at the same time as the uploads.
        "ALMANAC_MAINTENANCE_INTERVAL", "1s",
        "ALMANAC_MAINTENANCE_QUIET_PERIOD", "2s",
        "ALMANAC_MAINTENANCE_MIN_FILES_TO_MERGE", "2",
        // Every snapshot kept: the test reads the commit order from them.
        "ALMANAC_MAINTENANCE_SNAPSHOT_RETENTION", "1d",
        "ALMANAC_MAINTENANCE_MAX_SNAPSHOTS", "1000000"));
    gateway = new GraphQLClient(stack.gateway(), stack.adminAuthorization());
    second = stack.startAnother("crawler-write-api");
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  /** A batch as sent, and when: sent before the first attempt, acknowledged after the answer. */
  private record Sent(String id, int client, List<BulkClient.Point> points, Instant sent, Instant acknowledged) {}

  @Test
  void finalStateIsASingleWriterReplayOfTheAcknowledgedBatchesInCommitOrder() throws Exception {
    List<Long> series = Stacks.createSeries(gateway, "concurrent", SERIES);
    List<BulkClient> clients = List.of(
        new BulkClient(stack.crawler(), stack.adminAuthorization()),
        new BulkClient(second.graphql(), stack.adminAuthorization()));
    Instant end = Instant.now().plus(LOAD);
    Instant deadline = end.plus(Duration.ofMinutes(2));
    AtomicInteger failedAttempts = new AtomicInteger();
    Map<String, Sent> acknowledged = new ConcurrentHashMap<>();

    ExecutorService pool = Executors.newFixedThreadPool(clients.size());
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < clients.size(); c++) {
        int clientNo = c;
        running.add(pool.submit(() -> {
          SplittableRandom random = new SplittableRandom(1400 + clientNo);
          for (int i = 0; Instant.now().isBefore(end); i++) {
            String id = "cw-c" + clientNo + "-b" + i;
            List<BulkClient.Point> points = points(clientNo, i, series, random);
            Instant sent = Instant.now();
            BulkClient.Ack ack = clients.get(clientNo).sendUntilAcknowledged(id, BulkClient.ndjson(points), deadline,
                failedAttempts::incrementAndGet);
            assertThat(ack.result().path("status").asString()).as(id).isEqualTo("COMMITTED");
            acknowledged.put(id, new Sent(id, clientNo, points, sent, ack.acknowledged()));
          }
          return null;
        }));
      }
      for (Future<?> f : running) {
        f.get(LOAD.plusMinutes(3).toSeconds(), TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(failedAttempts.get()).as("attempts answered with an error").isZero();
    assertThat(acknowledged.values().stream().map(Sent::client).distinct().count()).isEqualTo(2);

    try (Warehouse warehouse = new Warehouse(stack)) {
      Map<String, Long> commitOrder = warehouse.commitSequenceByBatch(Warehouse.OBSERVATIONS);
      Map<String, Integer> commits = warehouse.commitsByBatch(Warehouse.OBSERVATIONS);
      for (String id : acknowledged.keySet()) {
        assertThat(commits.get(id)).as("commits of " + id).isEqualTo(1);
      }
      List<Sent> byCommit = new ArrayList<>(acknowledged.values());
      byCommit.sort(Comparator.comparing((Sent s) -> commitOrder.get(s.id())));

      // Real time: acknowledged before another was sent => committed before it.
      for (Sent a : byCommit) {
        for (Sent b : byCommit) {
          if (a.acknowledged().isBefore(b.sent())) {
            assertThat(commitOrder.get(a.id())).as(a.id() + " acknowledged before " + b.id() + " was sent")
                .isLessThan(commitOrder.get(b.id()));
          }
        }
      }
      // The rows' ingestion stamps (which decide the winner of a key) follow the commit order.
      Map<String, Long> stamps = warehouse.ingestedAtByBatch();
      long previous = Long.MIN_VALUE;
      for (Sent s : byCommit) {
        Long stamp = stamps.get(s.id());
        if (stamp != null) {
          assertThat(stamp).as("ingested_at of " + s.id() + " in commit order").isGreaterThan(previous);
          previous = stamp;
        }
      }

      // Single-writer replay in commit order, compared point for point through the gateway.
      Map<Long, Map<String, String>> expected = new HashMap<>();
      for (Sent s : byCommit) {
        for (BulkClient.Point p : s.points()) {
          expected.computeIfAbsent(p.seriesId(), id -> new TreeMap<>()).put(p.date(), p.value());
        }
      }
      for (long id : series) {
        assertThat(new TreeMap<>(Stacks.readSeries(gateway, id))).as("series " + id)
            .isEqualTo(expected.getOrDefault(id, Map.of()));
      }
      for (TableIdentifier table : Warehouse.TABLES) {
        assertThat(warehouse.currentSnapshotProblems(table)).as(table.toString()).isEmpty();
      }
    }
    System.out.printf("ConcurrentWritersTest: %d batches of %d points in %d s from two processes, 0 errors;"
            + " commits re-stamped after a conflict: %d; compactions abandoned to the other process: %d%n",
        acknowledged.size(), POINTS, LOAD.toSeconds(), count("re-stamped"), count(ABANDONED.pattern()));
  }

  /** Points on one of the shared series, overlapping other batches' dates, values unique to (client, batch, k). */
  private static List<BulkClient.Point> points(int client, int batch, List<Long> series, SplittableRandom random) {
    long seriesId = series.get(random.nextInt(series.size()));
    int first = random.nextInt(DAYS - POINTS);
    List<BulkClient.Point> points = new ArrayList<>(POINTS);
    for (int k = 0; k < POINTS; k++) {
      String date = FIRST_DATE.plusDays(first + k).toString();
      long value = (long) client * 1_000_000_000_000L + (long) batch * 1_000L + k;
      points.add(new BulkClient.Point(seriesId, date, Long.toString(value), date));
    }
    return points;
  }

  /** Lines matching {@code regex} in both crawler processes' logs. */
  private static long count(String regex) throws IOException {
    Pattern pattern = Pattern.compile(regex);
    long n = 0;
    for (var process : List.of(stack.process("crawler-write-api"), second.process())) {
      try (var lines = Files.lines(process.log())) {
        n += lines.filter(l -> pattern.matcher(l).find()).count();
      }
    }
    return n;
  }
}
