package io.almanac.loader;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code almanac-load FILE|DIR|- --provider ID [--run] [--atomic] [--dry-run] [--batch-size N] [--parallel N]
 * [--url URL] [--key KEY]}: uploads files of points to the crawler API's bulk path (see {@link Loader}). Progress on standard
 * error, the summary on standard output, rejected rows to {@code <input>.rejected.csv} beside each input.
 *
 * <p>Exit codes: {@value #EXIT_OK} every point accepted (or already loaded); {@value #EXIT_REJECTED} some rows
 * rejected (listed in the rejected-rows files); {@value #EXIT_USAGE} bad usage or an input that cannot be read;
 * {@value #EXIT_UNAVAILABLE} the crawler API unreachable or unavailable (after retries; run again to send the
 * rest); {@value #EXIT_REFUSED} refused by the server: bad key, a key that may not upload, unknown provider.
 */
@Command(name = "almanac-load", mixinStandardHelpOptions = true, version = "almanac-load 0.1.0",
    sortOptions = false, usageHelpAutoWidth = true,
    description = {"Uploads CSV, NDJSON or Parquet files of points to Almanac's bulk path in resumable batches:"
        + " running it again after a failure sends again only what was not acknowledged."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every point accepted (or already loaded)", "1:some rows rejected (see <input>.rejected.csv)",
        "2:bad usage, or an input that cannot be read", "3:the crawler API unreachable or unavailable; run again",
        "4:refused: bad key, a key that may not upload, unknown provider"})
public final class LoadMain implements Callable<Integer> {

  static final int EXIT_OK = 0;
  static final int EXIT_REJECTED = 1;
  static final int EXIT_USAGE = 2;
  static final int EXIT_UNAVAILABLE = 3;
  static final int EXIT_REFUSED = 4;

  /** The default crawler API of {@code ./almanac start}. */
  static final String DEFAULT_URL = "http://127.0.0.1:4002";

  @Spec
  CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE|DIR|-",
      description = "Files (.csv .tsv .txt, .ndjson .jsonl, .parquet), folders (every such file in them, by name;"
          + " *.rejected.csv left out) or - for standard input (format detected)")
  List<String> inputs;

  @Option(names = "--provider", required = true, paramLabel = "ID",
      description = "The provider: points naming their series by externalId alone get it as providerId")
  String provider;

  @Option(names = "--run", description = "Start an ingestion run for the provider, name it in every batch, finish it"
      + " with the totals")
  boolean run;

  @Option(names = "--atomic", description = "Each batch all or nothing: a batch with an invalid point writes nothing")
  boolean atomic;

  @Option(names = "--dry-run", description = "Validate every batch on the server (dryRun=true) and write nothing")
  boolean dryRun;

  @Option(names = "--batch-size", defaultValue = "10000", paramLabel = "N",
      description = "Points per batch (1 to 100,000, the server's limit; default ${DEFAULT-VALUE})")
  int batchSize;

  @Option(names = "--parallel", defaultValue = "4", paramLabel = "N",
      description = "Batches in flight at once (1 to 16; default ${DEFAULT-VALUE}): the server commits concurrent"
          + " batches together")
  int parallel;

  @Option(names = "--url", paramLabel = "URL", description = "The crawler API (not the gateway, which does not forward"
      + " /bulk/points). Default: $ALMANAC_CRAWLER_URL or " + DEFAULT_URL)
  String url;

  @Option(names = "--key", paramLabel = "KEY", description = "A CRAWLER or ADMIN API key. Default: $ALMANAC_KEY")
  String key;

  @Option(names = "--retry-for", defaultValue = "PT2M", paramLabel = "DURATION",
      description = "How long to retry a batch while the server is unreachable, busy or unavailable (ISO-8601,"
          + " default ${DEFAULT-VALUE})")
  Duration retryFor;

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine line = new CommandLine(new LoadMain());
    line.setOut(new java.io.PrintWriter(out, true));
    line.setErr(new java.io.PrintWriter(err, true));
    line.setParameterExceptionHandler((e, args2) -> {
      err.println("almanac-load: " + e.getMessage());
      err.println("Usage: almanac-load FILE|DIR|- --provider ID [--run] [--atomic] [--dry-run] [--batch-size N]"
          + " [--url URL] [--key KEY]   (--help for more)");
      return EXIT_USAGE;
    });
    line.setExecutionExceptionHandler((e, command, parsed) -> {
      if (e instanceof LoaderException failure) {
        err.println("almanac-load: " + failure.getMessage());
        return failure.exitCode();
      }
      err.println("almanac-load: failed: " + message(e));
      return EXIT_UNAVAILABLE;
    });
    return line.execute(args);
  }

  @Override
  public Integer call() throws IOException {
    if (batchSize < 1 || batchSize > 100_000) {
      throw usage("--batch-size must be 1 to 100,000 (the server's limit per batch), not " + batchSize);
    }
    if (parallel < 1 || parallel > 16) {
      throw usage("--parallel must be 1 to 16, not " + parallel);
    }
    if (run && dryRun) {
      throw usage("--run and --dry-run together: a dry run writes nothing, not even a run");
    }
    String apiKey = key != null ? key : System.getenv("ALMANAC_KEY");
    if (apiKey == null || apiKey.isBlank()) {
      throw usage("no key: give --key KEY or set ALMANAC_KEY (a CRAWLER or ADMIN key; ./almanac start prints one)");
    }
    String base = url != null ? url : System.getenv().getOrDefault("ALMANAC_CRAWLER_URL", DEFAULT_URL);
    URI uri;
    try {
      uri = URI.create(base.endsWith("/") ? base : base + "/");
      if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
    } catch (IllegalArgumentException e) {
      throw usage("--url " + base + " is not an http(s) URL such as " + DEFAULT_URL);
    }
    List<Loader.Input> files = new ArrayList<>();
    for (String input : inputs) {
      files.addAll(resolve(input));
    }
    Loader.Summary summary = new Loader(new Loader.Options(provider, run, atomic, dryRun, batchSize, parallel, uri,
        apiKey.strip(), retryFor), System.err, System.console() != null).load(files);
    spec.commandLine().getOut().println(describe(summary, dryRun));
    for (Path rejected : summary.rejectedFiles()) {
      spec.commandLine().getOut().println("Rejected rows with their codes: " + rejected);
    }
    return summary.rejectedRows() > 0 ? EXIT_REJECTED : EXIT_OK;
  }

  private List<Loader.Input> resolve(String input) throws IOException {
    if (input.equals("-")) {
      return List.of(fromStandardInput());
    }
    Path path = Path.of(input);
    if (Files.isDirectory(path)) {
      List<Loader.Input> found;
      try (Stream<Path> children = Files.list(path)) {
        found = children.filter(Files::isRegularFile)
            .filter(f -> !f.getFileName().toString().endsWith(".rejected.csv"))
            .filter(f -> PointFiles.Format.of(f) != null)
            .sorted()
            .map(f -> new Loader.Input(f, PointFiles.Format.of(f), rejectedPath(f), f.toString()))
            .toList();
      }
      if (found.isEmpty()) {
        throw usage(input + ": no .csv, .tsv, .txt, .ndjson, .jsonl or .parquet files in this folder");
      }
      return found;
    }
    if (!Files.exists(path)) {
      throw usage(input + ": no such file or folder");
    }
    if (!Files.isReadable(path)) {
      throw usage(input + ": permission denied");
    }
    if (!Files.isRegularFile(path)) {
      // A device or pipe (a link to /dev/zero) never ends: its hash would be read forever. Stdin is `-`.
      throw usage(input + ": not a regular file (a device, pipe or socket); pipe it to standard input with `-`");
    }
    PointFiles.Format format = PointFiles.Format.of(path);
    if (format == null) {
      throw usage(input + ": not a file the loader reads (.csv, .tsv, .txt, .ndjson, .jsonl, .parquet)");
    }
    return List.of(new Loader.Input(path, format, rejectedPath(path), input));
  }

  private static Path rejectedPath(Path file) {
    return file.resolveSibling(file.getFileName() + ".rejected.csv");
  }

  /** Standard input, kept in a temporary file: its hash names the batches before the first is sent. */
  private static Loader.Input fromStandardInput() throws IOException {
    Path copy = Files.createTempFile("almanac-load-", ".stdin");
    copy.toFile().deleteOnExit();
    try (InputStream in = System.in) {
      Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    byte[] head = new byte[64];
    int n;
    try (InputStream in = Files.newInputStream(copy)) {
      n = in.readNBytes(head, 0, head.length);
    }
    PointFiles.Format format = PointFiles.Format.sniff(java.util.Arrays.copyOf(head, n));
    return new Loader.Input(copy, format, Path.of("stdin.rejected.csv").toAbsolutePath(), "standard input");
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  /** The summary line (also the finished run's log line). */
  static String describe(Loader.Summary s, boolean dryRun) {
    String verb = dryRun ? "validated (dry run, nothing written)" : "sent";
    return String.format("%d files, %,d points: %,d %s in %,d batches (%,d accepted, %,d rejected);"
            + " %,d batches (%,d points) already loaded, skipped; %,d rejected rows; %.1f s, %,.0f points/s%s",
        s.files(), s.points(), s.pointsSent(), verb, s.batchesSent(), s.accepted(), s.rejected(), s.batchesSkipped(),
        s.pointsSkipped(), s.rejectedRows(), s.took().toNanos() / 1e9, s.pointsPerSecond(),
        s.runId() != null ? "; run " + s.runId() : "");
  }

  /** An exception in words, without its class name unless it has no message. */
  static String message(Throwable e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return e.getMessage() + ": no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return e.getMessage() + ": permission denied";
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
