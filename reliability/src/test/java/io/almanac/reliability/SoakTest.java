package io.almanac.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.LocalStack;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A bounded mixed load on a stack of its own: readers through the gateway ({@code data} over a year,
 * {@code latest}, {@code searchSeries}) and one writer of bulk uploads with batch ids (alternately the
 * GraphQL mutation through the gateway and NDJSON over HTTP to the crawler API), for 45 s in the normal
 * test run and 10 minutes in the long one. Reports errors (there must be none), latency percentiles per
 * time slice, each subgraph's heap after a full GC at start and end (a growth bound is asserted in the long
 * run only), and reconciles counts: points acknowledged = points readable = points archived as accepted.
 * The report goes to System.out and {@code target/soak-report.md}.
 */
class SoakTest {

  private static final Duration DURATION = Sizes.LONG ? Duration.ofMinutes(10) : Duration.ofSeconds(45);
  private static final Duration SLICE = Sizes.LONG ? Duration.ofMinutes(1) : Duration.ofSeconds(5);
  private static final int SERIES = 8;
  private static final int POINTS_PER_BATCH = 250;
  /** Pacing of the load (not synchronization): about 4 uploads a second, 2 readers with a short pause. */
  private static final long WRITE_EVERY_MS = 250;
  private static final long READ_PAUSE_MS = 20;
  private static final int READERS = 2;
  private static final LocalDate FIRST_DATE = LocalDate.of(1900, 1, 1);
  private static final List<String> SUBGRAPHS = List.of("financial-subgraph", "crawler-write-api", "user-subgraph");

  private record Sample(long atNanos, String kind, long micros) {}

  private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
  private final AtomicLong errorCount = new AtomicLong();
  /** Acknowledged batches: id to points the answer called successful. */
  private final Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
  private final AtomicLong pointsSent = new AtomicLong();

  private LocalStack stack;
  private StackHttp gateway;
  private final List<String> seriesIds = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void aMixedLoadHasNoErrorsAndLosesNoPoint() throws Exception {
    stack = StackHttp.startStack("soak", Map.of());
    try {
      run();
    } finally {
      stack.close();
    }
  }

  private void run() throws Exception {
    gateway = new StackHttp(stack.gateway(), stack.adminAuthorization());
    String provider = gateway.data("mutation { createProvider(input: {name: \"Soak Bureau\", type: API}) { id } }",
        Map.of()).path("createProvider").path("id").asString();
    List<Map<String, Object>> inputs = new ArrayList<>();
    for (int s = 0; s < SERIES; s++) {
      inputs.add(Map.of("providerId", provider, "externalId", "SOAK-" + s, "title", "Soak series " + s,
          "frequency", "DAILY"));
    }
    gateway.data("mutation($in: [SeriesInput!]!) { upsertSeries(input: $in) { series { id } } }", Map.of("in", inputs))
        .path("upsertSeries").path("series").forEach(s -> seriesIds.add(s.path("id").asString()));
    assertThat(seriesIds).hasSize(SERIES);

    Map<String, Long> heapStart = heapAfterGc();
    long started = System.nanoTime();
    long end = started + DURATION.toNanos();
    List<Thread> threads = new ArrayList<>();
    threads.add(new Thread(() -> write(end), "soak-writer"));
    for (int r = 0; r < READERS; r++) {
      threads.add(new Thread(() -> read(end), "soak-reader-" + r));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join(DURATION.plusMinutes(5).toMillis());
      assertThat(thread.isAlive()).as(thread.getName() + " finished").isFalse();
    }
    Duration ran = Duration.ofNanos(System.nanoTime() - started);
    Map<String, Long> heapEnd = heapAfterGc();

    long acked = acknowledged.values().stream().mapToLong(Integer::longValue).sum();
    long readable = readablePoints();
    long archived = archivedAccepted();
    String report = report(ran, heapStart, heapEnd, acked, readable, archived);
    System.out.println(report);
    Files.writeString(Files.createDirectories(Path.of("target")).resolve("soak-report.md"), report);

    assertThat(errors).as("errors during the soak (" + errorCount.get() + ")").isEmpty();
    assertThat(acked).as("every point sent was acknowledged").isEqualTo(pointsSent.get());
    assertThat(readable).as("points readable = points acknowledged").isEqualTo(acked);
    assertThat(archived).as("points archived as accepted = points acknowledged").isEqualTo(acked);
    if (Sizes.LONG) {
      for (String name : SUBGRAPHS) {
        // Generous: the financial cache legitimately grows with the data written (about 24 bytes a row).
        assertThat(heapEnd.get(name)).as(name + " heap after GC at the end, MB")
            .isLessThanOrEqualTo(2 * heapStart.get(name) + 256);
      }
    }
  }

