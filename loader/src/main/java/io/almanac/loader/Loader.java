package io.almanac.loader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;

/**
 * Loads files of points into Almanac through the crawler API's bulk path, in batches whose ids make a rerun
 * resumable: {@code <first 16 hex digits of the file's SHA-256>:<provider>:<from>-<to>} (0-based positions of the
 * file's points, {@code to} exclusive). A batch the server already applied is answered from its ledger
 * ({@code replayed: true}) and writes nothing, so a rerun after a crash re-sends every body but writes only what
 * was not acknowledged; a corrected file has another hash, so its batches are new. The ledger is asked by
 * sending, not by {@code archivedBatch}: a batch can be archived while its observations were never committed
 * (a crash between the two commits), which only a re-send completes.
 *
 * <p>Up to {@code parallel} batches are in flight at once (the server groups concurrent batches into one commit);
 * their answers are taken in file order.
 */
final class Loader {

  /** What the loader was asked to do. */
  record Options(String provider, boolean run, boolean atomic, boolean dryRun, int batchSize, int parallel,
      URI url, String key, Duration retryFor) {}

  /** One input: where its points are read from and where its rejected rows go. */
  record Input(Path file, PointFiles.Format format, Path rejected, String name) {}

  /** What a load did. Points and batches already applied by an earlier load are "skipped". */
  record Summary(int files, long points, long pointsSent, long accepted, long rejected, long batchesSent,
      long batchesSkipped, long pointsSkipped, long rejectedRows, List<Path> rejectedFiles, String runId,
      Duration took) {
    double pointsPerSecond() {
      double seconds = took.toNanos() / 1e9;
      return seconds > 0 ? pointsSent / seconds : 0;
    }
  }

  private static final List<String> REJECTED_HEADER =
      List.of("record", "code", "message", "seriesId", "providerId", "externalId", "date", "value", "revisionDate");

  private final Options options;
  private final CrawlerClient client;
  private final PrintStream err;
  private final boolean terminal;
  /** Sends up to {@code parallel} batches at once; daemon threads, so a failed load still exits. */
  private final ExecutorService uploads;

  private long pointsSent;
  private long accepted;
  private long rejected;
  private long batchesSent;
  private long batchesSkipped;
  private long pointsSkipped;
  private long rejectedRows;

  Loader(Options options, PrintStream err, boolean terminal) {
    this.options = options;
    this.client = new CrawlerClient(options.url(), options.key(), options.retryFor());
    this.err = err;
    this.terminal = terminal;
    this.uploads = Executors.newFixedThreadPool(options.parallel(), r -> {
      Thread t = new Thread(r, "almanac-load-upload");
      t.setDaemon(true);
      return t;
    });
  }

  Summary load(List<Input> inputs) throws IOException {
    checkProvider();
    List<PointFiles.Fingerprint> prints = new ArrayList<>();
    long total = 0;
    for (Input input : inputs) {
      PointFiles.Fingerprint print;
      try {
        print = PointFiles.fingerprint(input.file(), input.format());
      } catch (IOException | RuntimeException e) {
        throw new LoaderException(LoadMain.EXIT_USAGE, input.name() + ": cannot be read as " + input.format() + ": "
            + LoadMain.message(e));
      }
      prints.add(print);
      total += print.points();
    }
    String runId = options.run() ? startRun(inputs) : null;
    // Ctrl-C (SIGINT, SIGTERM) ends the run as CANCELLED rather than leaving it RUNNING until the server's sweep.
    Thread cancel = runId == null ? null : new Thread(() -> finishRun(runId, "CANCELLED",
        "almanac load was interrupted; run it again to send the rest", Duration.ZERO), "almanac-load-cancel");
    if (cancel != null) {
      Runtime.getRuntime().addShutdownHook(cancel);
    }
    long started = System.nanoTime();
    List<Path> rejectedFiles = new ArrayList<>();
    try (Progress progress = Progress.to(err, total, terminal)) {
      for (int i = 0; i < inputs.size(); i++) {
        if (loadFile(inputs.get(i), prints.get(i), runId, progress)) {
          rejectedFiles.add(inputs.get(i).rejected());
        }
      }
    } catch (RuntimeException | IOException e) {
      dropCancelHook(cancel);
      if (runId != null) {
        finishRun(runId, "FAILED", e.getMessage(), Duration.ofSeconds(5));
      }
      throw e;
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    Summary summary = new Summary(inputs.size(), total, pointsSent, accepted, rejected, batchesSent, batchesSkipped,
        pointsSkipped, rejectedRows, rejectedFiles, runId, took);
    dropCancelHook(cancel);
    if (runId != null) {
      finishRun(runId, "SUCCEEDED", null, options.retryFor(), LoadMain.describe(summary, options.dryRun()));
    }
    return summary;
  }

  /** Removes the cancelling hook: the run is finished here; during a shutdown, the hook finishes it. */
  private static void dropCancelHook(Thread cancel) {
    if (cancel == null) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(cancel);
    } catch (IllegalStateException shuttingDown) {
      throw new LoaderException(LoadMain.EXIT_UNAVAILABLE, "Interrupted; the run is cancelled");
    }
  }

