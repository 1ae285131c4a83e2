package io.almanac.bench;

import io.almanac.local.LocalStack;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * A focused ingest loop for profiling crawler-write-api (issue 18, item 4), without the baseline or the
 * reads: starts Almanac alone (LocalStack), registers daily series, then runs rounds of W1-style uploads
 * (10,000-point {@code bulkUpsertDataPoints} batches, 4 clients) and W2-style uploads (100,000-point Arrow
 * streams to {@code POST /bulk/points}, one client), and, with {@code --small-batches}, T2-style uploads
 * (100-point {@code bulkUpsertDataPoints} batches from 16 clients at once), printing points/s per phase and
 * round and the crawler's CPU per 100,000 points (per upload for the small batches). Every round writes a
 * new revision date, so each upload adds rows (as the benchmark's load does).
 *
 * <pre>
 * java --add-opens=java.base/java.nio=ALL-UNNAMED -cp bench/target/classes:$(cat bench/target/classpath.txt) \
 *   -Dalmanac.home=$PWD io.almanac.bench.IngestLoop \
 *   [--rounds 4] [--series 400] [--w1-batches 20] [--w2-batches 3] [--small-batches 0] [--jfr FILE] [--strace FILE]
 * </pre>
 *
 * {@code --jfr} records the crawler's JVM (JFR, profile settings) over the measured rounds (after the first);
 * {@code --strace} traces the crawler's {@code execve}/{@code clone} calls over the same rounds (slows it:
 * use it for counting forks, not for throughput).
 */
public final class IngestLoop {

  private static final int DAYS = 2_520;
  private static final int W1_BATCH = 10_000;
  private static final int W2_BATCH = 100_000;
  private static final int CLIENTS = 4;
  private static final int SMALL_BATCH = 100;
  private static final int SMALL_CLIENTS = 16;

  private IngestLoop() {}

