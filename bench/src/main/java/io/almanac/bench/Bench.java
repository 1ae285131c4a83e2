package io.almanac.bench;

import io.almanac.local.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;
import tools.jackson.databind.JsonNode;

/**
 * The referee of issue 4: starts Almanac (LocalStack) and the PostgreSQL baseline on one machine,
 * loads the same dataset into both through their public write paths, runs every workload alternating
 * A (Almanac) and B (baseline), checks that both return identical data, and returns the table.
 */
public final class Bench {

  /**
   * @param effort multiplies iteration counts and time caps (1 for the real run, small for the test)
   * @param h1Batches small batches for H1 (10,000 in the issue)
   * @param settleQuiet after the load, reads start once Almanac's observations table has had no new
   *     snapshot for this long (its maintenance's quiet period, 10 s, plus its interval, 5 s, plus margin)
   * @param settleMax ... or after this long at most (then the note says reads began unsettled)
   * @param only the row ids to measure (empty: all); the load (W1), the settling, the read warm-up, the
   *     identical-data check and M1 always run
   */
  public record Options(Path home, Path runDir, Dataset.Spec spec, double effort, int h1Batches,
      Duration h1MaxTime, Duration h1MaintenanceWait, Duration settleQuiet, Duration settleMax,
      java.util.Set<String> only) {

    public Options(Path home, Path runDir, Dataset.Spec spec, double effort, int h1Batches, Duration h1MaxTime,
        Duration h1MaintenanceWait, Duration settleQuiet, Duration settleMax) {
      this(home, runDir, spec, effort, h1Batches, h1MaxTime, h1MaintenanceWait, settleQuiet, settleMax,
          java.util.Set.of());
    }

    /** The same options measuring only these rows (empty: all). */
    public Options only(java.util.Set<String> ids) {
      return new Options(home, runDir, spec, effort, h1Batches, h1MaxTime, h1MaintenanceWait, settleQuiet, settleMax,
          java.util.Set.copyOf(ids));
    }

    public boolean wants(String... ids) {
      return only.isEmpty() || Arrays.stream(ids).anyMatch(only::contains);
    }

    public static Options forSize(Path home, Path runDir, String size) {
      Dataset.Spec spec = Dataset.spec(size);
      return spec == Dataset.QUICK
          ? new Options(home, runDir, spec, 0.25, 400, Duration.ofSeconds(60), Duration.ofSeconds(5),
              Duration.ofSeconds(3), Duration.ofSeconds(20))
          : new Options(home, runDir, spec, 1.0, 10_000, Duration.ofSeconds(240), Duration.ofSeconds(30),
              Duration.ofSeconds(20), Duration.ofSeconds(120));
    }
  }

  /** @param concurrency T1/T2 per concurrency level (empty when not measured) */
  /** A run's results; {@code finishedAt} is when it ended (each run of {@code --runs N} has its own). */
  public record Outcome(List<Row> rows, IdenticalCheck.Report identical, long points, Duration runtime,
      List<String> notes, List<Concurrency.Result> concurrency, java.time.Instant finishedAt) {

    public Outcome(List<Row> rows, IdenticalCheck.Report identical, long points, Duration runtime,
        List<String> notes, List<Concurrency.Result> concurrency) {
      this(rows, identical, points, runtime, notes, concurrency, java.time.Instant.now());
    }

    public Outcome(List<Row> rows, IdenticalCheck.Report identical, long points, Duration runtime, List<String> notes) {
      this(rows, identical, points, runtime, notes, List.of());
    }
  }