  private void checkProvider() {
    // The first contact: an unreachable server or a bad key is reported at once, not after retries.
    JsonNode provider = client.graphql("query($id: ID!) { provider(id: $id) { id name } }",
        Map.of("id", options.provider()), Duration.ZERO).path("provider");
    if (provider.isMissingNode() || provider.isNull()) {
      throw new LoaderException(LoadMain.EXIT_REFUSED, "No provider with id '" + options.provider()
          + "'. List them with { providers { nodes { id name } } }, or create one with createProvider.");
    }
  }

  private String startRun(List<Input> inputs) {
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("loader", "almanac load");
    parameters.put("files", inputs.stream().map(Input::name).toList());
    parameters.put("batchSize", options.batchSize());
    parameters.put("atomic", options.atomic());
    JsonNode run = client.graphql("mutation($p: ID!, $params: JSON) { startRun(providerId: $p, parameters: $params) { id } }",
        Map.of("p", options.provider(), "params", parameters)).path("startRun");
    return run.path("id").asString();
  }

  private void finishRun(String runId, String status, String errorMessage, Duration retry, String... logs) {
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put("id", runId);
    variables.put("status", status);
    variables.put("message", errorMessage);
    variables.put("logs", List.of(logs));
    try {
      client.graphql("mutation($id: ID!, $status: RunStatus!, $message: String, $logs: [String!]) {"
          + " finishRun(runId: $id, status: $status, errorMessage: $message, logs: $logs) { id } }", variables, retry);
    } catch (LoaderException e) {
      err.println("Run " + runId + " could not be finished as " + status + ": " + e.getMessage());
      if ("SUCCEEDED".equals(status)) {
        throw e;
      }
    }
  }

  /** Loads one file; true when it had rejected rows (written beside it). */
  private boolean loadFile(Input input, PointFiles.Fingerprint print, String runId, Progress progress)
      throws IOException {
    String prefix = print.sha256().substring(0, 16) + ":" + options.provider() + ":";
    long rowsBefore = rejectedRows;
    ArrayDeque<Pending> inFlight = new ArrayDeque<>();
    try (RejectedRows rejects = new RejectedRows(input.rejected());
        PointFiles.PointReader reader = open(input)) {
      List<Point> batch = new ArrayList<>(Math.min(options.batchSize(), 100_000));
      long position = 0;
      while (true) {
        Point point = read(reader, input);
        if (point != null) {
          batch.add(point.withDefaultProvider(options.provider()));
        }
        if (batch.size() == options.batchSize() || (point == null && !batch.isEmpty())) {
          String batchId = prefix + position + "-" + (position + batch.size());
          inFlight.add(send(batchId, batch, runId));
          position += batch.size();
          batch = new ArrayList<>(Math.min(options.batchSize(), 100_000));
          // Results are taken in batch order, so counts and rejected rows follow the file.
          while (inFlight.size() >= options.parallel()) {
            settle(inFlight.poll(), rejects, progress);
          }
        }
        if (point == null) {
          break;
        }
      }
      while (!inFlight.isEmpty()) {
        settle(inFlight.poll(), rejects, progress);
      }
    } finally {
      inFlight.forEach(pending -> pending.result().cancel(true));
    }
    return rejectedRows > rowsBefore;
  }

  private static PointFiles.PointReader open(Input input) throws IOException {
    try {
      return PointFiles.open(input.file(), input.format());
    } catch (IOException | RuntimeException e) {
      throw new LoaderException(LoadMain.EXIT_USAGE, input.name() + ": cannot be read as " + input.format() + ": "
          + LoadMain.message(e));
    }
  }

  private static Point read(PointFiles.PointReader reader, Input input) {
    try {
      return reader.next();
    } catch (IOException | RuntimeException e) {
      throw new LoaderException(LoadMain.EXIT_USAGE, input.name() + ": cannot be read as " + input.format() + ": "
          + LoadMain.message(e));
    }
  }