  private void write(long end) {
    for (int batch = 0; System.nanoTime() < end; batch++) {
      long due = System.nanoTime() + WRITE_EVERY_MS * 1_000_000;
      String batchId = "soak-" + batch;
      int series = batch % SERIES;
      LocalDate from = FIRST_DATE.plusDays((long) (batch / SERIES) * POINTS_PER_BATCH);
      pointsSent.addAndGet(POINTS_PER_BATCH);
      long t0 = System.nanoTime();
      try {
        JsonNode result = batch % 2 == 0 ? uploadGraphql(batchId, seriesIds.get(series), from, batch)
            : uploadHttp(batchId, seriesIds.get(series), from, batch);
        samples.add(new Sample(t0, batch % 2 == 0 ? "write-graphql" : "write-http", (System.nanoTime() - t0) / 1000));
        if (result != null && "COMMITTED".equals(result.path("status").asString())) {
          acknowledged.put(batchId, result.path("summary").path("successful").asInt());
        } else {
          error("upload " + batchId + ": " + result);
        }
      } catch (RuntimeException e) {
        error("upload " + batchId + ": " + e.getMessage());
      }
      pause(due);
    }
  }

  private static BigDecimal value(int batch, int index) {
    return BigDecimal.valueOf(batch * 1000L + index, 2);
  }

  private JsonNode uploadGraphql(String batchId, String seriesId, LocalDate from, int batch) {
    List<Map<String, Object>> points = new ArrayList<>();
    for (int i = 0; i < POINTS_PER_BATCH; i++) {
      points.add(Map.of("seriesId", seriesId, "date", from.plusDays(i).toString(),
          "value", value(batch, i).toPlainString(), "revisionDate", "2024-01-01"));
    }
    StackHttp.Answer answer = gateway.graphql("""
        mutation($input: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $input) {
          batchId status summary { successful failed } } }""",
        Map.of("input", Map.of("batchId", batchId, "points", points)));
    if (!answer.ok()) {
      error("upload " + batchId + ": HTTP " + answer.status() + " " + answer.body());
      return null;
    }
    return answer.data().path("bulkUpsertDataPoints");
  }

