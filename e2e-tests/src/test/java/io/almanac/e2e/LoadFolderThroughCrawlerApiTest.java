package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.GraphQLClient;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A crawler team loads a folder of files with {@code almanac load} (the loader's exec jar, run as a process
 * against the shared stack's crawler API): CSV, NDJSON and Parquet written here, then read back through the
 * gateway and compared with the test's own data; a rerun sends nothing; a loader killed mid-way is rerun and
 * sends only the rest; a dry run writes nothing; rejected rows land beside the input with their codes; failures
 * are one sentence and an exit code, without stack traces.
 */
@ExtendWith(RunningAlmanac.class)
class LoadFolderThroughCrawlerApiTest {

  private static final Pattern SUMMARY = Pattern.compile("(\\d+) files, ([\\d,]+) points: ([\\d,]+) (?:sent|validated)"
      + ".*? in ([\\d,]+) batches \\(([\\d,]+) accepted, ([\\d,]+) rejected\\); ([\\d,]+) batches \\(([\\d,]+) points\\)"
      + " already loaded, skipped; ([\\d,]+) rejected rows");

  @TempDir Path dir;

  /** An expected observation: the exact decimal written, by date and revision date. */
  record Obs(String date, String value, String revisionDate) {}

  /** What a loader process printed, and its exit code. */
  record Result(int exit, String out, String err) {
    long[] summary() {
      Matcher m = SUMMARY.matcher(out);
      assertThat(m.find()).as("summary in: %s", out).isTrue();
      long[] numbers = new long[9];
      for (int i = 0; i < 9; i++) {
        numbers[i] = Long.parseLong(m.group(i + 1).replace(",", ""));
      }
      return numbers; // files, points, sent, batches sent, accepted, rejected, batches skipped, points skipped, rows
    }

    String runId() {
      Matcher m = Pattern.compile("; run (\\d+)").matcher(out);
      assertThat(m.find()).as("run id in: %s", out).isTrue();
      return m.group(1);
    }
  }

  private static GraphQLClient admin() {
    return RunningAlmanac.get().gateway();
  }

  private static String crawlerUrl() {
    return RunningAlmanac.get().stack().crawler().resolve("/").toString();
  }

  private static String key() {
    return RunningAlmanac.get().stack().adminAuthorization().substring("Bearer ".length());
  }

  private static Path loaderJar() throws IOException {
    try (Stream<Path> jars = Files.list(Path.of("..", "loader", "target"))) {
      return jars.filter(p -> p.getFileName().toString().matches("loader-.*-exec\\.jar")).findFirst()
          .orElseThrow(() -> new IllegalStateException("loader/target/loader-*-exec.jar is not built"));
    }
  }

  private Process start(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
        loaderJar().toAbsolutePath().toString()));
    command.addAll(List.of(args));
    String tag = Long.toString(System.nanoTime());
    return new ProcessBuilder(command).redirectOutput(dir.resolve("out-" + tag).toFile())
        .redirectError(dir.resolve("err-" + tag).toFile()).start();
  }

  private Result load(String... args) throws Exception {
    return load(null, args);
  }

  /** Runs the loader in {@link #dir}, with {@code stdin} (when not null) as its standard input. */
  private Result load(Path stdin, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
        loaderJar().toAbsolutePath().toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile())
        .redirectError(err.toFile());
    if (stdin != null) {
      builder.redirectInput(stdin.toFile());
    }
    Process process = builder.start();
    assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("the loader ended within 3 minutes").isTrue();
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static String provider(String name) {
    return admin().data("mutation($n: String!) { createProvider(input: {name: $n, type: FILE}) { id } }",
        Map.of("n", name + " " + System.nanoTime())).path("createProvider").path("id").asString();
  }

  private static String series(String provider, String externalId) {
    return admin().data("""
        mutation($p: ID!, $x: String!) { upsertSeries(input: [{providerId: $p, externalId: $x, title: $x,
          frequency: MONTHLY}]) { series { id } errors { message } } }""", Map.of("p", provider, "x", externalId))
        .path("upsertSeries").path("series").get(0).path("id").asString();
  }

  /** Every stored observation of a series (every vintage), through the gateway. */
  private static List<Obs> stored(String seriesId) {
    JsonNode series = admin().data("""
        query($id: ID!) { series(id: $id) { vintages } }""", Map.of("id", seriesId))
        .path("series");
    List<Obs> all = new ArrayList<>();
    for (JsonNode vintage : series.path("vintages")) {
      // Each vintage's own rows: the as-of view of that vintage keeps rows revised on exactly that date.
      JsonNode nodes = admin().data("""
          query($id: ID!, $v: Date!) { series(id: $id) { observations(asOf: $v, first: 10000) {
            nodes { date value revisionDate } } } }""", Map.of("id", seriesId, "v", vintage.asString()))
          .path("series").path("observations").path("nodes");
      for (JsonNode n : nodes) {
        Obs obs = new Obs(n.path("date").asString(), plain(n.path("value").asString(null)),
            n.path("revisionDate").asString());
        if (obs.revisionDate().equals(vintage.asString()) && !all.contains(obs)) {
          all.add(obs);
        }
      }
    }
    all.sort(java.util.Comparator.comparing(Obs::date).thenComparing(Obs::revisionDate));
    return all;
  }

  private static String plain(String decimal) {
    return decimal == null ? null : new BigDecimal(decimal).stripTrailingZeros().toPlainString();
  }

  private static List<Obs> sorted(List<Obs> expected) {
    List<Obs> normal = new ArrayList<>();
    for (Obs o : expected) {
      normal.add(new Obs(o.date(), plain(o.value()), o.revisionDate()));
    }
    normal.sort(java.util.Comparator.comparing(Obs::date).thenComparing(Obs::revisionDate));
    return normal;
  }

  private static JsonNode run(String runId) {
    return admin().data("query($id: ID!) { run(id: $id) { status recordsIngested recordsFailed logs } }",
        Map.of("id", runId)).path("run");
  }

  /** Monthly points from 2015-01-01, two vintages for every third date, values with up to 10 decimals. */
  private static List<Obs> history(int n, int seed) {
    List<Obs> points = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String date = LocalDate.of(2015, 1, 1).plusMonths(i).toString();
      String value = new BigDecimal(seed * 1000 + i).add(new BigDecimal("0.0123456789")).toPlainString();
      points.add(new Obs(date, value, "2024-01-15"));
      if (i % 3 == 0) {
        points.add(new Obs(date, new BigDecimal(value).negate().toPlainString(), "2024-03-15"));
      }
    }
    return points;
  }

  private static void writeCsv(Path file, String externalId, List<Obs> points) throws IOException {
    StringBuilder csv = new StringBuilder("external_id,date,value,revision_date\n");
    for (Obs p : points) {
      csv.append(externalId).append(',').append(p.date()).append(',').append(p.value()).append(',')
          .append(p.revisionDate()).append('\n');
    }
    Files.writeString(file, csv);
  }

  private static void writeNdjson(Path file, String seriesId, List<Obs> points) throws IOException {
    StringBuilder ndjson = new StringBuilder();
    for (Obs p : points) {
      // Values as JSON numbers: the loader must keep their exact text.
      ndjson.append("{\"seriesId\": ").append(seriesId).append(", \"date\": \"").append(p.date())
          .append("\", \"value\": ").append(p.value()).append(", \"revisionDate\": \"").append(p.revisionDate())
          .append("\"}\n");
    }
    Files.writeString(file, ndjson);
  }

  private static void writeParquet(Path file, String externalId, List<Obs> points) throws IOException {
    MessageType schema = MessageTypeParser.parseMessageType("message points { required binary externalId (STRING);"
        + " required int32 date (DATE); optional fixed_len_byte_array(16) value (DECIMAL(38,10));"
        + " required binary revision_date (STRING); }");
    try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema).build()) {
      SimpleGroupFactory groups = new SimpleGroupFactory(schema);
      for (Obs p : points) {
        BigInteger unscaled = new BigDecimal(p.value()).setScale(10).unscaledValue();
        byte[] bytes = unscaled.toByteArray();
        byte[] fixed = new byte[16];
        java.util.Arrays.fill(fixed, 0, 16 - bytes.length, (byte) (unscaled.signum() < 0 ? 0xFF : 0));
        System.arraycopy(bytes, 0, fixed, 16 - bytes.length, bytes.length);
        writer.write(groups.newGroup().append("externalId", externalId)
            .append("date", (int) LocalDate.parse(p.date()).toEpochDay())
            .append("value", Binary.fromConstantByteArray(fixed)).append("revision_date", p.revisionDate()));
      }
    }
  }

  @Test
  void aFolderOfCsvNdjsonAndParquetIsLoadedAndARerunWritesNothingTwice() throws Exception {
    String provider = provider("Loader Bureau");
    String a = series(provider, "LOAD_A");
    String b = series(provider, "LOAD_B");
    String c = series(provider, "LOAD_C");
    List<Obs> pa = history(40, 1);
    List<Obs> pb = history(25, 2);
    List<Obs> pc = history(33, 3);
    Path folder = Files.createDirectories(dir.resolve("in"));
    writeCsv(folder.resolve("a.csv"), "LOAD_A", pa);
    writeNdjson(folder.resolve("b.ndjson"), b, pb);
    writeParquet(folder.resolve("c.parquet"), "LOAD_C", pc);
    Files.writeString(folder.resolve("notes.md"), "not points"); // not a format the loader reads: left out
    int total = pa.size() + pb.size() + pc.size();
    // 10 points a batch: a.csv 54 points -> 6 batches, b 34 -> 4, c 44 -> 5.
    int batches = 6 + 4 + 5;

    Result first = load(folder.toString(), "--provider", provider, "--run", "--batch-size", "10",
        "--url", crawlerUrl(), "--key", key());
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.summary()).containsExactly(3, total, total, batches, total, 0, 0, 0, 0);
    assertThat(stored(a)).isEqualTo(sorted(pa));
    assertThat(stored(b)).isEqualTo(sorted(pb));
    assertThat(stored(c)).isEqualTo(sorted(pc));
    JsonNode firstRun = run(first.runId());
    assertThat(firstRun.path("status").asString()).isEqualTo("SUCCEEDED");
    assertThat(firstRun.path("recordsIngested").asLong()).isEqualTo(total);
    assertThat(firstRun.path("logs").toString()).contains(total + " points");

    Result again = load(folder.toString(), "--provider", provider, "--run", "--batch-size", "10",
        "--url", crawlerUrl(), "--key", key());
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.summary()).containsExactly(3, total, 0, 0, 0, 0, batches, total, 0);
    JsonNode rerun = run(again.runId());
    assertThat(again.runId()).isNotEqualTo(first.runId());
    assertThat(rerun.path("status").asString()).isEqualTo("SUCCEEDED");
    assertThat(rerun.path("recordsIngested").asLong()).isZero();
    assertThat(stored(a)).isEqualTo(sorted(pa));
    assertThat(stored(c)).isEqualTo(sorted(pc));
  }

  @Test
  void aLoaderKilledMidwayIsRerunAndSendsOnlyTheRest() throws Exception {
    String provider = provider("Loader Crash Bureau");
    String d = series(provider, "LOAD_D");
    List<Obs> points = history(1500, 4); // 2,000 points
    Path file = dir.resolve("d.csv");
    writeCsv(file, "LOAD_D", points);
    int batchSize = 40;
    int batches = (points.size() + batchSize - 1) / batchSize;
    String prefix = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)))
        .substring(0, 16) + ":" + provider + ":";

    Process loader = start(file.toString(), "--provider", provider, "--batch-size", Integer.toString(batchSize),
        "--url", crawlerUrl(), "--key", key());
    // Killed (SIGKILL) once its third batch is in the archive: with 4 batches in flight (the default), at most 7 of
    // its 50 had been sent by then.
    String third = prefix + (2 * batchSize) + "-" + (3 * batchSize);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (admin().data("query($b: ID!) { archivedBatch(batchId: $b) { batchId } }", Map.of("b", third))
        .path("archivedBatch").isNull()) {
      assertThat(loader.isAlive()).as("the loader is still running").isTrue();
      assertThat(Instant.now()).as("batch %s archived within 90 s", third).isBefore(deadline);
      loader.waitFor(20, TimeUnit.MILLISECONDS);
    }
    loader.destroyForcibly();
    assertThat(loader.waitFor(30, TimeUnit.SECONDS)).isTrue();

    Result rerun = load(file.toString(), "--provider", provider, "--batch-size", Integer.toString(batchSize),
        "--url", crawlerUrl(), "--key", key());
    assertThat(rerun.exit()).as(rerun.err()).isZero();
    long[] s = rerun.summary();
    System.out.println("Rerun after the kill: " + rerun.out().lines().findFirst().orElse(""));
    long sentBatches = s[3];
    long skippedBatches = s[6];
    // The third batch was archived before the kill, so the server holds it (finished by its first request, or by
    // the rerun, which then gets its stored result): at least it is skipped; batches sent with it (--parallel)
    // may be too.
    assertThat(skippedBatches).as("batches the killed loader had sent").isGreaterThanOrEqualTo(1);
    assertThat(sentBatches).as("batches it had not reached").isGreaterThanOrEqualTo(1);
    assertThat(sentBatches + skippedBatches).isEqualTo(batches);
    assertThat(s[2] + s[7]).isEqualTo(points.size());
    assertThat(stored(d)).isEqualTo(sorted(points));
  }

  @Test
  void anInterruptedLoadCancelsItsRun() throws Exception {
    String provider = provider("Loader Interrupt Bureau");
    series(provider, "LOAD_G");
    Path file = dir.resolve("g.csv");
    writeCsv(file, "LOAD_G", history(1500, 5));
    Process loader = start(file.toString(), "--provider", provider, "--run", "--batch-size", "10",
        "--url", crawlerUrl(), "--key", key());
    String runs = "query($p: ID!) { runs(providerId: $p) { nodes { id status recordsIngested errorMessage } } }";
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (admin().data(runs, Map.of("p", provider)).path("runs").path("nodes").path(0)
        .path("recordsIngested").asLong() == 0) {
      assertThat(loader.isAlive()).as("the loader is still running").isTrue();
      assertThat(Instant.now()).as("the run counts points within 90 s").isBefore(deadline);
      loader.waitFor(20, TimeUnit.MILLISECONDS);
    }
    loader.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the JVM's shutdown hooks run
    assertThat(loader.waitFor(60, TimeUnit.SECONDS)).isTrue();
    JsonNode run = admin().data(runs, Map.of("p", provider)).path("runs").path("nodes").path(0);
    assertThat(run.path("status").asString()).isEqualTo("CANCELLED");
    assertThat(run.path("errorMessage").asString()).contains("interrupted");
    assertThat(run.path("recordsIngested").asLong()).isBetween(10L, 1999L);
  }

  @Test
  void aDryRunWritesNothingAndRejectedRowsCarryTheirCodes() throws Exception {
    String provider = provider("Loader Dry Bureau");
    String e = series(provider, "LOAD_E");
    Path file = dir.resolve("e.csv");
    Files.writeString(file, """
        externalId,date,value,revisionDate
        LOAD_E,2024-01-01,1.5,2024-02-01
        LOAD_E,2024-02-01,abc,2024-03-01
        NO_SUCH_SERIES,2024-03-01,2,2024-04-01
        LOAD_E,2024-02-30,3,2024-04-01
        LOAD_E,2024-04-01
        LOAD_E,2024-05-01,4.25,2024-06-01
        """);
    Path rejectedFile = dir.resolve("e.csv.rejected.csv");
    String prefix = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)))
        .substring(0, 16) + ":" + provider + ":";

    Result dry = load(file.toString(), "--provider", provider, "--dry-run", "--url", crawlerUrl(), "--key", key());
    assertThat(dry.exit()).as(dry.err()).isEqualTo(1);
    assertThat(dry.out()).contains("dry run, nothing written");
    assertThat(dry.summary()).containsExactly(1, 6, 5, 1, 2, 4, 0, 0, 4);
    Map<Long, String> expectedCodes = Map.of(3L, "INVALID_VALUE", 4L, "UNKNOWN_SERIES", 5L, "INVALID_DATE",
        6L, "MALFORMED_RECORD");
    assertThat(codes(rejectedFile)).isEqualTo(expectedCodes);
    assertThat(stored(e)).isEmpty();
    assertThat(admin().data("query($b: ID!) { archivedBatch(batchId: $b) { batchId } }", Map.of("b", prefix + "0-6"))
        .path("archivedBatch").isNull()).isTrue();

    // The same file on standard input: the same answer, its rejected rows in the working folder.
    Result piped = load(file, "-", "--provider", provider, "--dry-run", "--url", crawlerUrl(), "--key", key());
    assertThat(piped.exit()).as(piped.err()).isEqualTo(1);
    assertThat(piped.summary()).containsExactly(dry.summary());
    assertThat(codes(dir.resolve("stdin.rejected.csv"))).isEqualTo(expectedCodes);

    Result atomic = load(file.toString(), "--provider", provider, "--atomic", "--url", crawlerUrl(), "--key", key());
    assertThat(atomic.exit()).as(atomic.err()).isEqualTo(1);
    Map<Long, String> atomicCodes = new java.util.HashMap<>(expectedCodes);
    atomicCodes.put(2L, "ATOMIC_BATCH_FAILED");
    atomicCodes.put(7L, "ATOMIC_BATCH_FAILED");
    assertThat(codes(rejectedFile)).isEqualTo(atomicCodes);
    assertThat(stored(e)).isEmpty();

    // A corrected file is a new file (another hash): its batches are new, and its rows are written.
    Files.writeString(file, Files.readString(file).replace("LOAD_E,2024-02-01,abc", "LOAD_E,2024-02-01,2.5"));
    Result fixed = load(file.toString(), "--provider", provider, "--url", crawlerUrl(), "--key", key());
    assertThat(fixed.exit()).isEqualTo(1);
    assertThat(fixed.summary()[4]).isEqualTo(3);
    assertThat(codes(rejectedFile)).doesNotContainKey(3L).containsEntry(4L, "UNKNOWN_SERIES");
    assertThat(stored(e)).containsExactly(new Obs("2024-01-01", "1.5", "2024-02-01"),
        new Obs("2024-02-01", "2.5", "2024-03-01"), new Obs("2024-05-01", "4.25", "2024-06-01"));
  }

  /** record (line) -> code of a rejected-rows file. */
  private static Map<Long, String> codes(Path rejected) throws IOException {
    Map<Long, String> codes = new java.util.HashMap<>();
    try (Reader in = Files.newBufferedReader(rejected, StandardCharsets.UTF_8)) {
      for (CSVRecord row : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
        codes.put(Long.parseLong(row.get("record")), row.get("code"));
        assertThat(row.get("message")).isNotBlank();
      }
    }
    return codes;
  }

  @Test
  void failuresAreOneSentenceAndAnExitCode() throws Exception {
    Path file = dir.resolve("f.csv");
    Files.writeString(file, "seriesId,date,value\n1,2024-01-01,1\n");
    String provider = provider("Loader Errors Bureau");

    Result missing = load(dir.resolve("nope.csv").toString(), "--provider", provider, "--url", crawlerUrl(),
        "--key", key());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("nope.csv: no such file or folder");

    // A link to a device that never ends is refused at once, not hashed forever.
    Path endless = dir.resolve("zero.csv");
    Files.createSymbolicLink(endless, Path.of("/dev/zero"));
    Result device = load(endless.toString(), "--provider", provider, "--url", crawlerUrl(), "--key", key());
    assertThat(device.exit()).isEqualTo(2);
    assertThat(device.err()).contains("zero.csv: not a regular file");
    Files.delete(endless);

    Result unknownProvider = load(file.toString(), "--provider", "987654321", "--url", crawlerUrl(), "--key", key());
    assertThat(unknownProvider.exit()).isEqualTo(4);
    assertThat(unknownProvider.err()).contains("No provider with id '987654321'");

    Result badKey = load(file.toString(), "--provider", provider, "--url", crawlerUrl(),
        "--key", "alm_00000000_" + "0".repeat(48));
    assertThat(badKey.exit()).isEqualTo(4);
    assertThat(badKey.err()).contains("The key was refused");

    URI closed;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closed = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
    }
    Result down = load(file.toString(), "--provider", provider, "--url", closed.toString(), "--key", key());
    assertThat(down.exit()).isEqualTo(3);
    assertThat(down.err()).contains("unreachable");

    for (Result r : List.of(missing, device, unknownProvider, badKey, down)) {
      assertThat(r.err()).doesNotContain("Exception", "\tat ");
      assertThat(r.out()).isEmpty();
    }
  }
}