  /** A batch on its way: its points, those not sendable, and the server's answer to come (null: nothing sent). */
  private record Pending(String batchId, List<Point> points, List<Point> sendable, List<Point> malformed,
      CompletableFuture<CrawlerClient.BatchResult> result) {}

  private Pending send(String batchId, List<Point> batch, String runId) {
    List<Point> sendable = new ArrayList<>(batch.size());
    List<Point> malformed = new ArrayList<>();
    for (Point p : batch) {
      (p.malformed() != null ? malformed : sendable).add(p);
    }
    CompletableFuture<CrawlerClient.BatchResult> result = sendable.isEmpty()
        ? CompletableFuture.completedFuture(null)
        : CompletableFuture.supplyAsync(() -> client.upload(batchId, runId, options.atomic(), options.dryRun(),
            ndjson(sendable)), uploads);
    return new Pending(batchId, batch, sendable, malformed, result);
  }

  private void settle(Pending pending, RejectedRows rejects, Progress progress) throws IOException {
    CrawlerClient.BatchResult result;
    try {
      result = pending.result().join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
    for (Point p : pending.malformed()) {
      // Not sendable as NDJSON; reported here with the code the bulk path gives an unreadable record.
      rejects.write(p, "MALFORMED_RECORD", p.malformed());
      rejectedRows++;
      rejected++;
    }
    progress.advance(pending.points().size());
    if (result == null) {
      return;
    }
    List<Point> sendable = pending.sendable();
    if (result.replayed()) {
      batchesSkipped++;
      pointsSkipped += sendable.size();
    } else {
      batchesSent++;
      pointsSent += sendable.size();
      accepted += result.successful();
      rejected += result.failed();
    }
    boolean[] reported = new boolean[sendable.size()];
    List<CrawlerClient.PointError> batchErrors = new ArrayList<>();
    for (CrawlerClient.PointError e : result.errors()) {
      if (e.index() == null || e.index() < 0 || e.index() >= sendable.size()) {
        batchErrors.add(e);
      } else {
        rejects.write(sendable.get(e.index()), e.code(), e.message());
        reported[e.index()] = true;
        rejectedRows++;
      }
    }
    if ("REJECTED".equals(result.status()) && !batchErrors.isEmpty()) {
      // Nothing of the batch was written: every point without an error of its own carries the batch's.
      CrawlerClient.PointError why = batchErrors.get(0);
      for (int i = 0; i < sendable.size(); i++) {
        if (!reported[i]) {
          rejects.write(sendable.get(i), why.code(), why.message());
          rejectedRows++;
        }
      }
    }
  }

  /** The points as NDJSON, every field a JSON string (decimals exact) and absent fields left out. */
  private static byte[] ndjson(List<Point> points) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(points.size() * 96);
    // Lines end in '\n' only: no root-value separator besides.
    try (JsonGenerator json = CrawlerClient.JSON.writer().withRootValueSeparator("").createGenerator(out)) {
      for (Point p : points) {
        json.writeStartObject();
        field(json, "seriesId", p.seriesId());
        field(json, "providerId", p.providerId());
        field(json, "externalId", p.externalId());
        field(json, "date", p.date());
        field(json, "value", p.value());
        field(json, "revisionDate", p.revisionDate());
        json.writeEndObject();
        json.writeRaw('\n');
      }
    }
    return out.toByteArray();
  }

  private static void field(JsonGenerator json, String name, String value) {
    if (value != null) {
      json.writeStringProperty(name, value);
    }
  }

  /** {@code <input>.rejected.csv}: created at the first rejected row; a stale one is removed when there is none. */
  private static final class RejectedRows implements AutoCloseable {
    private final Path file;
    private Writer writer;
    private CSVPrinter printer;

    RejectedRows(Path file) {
      this.file = file;
    }

    void write(Point p, String code, String message) throws IOException {
      if (printer == null) {
        writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        printer = CSVFormat.DEFAULT.builder().setHeader(REJECTED_HEADER.toArray(String[]::new)).get().print(writer);
      }
      printer.printRecord(p.record(), code, message, p.seriesId(), p.providerId(), p.externalId(), p.date(),
          p.value(), p.revisionDate());
    }

    @Override
    public void close() throws IOException {
      if (printer != null) {
        printer.close(true);
      } else {
        Files.deleteIfExists(file);
      }
    }
  }
}