  private JsonNode uploadHttp(String batchId, String seriesId, LocalDate from, int batch) {
    StringBuilder ndjson = new StringBuilder();
    for (int i = 0; i < POINTS_PER_BATCH; i++) {
      ndjson.append("{\"seriesId\":\"").append(seriesId).append("\",\"date\":\"").append(from.plusDays(i))
          .append("\",\"value\":\"").append(value(batch, i).toPlainString())
          .append("\",\"revisionDate\":\"2024-01-01\"}\n");
    }
    URI uri = stack.crawler().resolve("/bulk/points?batchId=" + batchId);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
        .header("Authorization", stack.adminAuthorization())
        .header("Content-Type", "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofString(ndjson.toString())).build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        error("upload " + batchId + ": HTTP " + response.statusCode() + " " + response.body());
        return null;
      }
      return StackHttp.JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException(e.toString(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private void read(long end) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (System.nanoTime() < end) {
      String id = seriesIds.get(random.nextInt(SERIES));
      int kind = random.nextInt(3);
      long t0 = System.nanoTime();
      StackHttp.Answer answer;
      String name;
      try {
        switch (kind) {
          case 0 -> {
            name = "read-data";
            LocalDate from = FIRST_DATE.plusDays(random.nextInt(3650));
            answer = gateway.graphql("query($id: ID!, $from: Date, $to: Date) { series(id: $id) { "
                + "data(from: $from, to: $to) { count dates values } } }",
                Map.of("id", id, "from", from.toString(), "to", from.plusYears(1).toString()));
          }
          case 1 -> {
            name = "read-latest";
            answer = gateway.graphql("query($id: ID!) { series(id: $id) { title latest { date value } } }",
                Map.of("id", id));
          }
          default -> {
            name = "read-search";
            answer = gateway.graphql("{ searchSeries(query: \"soak\", first: 20) { nodes { id title } } }");
          }
        }
        samples.add(new Sample(t0, name, (System.nanoTime() - t0) / 1000));
        if (!answer.ok()) {
          error(name + ": HTTP " + answer.status() + " " + answer.body());
        }
      } catch (RuntimeException e) {
        error("read: " + e.getMessage());
      }
      pause(System.nanoTime() + READ_PAUSE_MS * 1_000_000);
    }
  }

  private void error(String message) {
    if (errorCount.incrementAndGet() <= 20) {
      errors.add(message.length() > 500 ? message.substring(0, 500) + "..." : message);
    }
  }

  /** Load pacing: waits until {@code dueNanos}. */
  private static void pause(long dueNanos) {
    long wait = dueNanos - System.nanoTime();
    if (wait > 0) {
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Sum over the series of the points their latest view holds (every point written has its own date). */
  private long readablePoints() {
    long total = 0;
    for (String id : seriesIds) {
      total += gateway.data("query($id: ID!) { series(id: $id) { data { count } } }", Map.of("id", id))
          .path("series").path("data").path("count").asLong();
    }
    return total;
  }

  /** Points without an error in the raw archive's acknowledged batches (each batch read back by its id). */
  private long archivedAccepted() {
    long total = 0;
    for (String batchId : acknowledged.keySet()) {
      JsonNode batch = gateway.data("query($b: ID!) { archivedBatch(batchId: $b) { status points { errorCode } } }",
          Map.of("b", batchId)).path("archivedBatch");
      if (!"COMMITTED".equals(batch.path("status").asString())) {
        errors.add("archived batch " + batchId + ": " + batch);
        continue;
      }
      for (JsonNode point : batch.path("points")) {
        if (point.path("errorCode").isNull() || point.path("errorCode").isMissingNode()) {
          total++;
        }
      }
    }
    return total;
  }

  /** Each subgraph's used heap in MB right after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}). */
  private Map<String, Long> heapAfterGc() throws IOException, InterruptedException {
    Map<String, Long> heap = new LinkedHashMap<>();
    for (String name : SUBGRAPHS) {
      long pid = stack.process(name).pid();
      jcmd(pid, "GC.run");
      String info = jcmd(pid, "GC.heap_info");
      Matcher used = Pattern.compile("used (\\d+)K").matcher(info);
      assertThat(used.find()).as("heap info of " + name + ": " + info).isTrue();
      heap.put(name, Long.parseLong(used.group(1)) / 1024);
    }
    return heap;
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
    Path jcmd = java.resolveSibling("jcmd");
    Process process = new ProcessBuilder(Files.exists(jcmd) ? jcmd.toString() : "jcmd", String.valueOf(pid), command)
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as("jcmd " + pid + " " + command + ": " + output).isZero();
    return output;
  }

  private String report(Duration ran, Map<String, Long> heapStart, Map<String, Long> heapEnd, long acked,
      long readable, long archived) {
    List<Sample> all = new ArrayList<>(samples);
    long first = all.stream().mapToLong(Sample::atNanos).min().orElse(0);
    StringBuilder out = new StringBuilder();
    out.append(String.format("## Soak (%s): %d s, %d readers + 1 writer%n%n", Sizes.LONG ? "long" : "quick",
        ran.toSeconds(), READERS));
    long reads = all.stream().filter(s -> s.kind().startsWith("read")).count();
    long writes = all.size() - reads;
    out.append(String.format("Requests: %d reads, %d uploads of %d points (%d points); errors: %d%n",
        reads, writes, POINTS_PER_BATCH, pointsSent.get(), errorCount.get()));
    errors.forEach(e -> out.append("  error: ").append(e).append('\n'));
    out.append(String.format("Points acknowledged %d, readable %d, archived as accepted %d%n", acked, readable,
        archived));
    out.append("Heap after full GC, MB (start -> end):");
    for (String name : SUBGRAPHS) {
      out.append(String.format(" %s %d -> %d;", name, heapStart.get(name), heapEnd.get(name)));
    }
    out.append("\n\n| slice (s) | kind | requests | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|---|---|\n");
    long slices = Math.max(1, (ran.toNanos() + SLICE.toNanos() - 1) / SLICE.toNanos());
    for (long slice = 0; slice < slices; slice++) {
      long from = first + slice * SLICE.toNanos();
      long to = from + SLICE.toNanos();
      for (String kind : List.of("read", "write")) {
        List<Long> micros = new ArrayList<>();
        for (Sample s : all) {
          if (s.atNanos() >= from && s.atNanos() < to && s.kind().startsWith(kind)) {
            micros.add(s.micros());
          }
        }
        if (micros.isEmpty()) {
          continue;
        }
        Collections.sort(micros);
        out.append(String.format("| %d-%d | %s | %d | %.1f | %.1f | %.1f |%n", slice * SLICE.toSeconds(),
            (slice + 1) * SLICE.toSeconds(), kind, micros.size(), percentile(micros, 50), percentile(micros, 95),
            percentile(micros, 99)));
      }
    }
    return out.toString();
  }

  /** Nearest-rank percentile of sorted microseconds, in milliseconds. */
  private static double percentile(List<Long> sortedMicros, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sortedMicros.size());
    return sortedMicros.get(Math.max(0, rank - 1)) / 1000.0;
  }
}