  static final int BATCH = 10_000;
  /**
   * The read warm-up reads daily series from this index of the daily list on: past the 1,000 that R5
   * asks for and R1's (the first), short of the list's second half (R3's).
   */
  static final int READ_WARMUP_SERIES_FROM = 1_000;
  static final int CLIENTS = 4;
  static final String BULK_MUTATION = "mutation($input: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $input)"
      + " { batchId status summary { totalProcessed successful failed } } }";
  static final String DATA_QUERY = "query($id: ID!) { series(id: $id) { data { dates values count } } }";
  static final String LATEST_ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r)"
      + " { ... on Series { latest { date value } } } }";
  static final String OBSERVATIONS_AS_OF = "query($id: ID!, $asOf: Date!) { series(id: $id) {"
      + " observations(asOf: $asOf, first: 1000) { nodes { date value revisionDate } totalCount"
      + " pageInfo { hasNextPage endCursor } } } }";
  static final String DATA_YEAR_AGO = "query($id: ID!) { series(id: $id) {"
      + " data(transform: PERCENT_CHANGE_FROM_YEAR_AGO) { dates values count } } }";
  static final String DATA_MONTHLY_AVERAGE = "query($id: ID!) { series(id: $id) {"
      + " data(frequency: MONTHLY, aggregation: AVERAGE) { dates values count } } }";
  static final String VINTAGE_PANEL = "query($id: ID!, $v: [Date!]!) { series(id: $id) {"
      + " vintagePanel(vintageDates: $v) { dates vintageDates values decimals } } }";
  /** R9's number of vintages. */
  static final int PANEL_VINTAGES = 50;

  private final Options options;
  private final Dataset dataset;
  private final List<Row> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final IdenticalCheck.Report identical = new IdenticalCheck.Report();
  private final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
  private Http http;
  /** R1's Almanac p50 in this run: R7 (a transform of the same read) is held to 1.2 times it. */
  private double r1AlmanacP50 = Double.NaN;
  private LocalStack stack;
  private BaselineStack baseline;
  private String[] ids;

  public Bench(Options options) {
    this.options = options;
    this.dataset = new Dataset(options.spec());
  }

  public Outcome run() throws IOException {
    quietLibraryLogs();
    String loadStart = loadAverage();
    long start = System.nanoTime();
    Path runDir = options.runDir().toAbsolutePath().normalize();
    // Ctrl-C must not leave PostgreSQL, JVMs or gateways behind.
    Thread stopAll = new Thread(() -> {
      if (baseline != null) {
        baseline.close();
      }
      if (stack != null) {
        stack.close();
      }
    }, "bench-stop");
    Runtime.getRuntime().addShutdownHook(stopAll);
    log("Starting Almanac (embedded PostgreSQL, three subgraphs, Hive Gateway) ...");
    // M2 exports every point of the dataset in one panel: past the default response limit (1,000,000 points).
    try (LocalStack almanac = LocalStack.start(new LocalStack.Options(options.home(), runDir, null, null, null,
        0, 0, 0, 0, false, Map.of("ALMANAC_MAX_RESPONSE_POINTS", "50000000")))) {
      stack = almanac;
      log("Starting the PostgreSQL baseline (subgraph JVM and its own Hive Gateway) ...");
      try (BaselineStack b = BaselineStack.start(options.home(), runDir, almanac.jdbcUrl(), "postgres", "postgres")) {
        baseline = b;
        http = new Http(almanac.adminAuthorization());
        registerSeries();
        long points = loadW1();
        Heap heap = new Heap();
        heap.sample("after load");
        settleAfterLoad(runDir, "the reads");
        if (Boolean.getBoolean("bench.freshStartOnly")) { // a focused run of R3F (bench/README.md)
          for (int round = 0; round < Integer.getInteger("bench.freshStartRounds", 1); round++) {
            rows.add(freshStart(round));
          }
          return new Outcome(rows, identical, points, Duration.ofNanos(System.nanoTime() - start), notes);
        }
        readWorkloads(heap);
        derivedWorkloads();
        heap.sample("after R7-R9");
        Concurrency concurrency = new Concurrency(http, almanac, baseline, dataset, ids, options, identical, notes);
        if (options.wants("T1")) {
          rows.add(concurrency.t1());
          heap.sample("after T1");
        }
        if (options.wants("X1", "X2", "M2")) {
          rows.addAll(new Exports(http, almanac, dataset, ids, options, identical, notes).run());
          heap.sample("after X1, X2 and M2");
        }
        if (options.wants("T2")) {
          // T2 in the state T1 ran in: JVMs that have been serving (before R3F restarts the subgraphs, which
          // would make T2 measure their first minute) and a settled table (the exports wrote nothing, but the
          // settling is cheap and makes the order of rows irrelevant to T2).
          settleAfterLoad(runDir, "T2");
          rows.add(concurrency.t2());
          heap.sample("after T2");
        }
        if (options.wants("R3F")) {
          if (options.wants("T2")) {
            settleAfterLoad(runDir, "R3F"); // T2's uploads leave merges behind
          }
          rows.add(freshStart(0));
        }
        if (options.wants("W2")) {
          w2();
        }
        log("Identical-data check ...");
        notes.addAll(IdenticalCheck.run(http, dataset, ids, almanac.financial(), baseline.graphql(), almanac.gateway(),
            baseline.gateway(), identical));
        log("  " + identical.summary());
        heap.sample("after reads and W2");
        if (options.wants("H1")) {
          h1(runDir);
          heap.sample("after H1");
        }
        rows.add(heap.m1Row());
        notes.add(heap.note());
        notes.add("Machine load average (1 min) at the start of the run " + loadStart + ", at the end " + loadAverage()
            + ": every process on the machine shares its cores, so other work running at the same time inflates"
            + " both sides' latencies.");
        return new Outcome(rows, identical, points, Duration.ofNanos(System.nanoTime() - start), notes,
            concurrency.results());
      }
    } finally {
      clients.shutdownNow();
      baseline = null;
      stack = null;
      try {
        Runtime.getRuntime().removeShutdownHook(stopAll);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running already
      }
    }
  }

  // ---------------------------------------------------------------- setup

  private void registerSeries() {
    URI crawler = stack.crawler();
    String provider = http.data(crawler, "mutation { createProvider(input: {name: \"Bench\", type: API}) { id } }",
        Map.of()).path("createProvider").path("id").asString();
    ids = new String[dataset.seriesCount()];
    long[] numericIds = new long[ids.length];
    io.almanac.bench.baseline.generated.types.Frequency[] frequencies =
        new io.almanac.bench.baseline.generated.types.Frequency[ids.length];
    for (int from = 0; from < ids.length; from += 1000) {
      int to = Math.min(ids.length, from + 1000);
      List<Map<String, Object>> input = new ArrayList<>();
      for (int i = from; i < to; i++) {
        input.add(Map.of("providerId", provider, "externalId", "BENCH_" + i, "title", "Bench series " + i,
            "frequency", switch (Dataset.kind(i)) { case REVISED, VINTAGES -> "MONTHLY"; default -> "DAILY"; }));
      }
      JsonNode result = http.data(crawler, "mutation($input: [SeriesInput!]!) { upsertSeries(input: $input)"
          + " { series { id } errors { index code message } } }", Map.of("input", input)).path("upsertSeries");
      if (!result.path("errors").isEmpty()) {
        throw new IllegalStateException("Series refused: " + result.path("errors"));
      }
      for (int i = from; i < to; i++) {
        ids[i] = result.path("series").get(i - from).path("id").asString();
        numericIds[i] = Long.parseLong(ids[i]);
        frequencies[i] = Dataset.kind(i) == Dataset.Kind.REVISED || Dataset.kind(i) == Dataset.Kind.VINTAGES
            ? io.almanac.bench.baseline.generated.types.Frequency.MONTHLY
            : io.almanac.bench.baseline.generated.types.Frequency.DAILY;
      }
    }
    // The baseline keeps no series registry for reads, but derived reads need each series' frequency.
    try (java.sql.Connection connection = java.sql.DriverManager.getConnection(stack.jdbcUrl(), "postgres",
        "postgres")) {
      io.almanac.bench.baseline.ObservationRepository.registerSeries(connection, numericIds, frequencies);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("Registering the series' frequencies in the baseline failed", e);
    }
    log("Registered " + ids.length + " series in Almanac (the baseline uses the same ids and frequencies).");
  }

  // ---------------------------------------------------------------- W1: the load itself

  record Batch(byte[] body, int points) {}

  /** Loads the dataset into both, round by round (A then B, then B then A, ...): W1. */
  private long loadW1() {
    int roundBatches = options.spec() == Dataset.QUICK ? 8 : 40;
    BatchIterator batches = new BatchIterator(dataset, ids, BATCH);
    long[] points = new long[2];
    long[] nanos = new long[2];
    List<Double> latA = new ArrayList<>();
    List<Double> latB = new ArrayList<>();
    long total = 0;
    int round = 0;
    long started = System.nanoTime();
    // CPU ticks by [side whose round it was][0: Almanac's processes, 1: the baseline's], measured rounds only.
    Map<String, List<Long>> almanacProcesses = ProcessCpu.almanac(stack);
    Map<String, List<Long>> baselineProcesses = ProcessCpu.baseline(baseline, stack);
    List<List<Map<String, Long>>> cpu = List.of(List.of(new LinkedHashMap<>(), new LinkedHashMap<>()),
        List.of(new LinkedHashMap<>(), new LinkedHashMap<>()));
    log("Loading " + dataset.seriesCount() + " series into both, batches of " + BATCH + ", " + CLIENTS
        + " concurrent clients, alternating rounds of " + roundBatches + " batches (W1) ...");
    while (batches.hasNext()) {
      List<Batch> work = new ArrayList<>();
      while (work.size() < roundBatches && batches.hasNext()) {
        work.add(batches.next());
      }
      int roundPoints = work.stream().mapToInt(Batch::points).sum();
      boolean almanacFirst = round % 2 == 0;
      for (int side : almanacFirst ? new int[] {0, 1} : new int[] {1, 0}) {
        URI uri = side == 0 ? stack.crawler() : baseline.graphql();
        List<Double> latencies = new ArrayList<>();
        Map<String, Long> almanacBefore = ProcessCpu.ticks(almanacProcesses);
        Map<String, Long> baselineBefore = ProcessCpu.ticks(baselineProcesses);
        long t = sendConcurrently(uri, work, latencies);
        if (round > 0) { // the first round is warm-up
          points[side] += roundPoints;
          nanos[side] += t;
          (side == 0 ? latA : latB).addAll(latencies);
          ProcessCpu.addDifference(cpu.get(side).get(0), almanacBefore, ProcessCpu.ticks(almanacProcesses));
          ProcessCpu.addDifference(cpu.get(side).get(1), baselineBefore, ProcessCpu.ticks(baselineProcesses));
        }
      }
      total += roundPoints;
      round++;
      if (round % 5 == 0 || !batches.hasNext()) {
        log(String.format("  %,d points loaded into each (%.0f s)", total, (System.nanoTime() - started) / 1e9));
      }
    }
    if (nanos[0] == 0) { // a single round (tiny dataset): count it
      throw new IllegalStateException("Dataset too small for a measured W1 round");
    }
    double a = points[0] / (nanos[0] / 1e9);
    double b = points[1] / (nanos[1] / 1e9);
    double ratio = a / b;
    rows.add(new Row("W1", "bulk upsert, GraphQL, 10k-point batches, 4 clients", "pts/s", a,
        Row.percentile(toArray(latA), 0.5), b, Row.percentile(toArray(latB), 0.5), ratio, "throughput ratio >= 1.5",
        ratio >= 1.5, String.format("%,d points per side measured (first round excluded); p95 columns hold the"
            + " median batch latency in ms; %s", points[0], w1Cpu(cpu, points)), toArray(latA), toArray(latB)));
    return total;
  }

  /**
   * W1's CPU per 10,000 points, by process, each side in its own rounds; and what Almanac's processes
   * spent during the baseline's rounds (work its own rounds left behind, such as compaction), per
   * 10,000 of Almanac's points. PostgreSQL and the client serve both sides, so they are counted in the
   * rounds of the side they served.
   */
  static String w1Cpu(List<List<Map<String, Long>>> cpu, long[] points) {
    double almanacUnits = points[0] / (double) BATCH;
    double baselineUnits = points[1] / (double) BATCH;
    Map<String, Long> spill = new LinkedHashMap<>(cpu.get(1).get(0));
    spill.keySet().retainAll(List.of("gateway", "financial", "crawler", "user"));
    return String.format("CPU ms per %,d points in the side's own rounds: Almanac %s; baseline %s; Almanac's own"
        + " processes during the baseline's rounds %s", BATCH,
        ProcessCpu.format(ProcessCpu.msPer(cpu.get(0).get(0), almanacUnits), 1),
        ProcessCpu.format(ProcessCpu.msPer(cpu.get(1).get(1), baselineUnits), 1),
        ProcessCpu.format(ProcessCpu.msPer(spill, almanacUnits), 1));
  }

  /** Posts every batch with {@link #CLIENTS} concurrent clients; returns the wall time. */
  private long sendConcurrently(URI uri, List<Batch> work, List<Double> latencies) {
    long start = System.nanoTime();
    List<Future<Http.Response>> futures = new ArrayList<>();
    for (Batch batch : work) {
      futures.add(clients.submit(() -> http.graphql(uri, batch.body())));
    }
    for (int i = 0; i < futures.size(); i++) {
      Http.Response response = get(futures.get(i));
      JsonNode result = response.data(uri).path("bulkUpsertDataPoints");
      if (!"COMMITTED".equals(result.path("status").asString())
          || result.path("summary").path("successful").asInt() != work.get(i).points()) {
        throw new IllegalStateException("Batch not committed by " + uri + ": " + result);
      }
      latencies.add(response.nanos() / 1e6);
    }
    return System.nanoTime() - start;
  }

  // ---------------------------------------------------------------- between the load and the reads

  /**
   * Reads are measured on a settled system, not in the load's aftermath: Almanac's maintenance merges
   * the load's files (its quiet-period merge starts 10 s after the last commit and takes a core for
   * seconds) and PostgreSQL's autovacuum analyzes the baseline's table. Those are write-side costs (W1
   * and H1 measure them); overlapping R3 on two cores, they showed up as read latency. So the baseline's
   * table is VACUUM ANALYZEd (what a team does after a bulk load), then reads wait until Almanac's
   * observations table has had no new snapshot for {@link Options#settleQuiet()}.
   */
  private void settleAfterLoad(Path runDir, String before) {
    long start = System.nanoTime();
    try (java.sql.Connection connection = java.sql.DriverManager.getConnection(stack.jdbcUrl(), "postgres",
        "postgres"); java.sql.Statement statement = connection.createStatement()) {
      statement.execute("VACUUM ANALYZE baseline.observations");
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("VACUUM ANALYZE of the baseline's table failed", e);
    }
    double vacuumSeconds = (System.nanoTime() - start) / 1e9;
    long quiet = options.settleQuiet().toNanos();
    long max = options.settleMax().toNanos();
    try (AlmanacTables tables = new AlmanacTables(stack, runDir)) {
      long seen = tables.currentSnapshotId();
      long since = System.nanoTime();
      int snapshots = 0;
      while (System.nanoTime() - since < quiet && System.nanoTime() - start < max) {
        sleep(250);
        long current = tables.currentSnapshotId();
        if (current != seen) {
          seen = current;
          since = System.nanoTime();
          snapshots++;
        }
      }
      boolean settled = System.nanoTime() - since >= quiet;
      String note = String.format("Before " + before + ": the baseline's table VACUUM ANALYZEd (%.1f s); Almanac's"
              + " maintenance committed %d snapshot(s) after the load, %s (%.0f s in all).",
          vacuumSeconds, snapshots, settled ? "then none for " + options.settleQuiet().toSeconds() + " s"
              : "and was still committing at the time cap: reads began unsettled", (System.nanoTime() - start) / 1e9);
      notes.add(note);
      log(note);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * R3F ({@link FreshStart}): both subgraphs restarted, then their first reads, of daily series no workload reads:
   * the first of the list's second half (R3 reads from its end, the read warm-up stops short of it), the next
   * ones in a further {@code round} of a focused run (from the start again when a small dataset has no more).
   */
  private Row freshStart(int round) throws IOException {
    List<Integer> daily = dataset.dailyIndices();
    int half = daily.size() / 2;
    int from = half + (round * FreshStart.READS) % Math.max(1, daily.size() - half);
    return new FreshStart(http, stack, baseline, ids, identical, notes).run(daily.subList(from,
        Math.min(daily.size(), from + FreshStart.READS)));
  }

  // ---------------------------------------------------------------- R1-R6

  record Request(URI uri, byte[] body) {}

  private void readWorkloads(Heap heap) {
    List<Integer> daily = dataset.dailyIndices();
    int r1 = daily.get(0);
    // R3 reads series nothing else reads before it: the tail of the daily list.
    List<Integer> cold = new ArrayList<>(daily.subList(daily.size() / 2, daily.size()));
    java.util.Collections.reverse(cold);
    URI af = stack.financial();
    URI bf = baseline.graphql();

    // R3 is cold for the cache, not for the JVM: a series nobody has read, asked of a service that has
    // been serving. Right after the load both JVMs have run no read at all: their first reads load the
    // read path's classes and run it interpreted while the JIT compiles (profiled: ~700 methods a second,
    // about a core, during the first hundreds of reads). So before any read workload, both sides serve
    // the same cold reads of series no workload reads later (the middle of the daily list), unrecorded
    // ("warm-up excluded"). What the first of them cost is kept in a note, so the JIT-cold figure stays
    // visible. R3's own warm-up then reads other never-read series of its list.
    int half = daily.size() / 2;
    List<Integer> warmupSeries = READ_WARMUP_SERIES_FROM < half ? daily.subList(READ_WARMUP_SERIES_FROM, half)
        : daily.subList(1, half); // a small dataset: R5 reads these too, after its own warm-up
    double[][] warmup = measure("read warm-up", 0, Math.min(400, warmupSeries.size()), 40,
        k -> data(af, warmupSeries.get(k % warmupSeries.size())),
        k -> warmed(data(bf, warmupSeries.get(k % warmupSeries.size()))), 2_520);
    int first = Math.min(60, warmup[0].length);
    notes.add(String.format("Read warm-up (both sides, before R3, not in the table): %d cold `data` reads of series no"
            + " workload reads later. The first %d of them, in JVMs that had served no read yet, took Almanac p50"
            + " %.2f ms, baseline p50 %.2f ms; all %d: Almanac p50 %.2f ms, baseline p50 %.2f ms.",
        warmup[0].length, first, Row.percentile(Arrays.copyOf(warmup[0], first), 0.5),
        Row.percentile(Arrays.copyOf(warmup[1], first), 0.5), warmup[0].length, Row.percentile(warmup[0], 0.5),
        Row.percentile(warmup[1], 0.5)));
    // Sample counts (issue 18): enough pairs that a row's ratio moves less than its margin between runs,
    // spread over enough seconds that a burst of other work on the machine is a minority of the samples,
    // with the whole default run within about 12 minutes. R3 is bounded by the never-read series there are.
    int r3Warmup = Math.min(100, cold.size() / 4);
    if (options.wants("R3")) {
      rows.add(Row.latency("R3", "data, 2,520 points, a series never read before (cold cache)",
          measure("R3", r3Warmup, Math.min(200, cold.size() - r3Warmup), 30,
              k -> data(af, cold.get(k)), k -> warmed(data(bf, cold.get(k))), 2_520),
          "p50 <= 10 ms and ratio <= 5", (p50, ratio) -> p50 <= 10 && ratio <= 5, "a different series each time"));
      heap.sample("after R3");
    }
    if (options.wants("R1", "R7")) { // R7's second target is relative to R1's p50
      Row r1Row = Row.latency("R1", "data, 2,520 daily points, warm, direct to the subgraph",
          measure("R1", 20, 800, 30, k -> data(af, r1), k -> data(bf, r1), 2_520),
          "ratio <= 1.0", (p50, ratio) -> ratio <= 1.0, "");
      rows.add(r1Row);
      r1AlmanacP50 = r1Row.almanacP50();
    }
    if (options.wants("R2", "G1")) {
      Row r2Row = Row.latency("R2", "data, 2,520 daily points, warm, through the gateway",
          measure("R2", 20, 800, 40, k -> data(stack.gateway(), r1), k -> data(baseline.gateway(), r1), 2_520),
          "ratio <= 1.0", (p50, ratio) -> ratio <= 1.0, "each side behind its own Hive Gateway");
      rows.add(r2Row);
      rows.stream().filter(r -> r.id().equals("R1")).findFirst()
          .ifPresent(r1Row -> rows.add(Row.gatewayShare(r1Row, r2Row))); // G1 = R2 - R1, same run, same series
    }
    int longPoints = dataset.series(0).distinctDates();
    if (options.wants("R4")) {
      rows.add(Row.latency("R4", String.format("data, %,d points (one long series)", longPoints),
          measure("R4", 5, 100, 30, k -> data(af, 0), k -> data(bf, 0), longPoints),
          "ratio <= 0.5", (p50, ratio) -> ratio <= 0.5, ""));
      heap.sample("after R4");
    }
    String asOf = Dataset.vintageDate(options.spec().vintageCount() / 2).toString();
    if (options.wants("R6")) {
      rows.add(Row.latency("R6", "observations(asOf:, first: 1000), series with "
              + options.spec().vintageCount() + " vintages",
          measure("R6", 10, 600, 30, k -> observationsAsOf(af, 1, asOf), k -> observationsAsOf(bf, 1, asOf), -1),
          "ratio <= 0.5", (p50, ratio) -> ratio <= 0.5, "asOf " + asOf));
    }
    if (!options.wants("R5")) {
      return;
    }
    int watch = Math.min(1000, daily.size());
    List<Map<String, Object>> representations = new ArrayList<>();
    for (int i = 0; i < watch; i++) {
      representations.add(Map.of("__typename", "Series", "id", ids[daily.get(i)]));
    }
    byte[] r5 = Http.graphqlBody(LATEST_ENTITIES, Map.of("r", representations));
    rows.add(Row.latency("R5", "latest for " + watch + " series in one query (_entities, as the gateway sends"
            + " a watchlist)",
        // Ten warm-up pairs, not two: profiled with two, the JIT compiled the entity path (over a core
        // of compile threads) during the measured requests, which then took twice as long.
        measure("R5", 10, 150, 45, k -> new Request(af, r5), k -> new Request(bf, r5), -1),
        "ratio <= 1.0", (p50, ratio) -> ratio <= 1.0, ""));
    heap.sample("after R5");
  }

  /**
   * R3 is "cold for Almanac's cache, PostgreSQL's buffers warm": the baseline reads the series once,
   * untimed, before the measured request.
   */
  private Request warmed(Request request) {
    http.graphql(request.uri(), request.body()).data(request.uri());
    return request;
  }

  private Request data(URI uri, int index) {
    return new Request(uri, Http.graphqlBody(DATA_QUERY, Map.of("id", ids[index])));
  }

  private Request observationsAsOf(URI uri, int index, String asOf) {
    return new Request(uri, Http.graphqlBody(OBSERVATIONS_AS_OF, Map.of("id", ids[index], "asOf", asOf)));
  }

  /**
   * What the responses of a workload must hold besides being equal on both sides: a size read from
   * {@code data} (-1 = not checked), and whether values are compared within the derived-read tolerance.
   */
  record Expect(ToIntFunction<JsonNode> size, int expected, String what, boolean derived) {
    static Expect dataCount(int expected, boolean derived) {
      return new Expect(d -> d.path("series").path("data").path("count").asInt(-1), expected, "points", derived);
    }
  }

  private double[][] measure(String id, int warmup, int count, int seconds, IntFunction<Request> a,
      IntFunction<Request> b, int expectedCount) {
    return measure(id, warmup, count, seconds, a, b, Expect.dataCount(expectedCount, false));
  }

  /**
   * Warm-up pairs (not recorded), then measured pairs, A and B alternating (ABBA order), bounded by
   * {@code count} and {@code seconds} (both scaled by the effort). The responses of every pair must
   * be identical; with {@code expect.expected() >= 0} both sides' sizes are checked too. {@code a} null:
   * Almanac does not answer this read yet, the baseline is measured alone.
   *
   * @return {Almanac samples, baseline samples} in ms
   */
  private double[][] measure(String id, int warmup, int count, int seconds, IntFunction<Request> a,
      IntFunction<Request> b, Expect expect) {
    int scaledCount = Math.max(3, (int) Math.round(count * options.effort()));
    int scaledWarmup = Math.max(1, (int) Math.round(warmup * Math.min(1, options.effort() * 2)));
    long cap = (long) (seconds * Math.max(0.2, options.effort()) * 1e9);
    List<Double> as = new ArrayList<>();
    List<Double> bs = new ArrayList<>();
    int k = 0;
    for (int i = 0; i < scaledWarmup; i++, k++) {
      pair(id, a == null ? null : a.apply(k), b.apply(k), true, expect, null, null);
    }
    long start = System.nanoTime();
    for (int i = 0; i < scaledCount && System.nanoTime() - start < cap; i++, k++) {
      pair(id, a == null ? null : a.apply(k), b.apply(k), i % 2 == 0, expect, as, bs);
    }
    log(String.format("  %s: Almanac p50 %s, baseline p50 %.2f ms (%d pairs)", id,
        a == null ? "not available" : String.format("%.2f ms", Row.percentile(toArray(as), 0.5)),
        Row.percentile(toArray(bs), 0.5), bs.size()));
    return new double[][] {toArray(as), toArray(bs)};
  }

  private void pair(String id, Request a, Request b, boolean almanacFirst, Expect expect, List<Double> as,
      List<Double> bs) {
    Http.Response ra = null;
    Http.Response rb;
    if (a != null && almanacFirst) {
      ra = http.graphql(a.uri(), a.body());
      rb = http.graphql(b.uri(), b.body());
    } else {
      rb = http.graphql(b.uri(), b.body());
      ra = a == null ? null : http.graphql(a.uri(), a.body());
    }
    JsonNode db = rb.data(b.uri());
    checkSize(id, "baseline", db, expect);
    if (bs != null) {
      bs.add(rb.nanos() / 1e6);
    }
    if (a == null) {
      return;
    }
    JsonNode da = ra.data(a.uri());
    String request = new String(a.body(), java.nio.charset.StandardCharsets.UTF_8);
    if (expect.derived()) {
      identical.compareDerived(id, request, da, db);
    } else {
      identical.compare(id, request, da, db);
    }
    checkSize(id, "Almanac", da, expect);
    if (as != null) {
      as.add(ra.nanos() / 1e6);
    }
  }

  private void checkSize(String id, String side, JsonNode data, Expect expect) {
    if (expect.expected() >= 0) {
      int got = expect.size().applyAsInt(data);
      if (got != expect.expected()) {
        identical.mismatch(id + ": " + side + " returned " + got + " " + expect.what() + ", the dataset gives "
            + expect.expected());
      }
    }
  }

  /**
   * Why a side did not answer a read: null when it did (HTTP 200 without errors), else its status or
   * first error (code and message). Almanac answers issue 13's new arguments only once they are merged.
   */
  static String refusal(Http.Response response) {
    if (response.status() != 200) {
      return "HTTP " + response.status() + ": " + Http.abbreviate(response.text());
    }
    JsonNode errors = response.json().path("errors");
    if (errors.isArray() && !errors.isEmpty()) {
      JsonNode first = errors.get(0);
      return first.path("extensions").path("code").asString("error") + " \"" + first.path("message").asString("")
          + "\"";
    }
    return null;
  }

  // ---------------------------------------------------------------- R7-R9: derived reads

  /**
   * R7 (a transform of R1's read), R8 (daily to monthly averages of the long series) and R9 (a vintage
   * panel of the many-vintage series): each first asked of Almanac once; a read it refuses is measured
   * on the baseline alone and reported "not available".
   */
  private void derivedWorkloads() {
    URI af = stack.financial();
    URI bf = baseline.graphql();
    int r1 = dataset.dailyIndices().get(0);
    byte[] r7 = Http.graphqlBody(DATA_YEAR_AGO, Map.of("id", ids[r1]));
    if (options.wants("R7")) {
      rows.add(derivedRow("R7", "data(transform: PERCENT_CHANGE_FROM_YEAR_AGO), 2,520 daily points, warm", r7,
        data(af, r1).body(), 20, 800, 30, Expect.dataCount(Expected.yearAgoRows(dataset.series(r1)), true),
        String.format(java.util.Locale.ROOT, "ratio <= 0.5 and p50 <= 1.2x R1's (%.2f ms)", r1AlmanacP50),
        (p50, ratio) -> ratio <= 0.5 && p50 <= 1.2 * r1AlmanacP50, p50 -> String.format(java.util.Locale.ROOT,
            "same series as R1; R7 / R1 Almanac p50 = %.2f", p50 / r1AlmanacP50)));
    }

    Dataset.SeriesPoints longSeries = dataset.series(0);
    byte[] r8 = Http.graphqlBody(DATA_MONTHLY_AVERAGE, Map.of("id", ids[0]));
    if (options.wants("R8")) {
      rows.add(derivedRow("R8", String.format("data(frequency: MONTHLY, aggregation: AVERAGE), %,d daily points",
            longSeries.distinctDates()), r8, data(af, 0).body(), 5, 100, 30,
        Expect.dataCount(Expected.monthlyAverageRows(longSeries), true), "ratio <= 0.5",
        (p50, ratio) -> ratio <= 0.5, p50 -> "one value per month, FRED's 17-value minimum for the first and last"));
    }
    if (!options.wants("R9")) {
      return;
    }

    int vintageCount = options.spec().vintageCount();
    List<String> vintageDates = new ArrayList<>();
    int lastVintage = 0;
    for (int k = 0; k < PANEL_VINTAGES; k++) {
      lastVintage = (int) ((long) (k + 1) * vintageCount / PANEL_VINTAGES) - 1;
      vintageDates.add(Dataset.vintageDate(lastVintage).toString());
    }
    byte[] r9 = Http.graphqlBody(VINTAGE_PANEL, Map.of("id", ids[1], "v", vintageDates));
    int panelDates = Dataset.vintageDatesKnown(options.spec(), lastVintage);
    rows.add(derivedRow("R9", "vintagePanel, " + PANEL_VINTAGES + " vintages of the series with " + vintageCount,
        r9, null, 10, 200, 20, new Expect(d -> d.path("series").path("vintagePanel").path("dates").size(), panelDates,
            "dates", false), "ratio <= 0.5", (p50, ratio) -> ratio <= 0.5,
        p50 -> String.format("%d dates x %d vintages", panelDates, PANEL_VINTAGES)));
  }

  /**
   * @param plain the same read without its steps, or null: an Almanac that answers the derived read with
   *     the plain one's data ignored the new arguments (its schema has them before their code is merged)
   */
  private Row derivedRow(String id, String workload, byte[] body, byte[] plain, int warmup, int count, int seconds,
      Expect expect, String target, java.util.function.BiPredicate<Double, Double> passes,
      java.util.function.DoubleFunction<String> note) {
    URI af = stack.financial();
    URI bf = baseline.graphql();
    Http.Response probe = http.graphql(af, body);
    String refusal = refusal(probe);
    if (refusal == null && plain != null && probe.json().path("data").equals(http.graphql(af, plain).data(af))) {
      refusal = "with the stored values, ignoring the arguments";
    }
    double[][] samples = measure(id, warmup, count, seconds, refusal == null ? k -> new Request(af, body) : null,
        k -> new Request(bf, body), expect);
    if (refusal == null) {
      return Row.latency(id, workload, samples, target, passes, note.apply(Row.percentile(samples[0], 0.5)));
    }
    return new Row(id, workload, "ms", Double.NaN, Double.NaN, Row.percentile(samples[1], 0.5),
        Row.percentile(samples[1], 0.95), Double.NaN, target, Boolean.FALSE, "Almanac answered " + refusal
            + ": not available; the baseline measured alone (n=0/" + samples[1].length + ")", samples[0], samples[1]);
  }

  // ---------------------------------------------------------------- W2

  /**
   * The next W2 batch: {@code perBatch} points of the daily series from {@code cursor} on, each value
   * one more than the loaded one (so the upload really changes data). Returns the next cursor.
   */
  private int fillW2Batch(List<Integer> daily, int cursor, int perBatch, List<long[]> points, List<String> values) {
    while (points.size() < perBatch) {
      Dataset.SeriesPoints s = dataset.series(daily.get(cursor++ % daily.size()));
      for (int i = 0; i < s.size() && points.size() < perBatch; i++) {
        points.add(new long[] {s.index(), s.dates()[i]});
        values.add(s.values()[i] == null ? null
            : new java.math.BigDecimal(s.values()[i]).add(java.math.BigDecimal.ONE).toPlainString());
      }
    }
    return cursor;
  }

  private void w2() throws IOException {
    URI almanacBulk = stack.crawler().resolve("/bulk/points");
    Http.Response probe = http.post(almanacBulk, ArrowBatch.CONTENT_TYPE, new byte[0]);
    boolean almanacAvailable = probe.status() != 404 && probe.status() != 405;
    int batches = options.spec() == Dataset.QUICK ? 2 : 12; // 6 moved W2's ratio 1.0-2.3 between runs
    int perBatch = options.spec() == Dataset.QUICK ? 20_000 : 100_000;
    List<Integer> daily = dataset.dailyIndices();
    LocalDate revision = LocalDate.of(2025, 1, 15);
    List<Double> as = new ArrayList<>();
    List<Double> bs = new ArrayList<>();
    long pointsA = 0;
    long pointsB = 0;
    String almanacNote = almanacAvailable ? "" : "Almanac: POST /bulk/points answered HTTP " + probe.status()
        + " (no HTTP bulk path yet): not available";
    int seriesCursor = 0;
    log("W2: " + batches + " batches of " + perBatch + " points over HTTP (baseline: CSV + COPY"
        + (almanacAvailable ? ", Almanac: Arrow stream" : "; Almanac: not available, HTTP " + probe.status()) + ") ...");
    for (int n = 0; n <= batches; n++) { // batch 0 is warm-up
      List<long[]> points = new ArrayList<>(perBatch); // {seriesIndex, date}
      List<String> values = new ArrayList<>(perBatch);
      seriesCursor = fillW2Batch(daily, seriesCursor, perBatch, points, values);
      LocalDate rev = revision.plusDays(n);
      byte[] csv = csv(points, values, rev, ids);
      boolean almanacFirst = n % 2 == 0;
      for (int side : almanacFirst ? new int[] {0, 1} : new int[] {1, 0}) {
        if (side == 0) {
          if (!almanacAvailable) {
            continue;
          }
          Http.Response r = http.post(URI.create(almanacBulk + "?batchId=w2-" + n), ArrowBatch.CONTENT_TYPE,
              ArrowBatch.encode(points, values, rev, ids));
          if (r.status() / 100 != 2 || !"COMMITTED".equals(r.json().path("status").asString())
              || r.json().path("summary").path("successful").asInt() != points.size()) {
            almanacAvailable = false;
            almanacNote = "Almanac: POST /bulk/points (Arrow stream) answered HTTP " + r.status() + ": "
                + Http.abbreviate(r.text()) + " -- not available";
            as.clear();
            continue;
          }
          if (n > 0) {
            as.add(r.nanos() / 1e6);
            pointsA += points.size();
          }
        } else {
          Http.Response r = http.post(URI.create(baseline.bulk() + "?batchId=w2-" + n), "text/csv", csv);
          if (r.status() != 200 || !"COMMITTED".equals(r.json().path("status").asString())) {
            throw new IllegalStateException("Baseline COPY failed: HTTP " + r.status() + " " + Http.abbreviate(r.text()));
          }
          if (n > 0) {
            bs.add(r.nanos() / 1e6);
            pointsB += points.size();
          }
        }
      }
    }
    double b = pointsB / (bs.stream().mapToDouble(Double::doubleValue).sum() / 1e3);
    double a = almanacAvailable ? pointsA / (as.stream().mapToDouble(Double::doubleValue).sum() / 1e3) : Double.NaN;
    double ratio = a / b;
    rows.add(new Row("W2", "bulk upsert over HTTP: Almanac Arrow stream vs PostgreSQL COPY", "pts/s", a,
        almanacAvailable ? Row.percentile(toArray(as), 0.5) : Double.NaN, b, Row.percentile(toArray(bs), 0.5), ratio,
        "throughput ratio >= 2.0", almanacAvailable ? ratio >= 2.0 : Boolean.FALSE,
        (almanacAvailable ? "" : almanacNote + "; ") + String.format("%d batches of %,d points, one client", batches,
            perBatch), toArray(as), toArray(bs)));
    if (almanacAvailable) {
      // The Arrow path wrote to Almanac only if it worked; both sides got the same points either way.
      return;
    }
    // Almanac did not get the W2 points: send them through GraphQL so both hold the same data again.
    seriesCursor = 0;
    for (int n = 0; n <= batches; n++) {
      List<Batch> resend = new ArrayList<>();
      List<long[]> points = new ArrayList<>(perBatch); // {seriesIndex, date}
      List<String> values = new ArrayList<>(perBatch);
      seriesCursor = fillW2Batch(daily, seriesCursor, perBatch, points, values);
      LocalDate rev = revision.plusDays(n);
      for (int from = 0; from < points.size(); from += BATCH) {
        int to = Math.min(points.size(), from + BATCH);
        resend.add(new Batch(BatchIterator.body("w2-resend-" + n + "-" + from, points.subList(from, to),
            values.subList(from, to), rev, ids), to - from));
      }
      sendConcurrently(stack.crawler(), resend, new ArrayList<>());
    }
  }

  /** CSV rows {@code seriesId,date,value,revisionDate}; points are {seriesIndex, epochDay}. */
  private static byte[] csv(List<long[]> points, List<String> values, LocalDate revision, String[] ids) {
    StringBuilder sb = new StringBuilder(points.size() * 40);
    String rev = revision.toString();
    for (int i = 0; i < points.size(); i++) {
      sb.append(ids[(int) points.get(i)[0]]).append(',').append(LocalDate.ofEpochDay(points.get(i)[1])).append(',');
      if (values.get(i) != null) {
        sb.append(values.get(i));
      }
      sb.append(',').append(rev).append('\n');
    }
    return sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- H1

  private void h1(Path runDir) {
    H1 h1 = new H1(http, stack, dataset, ids, clients, options);
    rows.add(h1.run(runDir));
  }

  // ---------------------------------------------------------------- helpers

  static double[] toArray(List<Double> list) {
    return list.stream().mapToDouble(Double::doubleValue).toArray();
  }

  static <T> T get(Future<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
  }

  /** The runner's own logging: warnings only from the libraries (Iceberg, zonky, Hadoop). */
  public static void quietLibraryLogs() {
    if (org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
        instanceof ch.qos.logback.classic.Logger root) {
      root.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  static String loadAverage() {
    try {
      return java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static final long STARTED = System.nanoTime();

  static void log(String message) {
    System.out.printf("[bench %4.0fs] %s%n", (System.nanoTime() - STARTED) / 1e9, message);
    System.out.flush();
  }

  /** The financial subgraph's JVM (a child of this process, started by LocalStack). */
  static ProcessHandle financialProcess() {
    return ProcessHandle.current().descendants()
        .filter(p -> p.info().commandLine().orElse("").contains("financial-subgraph"))
        .findFirst().orElseThrow(() -> new IllegalStateException("financial-subgraph process not found"));
  }

  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
