package io.almanac.bench;

import io.almanac.local.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * T1 and T2: requests per second and latency percentiles through each side's gateway under 4, 16 and 64
 * concurrent clients (closed loop: each client sends its next request when the last one answered).
 *
 * <p>The mix (the same seeded sequence on both sides): half {@code data} reads of one of {@link #HOT}
 * series (R1/R2 style, warm), 30% {@code data} of any daily series (R3 style: cold the first time), 20%
 * {@code latest} of a {@link #WATCH}-series watchlist as one document of aliases (R5 style through the
 * gateway, whose token limit refuses R5's 1,000). T2: the same, with {@link #UPLOAD_SHARE} of the requests
 * a 100-point {@code bulkUpsertDataPoints} batch through the gateway, to daily series no read asks for.
 *
 * <p>Each concurrency level runs A, B, B, A segments of the same length; the first quarter of every
 * segment is excluded (connections and the level's queueing settle). Throughput counts the requests that
 * completed within a segment's measured window; latencies are those of the requests started in it. Every
 * response is checked (HTTP 200, no GraphQL errors, the dataset's number of points, a non-null
 * {@code latest} per alias, a committed upload); failures are the row's errors, which must be zero. The
 * first response of every read on each side is kept as a digest and compared with the other side's at the
 * end (the identical-data check). Uploads one side made and the other did not (the sides do not answer
 * the same number of requests in the same time) are then sent to the other, untimed, so both hold the
 * same data for what follows.
 *
 * <p>The CPU time of each process ({@link ProcessCpu}) over the measured windows, divided by the
 * requests, is in the note: where a request's cost goes on each side.
 */
final class Concurrency {

  static final int[] LEVELS = {4, 16, 64};
  /** The level whose ratio is the row's ratio. */
  static final int RATIO_LEVEL = 16;
  static final double TARGET = 1.2;
  static final int HOT = 20;
  static final int WATCH = 50;
  static final int UPLOAD_POINTS = 100;
  static final double UPLOAD_SHARE = 0.10;
  /** The processes a {@code -Dbench.profile} run records with JFR during its {@link #RATIO_LEVEL}-client segments. */
  private static final List<String> PROFILED = List.of("financial-subgraph", "crawler-write-api");
  static final LocalDate UPLOAD_REVISION = LocalDate.of(2025, 9, 1);

  /** One side at one level: throughput, latency percentiles (ms), errors, CPU ms per request by process. */
  record Measure(double requestsPerSecond, double p50, double p95, double p99, long requests, long errors,
      long uploads, double uploadP50, double uploadP95, Map<String, Double> cpuMsPerRequest) {}

  record Level(int clients, Measure almanac, Measure baseline) {}

  /**
   * A row's levels, for the table and the plot; {@code errors} of both sides over the whole row (warm-up
   * included), {@code staleRetries} requests sent again on a new connection.
   */
  record Result(String id, String description, List<Level> levels, double segmentSeconds, long errors,
      long staleRetries) {}

  private enum Kind { HOT_DATA, ANY_DATA, LATEST, UPLOAD }

  private record Task(Kind kind, String key, byte[] body, int expected) {}

  /** What one side's gateway answers, and the digests of its first answer per read. */
  private final class Side {
    final String name;
    final URI uri;
    final Map<String, String> digests = new ConcurrentHashMap<>();
    final AtomicInteger uploads = new AtomicInteger();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong staleRetries = new AtomicLong();
    final List<String> errorSamples = java.util.Collections.synchronizedList(new ArrayList<>());
    final Map<String, List<Long>> processes;

    /** The subgraph that answers reads whole, behind the gateway: for diagnosing a mismatch. */
    final URI direct;

    Side(String name, URI uri, URI direct, Map<String, List<Long>> processes) {
      this.name = name;
      this.uri = uri;
      this.direct = direct;
      this.processes = processes;
    }

    void error(String message) {
      errors.incrementAndGet();
      if (errorSamples.size() < 3) {
        errorSamples.add(name + ": " + Http.abbreviate(message));
      }
    }
  }

  private final Http http;
  private final LocalStack stack;
  private final BaselineStack baseline;
  private final Dataset dataset;
  private final String[] ids;
  private final Bench.Options options;
  private final IdenticalCheck.Report identical;
  private final List<String> notes;
  private final List<Result> results = new ArrayList<>();
  private final List<Integer> hot;
  private final List<Integer> readable;
  private final List<Integer> uploadSeries;
  private final List<byte[]> watchlists = new ArrayList<>();
  private final Path profileDir;
  /** JFR settings of a profile: a name ({@code profile}, {@code default}) or a .jfc file. */
  private final String profileSettings;

  Concurrency(Http http, LocalStack stack, BaselineStack baseline, Dataset dataset, String[] ids,
      Bench.Options options, IdenticalCheck.Report identical, List<String> notes) {
    this.http = http;
    this.stack = stack;
    this.baseline = baseline;
    this.dataset = dataset;
    this.ids = ids;
    this.options = options;
    this.identical = identical;
    this.notes = notes;
    List<Integer> daily = dataset.dailyIndices();
    int uploadCount = Math.max(1, Math.min(50, daily.size() / 10));
    this.readable = daily.subList(0, daily.size() - uploadCount);
    this.uploadSeries = daily.subList(daily.size() - uploadCount, daily.size());
    this.hot = readable.subList(0, Math.min(HOT, readable.size()));
    // Watchlists of WATCH series from the first 1,000 daily series (R5's), 20 different ones.
    int pool = Math.min(1000, readable.size());
    for (int w = 0; w < 20; w++) {
      StringBuilder q = new StringBuilder("query {");
      for (int i = 0; i < WATCH; i++) {
        int index = readable.get((w * WATCH + i * 7) % pool);
        q.append(" s").append(i).append(": series(id: \"").append(ids[index]).append("\") { latest { date value } }");
      }
      watchlists.add(Http.graphqlBody(q.append(" }").toString(), Map.of()));
    }
    String profile = System.getProperty("bench.profile", "");
    this.profileDir = profile.isBlank() ? null : Path.of(profile).toAbsolutePath();
    this.profileSettings = System.getProperty("bench.profile.settings", "profile");
  }

  List<Result> results() {
    return List.copyOf(results);
  }

  /** T1: reads only. */
  Row t1() {
    return row(run("T1", false));
  }

  /** T2: the reads with uploads at {@link #UPLOAD_SHARE} of the requests. */
  Row t2() {
    return row(run("T2", true));
  }

  private double segmentSeconds() {
    // 4 s a segment in the default run (A, B, B, A: 12 s measured per side and level after the excluded
    // quarters); the quick run and the test scale it down, but not below what still finishes requests.
    String override = System.getProperty("bench.concurrency.segmentSeconds", "");
    return override.isBlank() ? Math.max(0.6, 4.0 * options.effort()) : Double.parseDouble(override);
  }

  private Result run(String id, boolean uploads) {
    double segment = segmentSeconds();
    String description = (uploads ? "T1's reads with uploads (100-point batches) at 10% of requests"
        : "reads through the gateway: 50% data of " + HOT + " hot series, 30% data of any series, 20% latest of a "
            + WATCH + "-series watchlist") + "; req/s at " + RATIO_LEVEL + " clients";
    Bench.log(String.format(Locale.ROOT, "%s: %s clients, segments of %.1f s (A B B A per level) ...", id,
        java.util.Arrays.toString(LEVELS), segment));
    Side a = new Side("Almanac", stack.gateway(), stack.financial(), ProcessCpu.almanac(stack));
    Side b = new Side("baseline", baseline.gateway(), baseline.graphql(), ProcessCpu.baseline(baseline, stack));
    // Unrecorded: the watchlist document and the mix are new to both sides' JVMs and gateways.
    for (Side side : List.of(a, b)) {
      segment(id, side, 4, segment, 0, uploads, null);
    }
    List<Level> levels = new ArrayList<>();
    for (int clients : LEVELS) {
      Segments sa = new Segments();
      Segments sb = new Segments();
      boolean profile = profileDir != null && clients == RATIO_LEVEL;
      for (int s = 0; s < 4; s++) {
        boolean almanacTurn = s == 0 || s == 3;
        long seed = 31L * clients + (s < 2 ? 0 : 1);
        if (profile && s == 0) { // Almanac's two segments and the baseline's (Almanac's JVMs idle) between
          for (String process : PROFILED) {
            jfr(process, "JFR.start", "name=" + id + " settings=" + profileSettings);
          }
        }
        segment(id, almanacTurn ? a : b, clients, segment, seed, uploads, almanacTurn ? sa : sb);
      }
      if (profile) {
        for (String process : PROFILED) {
          Path file = profileDir.resolve(process + "-" + id.toLowerCase(Locale.ROOT) + "-" + clients + ".jfr");
          jfr(process, "JFR.stop", "name=" + id + " filename=" + file);
          notes.add(id + ": a JFR profile (settings=" + profileSettings + ") of " + process + " during Almanac's "
              + clients + "-client segments: " + file);
        }
      }
      Level level = new Level(clients, sa.measure(), sb.measure());
      levels.add(level);
      Bench.log(String.format(Locale.ROOT, "  %s %2d clients: Almanac %.0f req/s p50 %.1f p95 %.1f ms, baseline %.0f"
              + " req/s p50 %.1f p95 %.1f ms, errors %d/%d", id, clients, level.almanac().requestsPerSecond(),
          level.almanac().p50(), level.almanac().p95(), level.baseline().requestsPerSecond(), level.baseline().p50(),
          level.baseline().p95(), level.almanac().errors(), level.baseline().errors()));
    }
    compareDigests(id, a, b);
    if (uploads) {
      equalizeUploads(a, b);
    }
    for (Side side : List.of(a, b)) {
      if (!side.errorSamples.isEmpty()) {
        notes.add(id + ": first errors: " + String.join("; ", side.errorSamples));
      }
    }
    Result result = new Result(id, description, levels, segment, a.errors.get() + b.errors.get(),
        a.staleRetries.get() + b.staleRetries.get());
    results.add(result);
    return result;
  }

  /** The measured windows of one side at one level, added up. */
  private static final class Segments {
    final List<Double> latencies = new ArrayList<>();
    /** The uploads' own latencies (also in {@link #latencies}). */
    final List<Double> uploadLatencies = new ArrayList<>();
    long completed;
    long errors;
    long uploads;
    double seconds;
    final Map<String, Long> cpuTicks = new LinkedHashMap<>();

    Measure measure() {
      double[] ms = Bench.toArray(latencies);
      double[] upload = Bench.toArray(uploadLatencies);
      Map<String, Double> perRequest = ProcessCpu.msPer(cpuTicks, completed);
      return new Measure(completed / seconds, Row.percentile(ms, 0.50), Row.percentile(ms, 0.95),
          Row.percentile(ms, 0.99), completed, errors, uploads,
          upload.length == 0 ? Double.NaN : Row.percentile(upload, 0.50),
          upload.length == 0 ? Double.NaN : Row.percentile(upload, 0.95), perRequest);
    }
  }

  /**
   * One side with {@code clients} closed-loop clients for {@code seconds}; with {@code into} null it is
   * a warm-up (nothing recorded but errors and digests).
   */
  private void segment(String id, Side side, int clients, double seconds, long seed, boolean uploads, Segments into) {
    long start = System.nanoTime();
    long from = start + (long) (seconds / 4 * 1e9);
    long end = start + (long) (seconds * 1e9);
    List<List<Double>> latencies = new ArrayList<>();
    List<List<Double>> uploadLatencies = new ArrayList<>();
    AtomicLong completed = new AtomicLong();
    long errorsBefore = side.errors.get();
    int uploadsBefore = side.uploads.get();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> futures = new ArrayList<>();
    try {
      for (int c = 0; c < clients; c++) {
        List<Double> mine = new ArrayList<>();
        List<Double> mineUploads = new ArrayList<>();
        latencies.add(mine);
        uploadLatencies.add(mineUploads);
        SplittableRandom random = new SplittableRandom(seed * 1_000 + c);
        futures.add(pool.submit(() -> {
          while (System.nanoTime() < end) {
            Task task = next(random, uploads, side);
            long sent = System.nanoTime();
            boolean ok = send(side, task);
            long done = System.nanoTime();
            if (ok && sent >= from) {
              mine.add((done - sent) / 1e6);
              if (task.kind() == Kind.UPLOAD) {
                mineUploads.add((done - sent) / 1e6);
              }
            }
            if (ok && done >= from && done <= end) {
              completed.incrementAndGet();
            }
          }
        }));
      }
      if (into != null) {
        sleepUntil(from);
        Map<String, Long> cpuBefore = ProcessCpu.ticks(side.processes);
        sleepUntil(end);
        ProcessCpu.addDifference(into.cpuTicks, cpuBefore, ProcessCpu.ticks(side.processes));
      }
      for (Future<?> f : futures) {
        Bench.get(f);
      }
    } finally {
      pool.shutdownNow();
    }
    if (into != null) {
      latencies.forEach(into.latencies::addAll);
      uploadLatencies.forEach(into.uploadLatencies::addAll);
      into.completed += completed.get();
      into.errors += side.errors.get() - errorsBefore;
      into.uploads += side.uploads.get() - uploadsBefore;
      into.seconds += (end - from) / 1e9;
    }
  }

  private Task next(SplittableRandom random, boolean uploads, Side side) {
    if (uploads && random.nextDouble() < UPLOAD_SHARE) {
      int k = side.uploads.getAndIncrement();
      return new Task(Kind.UPLOAD, "upload " + k, upload(k), UPLOAD_POINTS);
    }
    double r = random.nextDouble();
    if (r < 0.5) {
      int index = hot.get(random.nextInt(hot.size()));
      return new Task(Kind.HOT_DATA, "data " + index, dataBody(index), dataset.series(index).distinctDates());
    }
    if (r < 0.8) {
      int index = readable.get(random.nextInt(readable.size()));
      return new Task(Kind.ANY_DATA, "data " + index, dataBody(index), dataset.series(index).distinctDates());
    }
    int w = random.nextInt(watchlists.size());
    return new Task(Kind.LATEST, "watchlist " + w, watchlists.get(w), WATCH);
  }

  private byte[] dataBody(int index) {
    return Http.graphqlBody(Bench.DATA_QUERY, Map.of("id", ids[index]));
  }

  /** Upload k: series k % n of the upload series, 100 business days, a revision date per round. */
  private byte[] upload(int k) {
    int index = uploadSeries.get(k % uploadSeries.size());
    int round = k / uploadSeries.size();
    Dataset.SeriesPoints s = dataset.series(index);
    int offset = (round * UPLOAD_POINTS) % Math.max(1, s.size() - UPLOAD_POINTS);
    List<long[]> points = new ArrayList<>(UPLOAD_POINTS);
    List<String> values = new ArrayList<>(UPLOAD_POINTS);
    for (int i = offset; i < offset + UPLOAD_POINTS && i < s.size(); i++) {
      points.add(new long[] {index, s.dates()[i]});
      values.add(s.values()[i] == null ? "1" : s.values()[i]);
    }
    return BatchIterator.body("t2-" + k, points, values, UPLOAD_REVISION.plusDays(round), ids);
  }

  /** Sends a task and checks its answer; false (and an error counted) when it failed. */
  private boolean send(Side side, Task task) {
    Http.Response response;
    try {
      response = http.graphql(side.uri, task.body());
    } catch (RuntimeException e) {
      if (!stale(e)) {
        side.error(task.key() + ": " + e.getMessage());
        return false;
      }
      // A kept-alive connection the gateway closed while it was idle (Node's keep-alive timeout, 5 s,
      // between segments) and the client reused at the same moment: sent again once on a new connection,
      // as browsers do; an upload's batch id makes a repeat harmless. Counted in the note.
      side.staleRetries.incrementAndGet();
      try {
        response = http.graphql(side.uri, task.body());
      } catch (RuntimeException again) {
        side.error(task.key() + ": " + again.getMessage());
        return false;
      }
    }
    try {
      JsonNode data = response.data(side.uri);
      String problem = switch (task.kind()) {
        case HOT_DATA, ANY_DATA -> {
          int count = data.path("series").path("data").path("count").asInt(-1);
          yield count == task.expected() ? null : "returned " + count + " points, the dataset gives " + task.expected();
        }
        case LATEST -> {
          for (int i = 0; i < WATCH; i++) {
            if (data.path("s" + i).path("latest").path("date").isMissingNode()) {
              yield "no latest for alias s" + i;
            }
          }
          yield null;
        }
        case UPLOAD -> {
          JsonNode result = data.path("bulkUpsertDataPoints");
          yield "COMMITTED".equals(result.path("status").asString())
              && result.path("summary").path("successful").asInt() == task.expected() ? null : "not committed: " + result;
        }
      };
      if (problem != null) {
        side.error(task.key() + " " + problem);
        return false;
      }
      if (task.kind() != Kind.UPLOAD) {
        String digest = digest(data);
        String first = side.digests.putIfAbsent(task.key(), digest);
        if (first != null && !first.equals(digest)) {
          identical.mismatch("T: " + side.name + " answered " + task.key() + " differently in the same run ("
              + diagnose(side, task, first, data) + ")");
        }
      }
      return true;
    } catch (RuntimeException e) {
      side.error(task.key() + ": " + e.getMessage());
      return false;
    }
  }

  /** ", N uploads (upload p50 X, p95 Y ms)" of a side with uploads, else empty. */
  private static String uploadsNote(Measure m) {
    return m.uploads() == 0 ? "" : String.format(Locale.ROOT, ", %d uploads (upload p50 %.1f, p95 %.1f ms)", m.uploads(),
        m.uploadP50(), m.uploadP95());
  }

  private static boolean stale(RuntimeException e) {
    return e.getCause() instanceof IOException io && io.getMessage() != null
        && io.getMessage().contains("header parser received no bytes");
  }

  /**
   * What a read answered differently in the same run was: the same read asked again of the subgraph directly
   * (the first answer's data, unless it changed since), and whether the odd answer has the same numbers in
   * another spelling ({@code 4} for {@code 4.0}: one JSON number, but another digest).
   */
  private String diagnose(Side side, Task task, String firstDigest, JsonNode odd) {
    try {
      JsonNode again = http.graphql(side.direct, task.body()).data(side.direct);
      return "asked again directly: " + (digest(again).equals(firstDigest) ? "the first answer" : "a third answer")
          + "; the odd answer " + (IdenticalCheck.sameNumbers(odd, again) ? "has the same numbers, spelled"
          + " otherwise" : "has other data: " + Http.abbreviate(odd.toString()));
    } catch (RuntimeException e) {
      return "asking again directly failed: " + e.getMessage();
    }
  }

  private static String digest(JsonNode data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(data.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every read both sides answered: the same data (compared as digests of the {@code data} JSON). */
  private void compareDigests(String id, Side a, Side b) {
    int compared = 0;
    for (Map.Entry<String, String> e : a.digests.entrySet()) {
      String other = b.digests.get(e.getKey());
      if (other != null) {
        identical.check(id + " " + e.getKey() + " via gateway", e.getValue().equals(other),
            "Almanac's and the baseline's data differ (SHA-256 of the data JSON)");
        compared++;
      }
    }
    Bench.log("  " + id + ": " + compared + " distinct reads compared between the sides");
  }

  /** Sends to each side the uploads the other made and it did not, so both hold the same points. */
  private void equalizeUploads(Side a, Side b) {
    int na = a.uploads.get();
    int nb = b.uploads.get();
    Side behind = na < nb ? a : b;
    for (int k = Math.min(na, nb); k < Math.max(na, nb); k++) {
      Task task = new Task(Kind.UPLOAD, "upload " + k, upload(k), UPLOAD_POINTS);
      if (!send(behind, task)) {
        throw new IllegalStateException("T2: catching up upload " + k + " on " + behind.name + " failed: "
            + behind.errorSamples);
      }
    }
    notes.add(String.format("T2: Almanac made %d uploads, the baseline %d (100 points each); the %d missing on %s"
        + " were sent afterwards, untimed.", na, nb, Math.abs(na - nb), behind.name));
  }

  // ---------------------------------------------------------------- the row

  private Row row(Result result) {
    Level at = result.levels().stream().filter(l -> l.clients() == RATIO_LEVEL).findFirst().orElseThrow();
    boolean pass = true;
    long errors = result.errors();
    StringBuilder note = new StringBuilder();
    for (Level l : result.levels()) {
      double ratio = l.almanac().requestsPerSecond() / l.baseline().requestsPerSecond();
      if (l.clients() >= RATIO_LEVEL && !(ratio >= TARGET && l.almanac().p95() <= l.baseline().p95())) {
        pass = false;
      }
      note.append(String.format(Locale.ROOT, "%d clients: Almanac %.0f req/s (p50 %.1f, p95 %.1f, p99 %.1f ms, %d"
              + " requests%s), baseline %.0f req/s (p50 %.1f, p95 %.1f, p99 %.1f ms, %d requests%s), ratio %.2f; ",
          l.clients(), l.almanac().requestsPerSecond(), l.almanac().p50(), l.almanac().p95(), l.almanac().p99(),
          l.almanac().requests(), uploadsNote(l.almanac()),
          l.baseline().requestsPerSecond(), l.baseline().p50(), l.baseline().p95(), l.baseline().p99(),
          l.baseline().requests(), uploadsNote(l.baseline()),
          ratio));
    }
    note.append("errors ").append(errors).append(" (must be 0; warm-up included), ").append(result.staleRetries())
        .append(" requests sent again after a kept-alive connection was closed; CPU ms per request at ").append(RATIO_LEVEL)
        .append(" clients: Almanac ").append(cpu(at.almanac())).append("; baseline ").append(cpu(at.baseline()));
    // No ratio when a side completed nothing in the measured windows (possible only with the test's short segments).
    double ratio = at.almanac().requests() == 0 || at.baseline().requests() == 0 ? Double.NaN
        : at.almanac().requestsPerSecond() / at.baseline().requestsPerSecond();
    return new Row(result.id(), result.description(), "req/s", at.almanac().requestsPerSecond(), at.almanac().p95(),
        at.baseline().requestsPerSecond(), at.baseline().p95(), ratio,
        "req/s >= 1.2x at 16 and 64 clients, p95 no worse, 0 errors", pass && errors == 0, note.toString(),
        new double[0], new double[0]);
  }

  private static String cpu(Measure m) {
    return ProcessCpu.format(m.cpuMsPerRequest(), 2);
  }

  // ---------------------------------------------------------------- processes and profiles

  private void jfr(String process, String command, String arguments) {
    long pid = stack.process(process).pid();
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    List<String> cmd = new ArrayList<>(List.of(jcmd.toString(), String.valueOf(pid), command));
    cmd.addAll(List.of(arguments.split(" ")));
    try {
      Files.createDirectories(profileDir);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
        Bench.log("jcmd " + command + " failed: " + out);
      }
    } catch (IOException e) {
      Bench.log("jcmd " + command + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void sleepUntil(long nanoTime) {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      Bench.sleep(left / 1_000_000 + 1);
    }
  }
}