  public static void main(String[] args) throws Exception {
    int rounds = 4;
    int seriesCount = 400;
    int w1Batches = 20;
    int w2Batches = 3;
    int smallBatches = 0;
    Path jfr = null;
    Path strace = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--series" -> seriesCount = Integer.parseInt(args[++i]);
        case "--w1-batches" -> w1Batches = Integer.parseInt(args[++i]);
        case "--w2-batches" -> w2Batches = Integer.parseInt(args[++i]);
        case "--small-batches" -> smallBatches = Integer.parseInt(args[++i]);
        case "--jfr" -> jfr = Path.of(args[++i]).toAbsolutePath();
        case "--strace" -> strace = Path.of(args[++i]).toAbsolutePath();
        default -> throw new IllegalArgumentException("Unknown argument " + args[i]);
      }
    }
    Path home = Path.of(System.getProperty("almanac.home", ".")).toAbsolutePath().normalize();
    Path runDir = home.resolve("bench/target/ingest-loop");
    Files.createDirectories(runDir);
    ExecutorService clients = Executors.newFixedThreadPool(SMALL_CLIENTS);
    try (LocalStack stack = LocalStack.start(new LocalStack.Options(home, runDir, null, null, null, 0, 0, 0, 0,
        false, Map.of()))) {
      Http http = new Http(stack.adminAuthorization());
      URI crawler = stack.crawler();
      long pid = stack.process("crawler-write-api").pid();
      String[] ids = register(http, crawler, seriesCount);
      System.out.printf("crawler pid %d, %d series registered, warehouse %s%n", pid, ids.length,
          runDir.resolve("warehouse"));
      Process tracer = null;
      int seriesCursor = 0;
      for (int round = 0; round < rounds; round++) {
        if (round == 1 && jfr != null) {
          jcmd(pid, "JFR.start", "name=ingest", "settings=profile", "filename=" + jfr);
        }
        if (round == 1 && strace != null) {
          tracer = new ProcessBuilder("strace", "-f", "-qq", "-e", "trace=execve,clone,clone3,vfork,fork", "-o",
              strace.toString(), "-p", Long.toString(pid)).redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
          Thread.sleep(1000); // strace attaches to every thread before it traces
        }
        LocalDate revision = LocalDate.of(2025, 1, 1).plusDays(round);
        // W1: 10,000-point GraphQL batches, 4 clients.
        List<byte[]> bodies = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (int b = 0; b < w1Batches; b++) {
          List<long[]> points = new ArrayList<>();
          List<String> values = new ArrayList<>();
          seriesCursor = fill(ids.length, seriesCursor, W1_BATCH, round, points, values);
          bodies.add(BatchIterator.body("loop-w1-" + round + "-" + b, points, values, revision, ids));
          sizes.add(points.size());
        }
        long cpu0 = cpuMillis(pid);
        long start = System.nanoTime();
        List<Future<Http.Response>> futures = new ArrayList<>();
        java.util.concurrent.Semaphore w1Clients = new java.util.concurrent.Semaphore(CLIENTS);
        for (byte[] body : bodies) {
          futures.add(clients.submit(() -> {
            w1Clients.acquire();
            try {
              return http.graphql(crawler, body);
            } finally {
              w1Clients.release();
            }
          }));
        }
        long points1 = 0;
        for (int i = 0; i < futures.size(); i++) {
          JsonNode result = futures.get(i).get().data(crawler).path("bulkUpsertDataPoints");
          if (!"COMMITTED".equals(result.path("status").asString())
              || result.path("summary").path("successful").asInt() != sizes.get(i)) {
            throw new IllegalStateException("W1 batch not committed: " + result);
          }
          points1 += sizes.get(i);
        }
        double w1 = points1 == 0 ? 0 : points1 / ((System.nanoTime() - start) / 1e9);
        long cpu1 = cpuMillis(pid);
        // W2: 100,000-point Arrow streams, one client.
        long points2 = 0;
        long nanos2 = 0;
        for (int b = 0; b < w2Batches; b++) {
          List<long[]> points = new ArrayList<>();
          List<String> values = new ArrayList<>();
          seriesCursor = fill(ids.length, seriesCursor, W2_BATCH, round, points, values);
          byte[] arrow = ArrowBatch.encode(points, values, revision, ids);
          Http.Response r = http.post(URI.create(crawler.resolve("/bulk/points") + "?batchId=loop-w2-" + round + "-" + b),
              ArrowBatch.CONTENT_TYPE, arrow);
          if (r.status() != 200 || !"COMMITTED".equals(r.json().path("status").asString())
              || r.json().path("summary").path("successful").asInt() != points.size()) {
            throw new IllegalStateException("W2 batch not committed: HTTP " + r.status() + " " + Http.abbreviate(r.text()));
          }
          points2 += points.size();
          nanos2 += r.nanos();
        }
        double w2 = nanos2 == 0 ? 0 : points2 / (nanos2 / 1e9);
        long cpu2 = cpuMillis(pid);
        // T2-style: 100-point GraphQL batches from 16 clients at once, one series each in turn.
        List<byte[]> small = new ArrayList<>();
        for (int b = 0; b < smallBatches; b++) {
          List<long[]> points = new ArrayList<>();
          List<String> values = new ArrayList<>();
          long first = LocalDate.of(2015, 1, 1).toEpochDay() + (long) (b / ids.length) * SMALL_BATCH;
          for (int d = 0; d < SMALL_BATCH; d++) {
            points.add(new long[] {b % ids.length, first + d});
            values.add((b * 7L + d + round) % 10_000 + ".5");
          }
          small.add(BatchIterator.body("loop-small-" + round + "-" + b, points, values, revision, ids));
        }
        long smallStart = System.nanoTime();
        List<Future<Http.Response>> smallFutures = new ArrayList<>();
        for (byte[] body : small) {
          smallFutures.add(clients.submit(() -> http.graphql(crawler, body)));
        }
        for (Future<Http.Response> f : smallFutures) {
          JsonNode result = f.get().data(crawler).path("bulkUpsertDataPoints");
          if (!"COMMITTED".equals(result.path("status").asString())) {
            throw new IllegalStateException("Small batch not committed: " + result);
          }
        }
        double smallSeconds = (System.nanoTime() - smallStart) / 1e9;
        long cpu3 = cpuMillis(pid);
        // The crawler's CPU per 100,000 points: steadier than points/s on a shared machine.
        System.out.printf("round %d%s: W1 %,.0f pts/s (%,d points, crawler CPU %,d ms per 100k), W2 %,.0f pts/s"
            + " (%d x %,d, crawler CPU %,d ms per 100k)%s, load %s%n", round, round == 0 ? " (warm-up)" : "", w1, points1,
            (cpu1 - cpu0) * 100_000 / Math.max(1, points1), w2, w2Batches, W2_BATCH,
            (cpu2 - cpu1) * 100_000 / Math.max(1, points2),
            smallBatches == 0 ? "" : String.format(", small %,.0f uploads/s (%d x %d, crawler CPU %.1f ms per upload)",
                smallBatches / smallSeconds, smallBatches, SMALL_BATCH, (cpu3 - cpu2) / (double) smallBatches),
            loadAverage());
      }
      if (jfr != null) {
        jcmd(pid, "JFR.stop", "name=ingest");
        System.out.println("JFR: " + jfr);
      }
      if (tracer != null) {
        tracer.destroy();
        tracer.waitFor();
        System.out.println("strace: " + strace);
      }
      try (Stream<Path> files = Files.walk(runDir.resolve("warehouse"))) {
        long crc = files.filter(p -> p.getFileName().toString().endsWith(".crc")).count();
        System.out.println("checksum (.crc) files in the warehouse: " + crc);
      }
    } finally {
      clients.shutdownNow();
    }
  }

  /** Points of consecutive series (all 2,520 days of each) from {@code cursor}; values vary by round. */
  private static int fill(int series, int cursor, int count, int round, List<long[]> points, List<String> values) {
    long first = LocalDate.of(2015, 1, 1).toEpochDay();
    int s = cursor;
    while (points.size() < count) {
      int index = s++ % series;
      for (int d = 0; d < DAYS && points.size() < count; d++) {
        points.add(new long[] {index, first + d});
        values.add(((index * 31L + d * 7L + round) % 100_000) + "." + (d % 100));
      }
    }
    return s;
  }

  private static String[] register(Http http, URI crawler, int count) {
    String provider = http.data(crawler, "mutation { createProvider(input: {name: \"Loop\", type: API}) { id } }",
        Map.of()).path("createProvider").path("id").asString();
    String[] ids = new String[count];
    for (int from = 0; from < count; from += 1000) {
      int to = Math.min(count, from + 1000);
      List<Map<String, Object>> input = new ArrayList<>();
      for (int i = from; i < to; i++) {
        input.add(Map.of("providerId", provider, "externalId", "LOOP_" + i, "title", "Loop series " + i,
            "frequency", "DAILY"));
      }
      JsonNode result = http.data(crawler, "mutation($input: [SeriesInput!]!) { upsertSeries(input: $input)"
          + " { series { id } errors { index code message } } }", Map.of("input", input)).path("upsertSeries");
      for (int i = from; i < to; i++) {
        ids[i] = result.path("series").get(i - from).path("id").asString();
      }
    }
    return ids;
  }

  private static void jcmd(long pid, String... command) throws Exception {
    List<String> line = new ArrayList<>(List.of("jcmd", Long.toString(pid)));
    line.addAll(List.of(command));
    Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException("jcmd failed: " + out);
    }
  }

  /** User and system CPU time of a process so far (Linux {@code /proc}), ms; clock ticks taken as 100/s. */
  private static long cpuMillis(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    } catch (Exception e) {
      return 0;
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (Exception e) {
      return "?";
    }
  }
}
