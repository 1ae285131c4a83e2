package io.almanac.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The whole service on one machine: PostgreSQL (embedded unless a URL is given), the three subgraphs
 * as separate JVMs from their built jars, and Hive Gateway from {@code gateway-config/}. Closing it
 * stops every process it started.
 */
public final class LocalStack implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

  /**
   * @param home the repository root (holds the module folders and gateway-config)
   * @param runDir where logs and the local warehouse go
   * @param dbUrl external PostgreSQL JDBC URL, or null to start an embedded one
   * @param gatewayPort 0 picks a free port, as do the subgraph ports
   * @param anonymousReads let requests without an API key run queries (the local demo does)
   * @param settings more environment variables for every subgraph (e.g. {@code ALMANAC_MAX_RESPONSE_POINTS}),
   *     over the launcher's own
   */
  public record Options(Path home, Path runDir, String dbUrl, String dbUser, String dbPassword,
      int gatewayPort, int financialPort, int crawlerPort, int usersPort, boolean anonymousReads,
      Map<String, String> settings) {

    public Options {
      settings = Map.copyOf(settings);
    }

    /** No more settings. */
    public Options(Path home, Path runDir, String dbUrl, String dbUser, String dbPassword,
        int gatewayPort, int financialPort, int crawlerPort, int usersPort, boolean anonymousReads) {
      this(home, runDir, dbUrl, dbUser, dbPassword, gatewayPort, financialPort, crawlerPort, usersPort, anonymousReads,
          Map.of());
    }

    /** Anonymous reads off, as in production. */
    public Options(Path home, Path runDir, String dbUrl, String dbUser, String dbPassword,
        int gatewayPort, int financialPort, int crawlerPort, int usersPort) {
      this(home, runDir, dbUrl, dbUser, dbPassword, gatewayPort, financialPort, crawlerPort, usersPort, false);
    }
  }

  private final Options options;
  private final List<ManagedProcess> processes = new ArrayList<>();
  /** The environment every subgraph process gets (for {@link #startAnother}). */
  private Map<String, String> subgraphEnv = Map.of();
  private EmbeddedPostgres embedded;
  /** The embedded database's port (0 with an external one), kept for {@link #startDatabase()}. */
  private int databasePort;
  /** Processes {@link #pauseDatabase()} stopped, postmaster first. */
  private final List<Long> pausedDatabase = new ArrayList<>();
  private volatile Consumer<ManagedProcess.Exit> watcher;
  private String jdbcUrl;
  private String dbUser;
  private String dbPassword;
  private URI gateway;
  private URI financial;
  private URI crawler;
  private URI users;
  /** The first admin's API key, created by the user subgraph at start (see ALMANAC_BOOTSTRAP_ADMIN_KEY). */
  private final String adminKey = BootstrapKey.generate();

  private LocalStack(Options options) {
    this.options = options;
  }

  public static LocalStack start(Options options) {
    LocalStack stack = new LocalStack(options);
    try {
      stack.startAll();
      return stack;
    } catch (IOException | RuntimeException e) {
      stack.close();
      throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
    }
  }

  private void startAll() throws IOException {
    Path home = options.home().toAbsolutePath().normalize();
    Path warehouse = options.runDir().resolve("warehouse");
    if (options.dbUrl() == null) {
      // A fresh database each start, so the warehouse (whose catalog lives in it) starts fresh too.
      deleteRecursively(warehouse);
      deleteRecursively(databaseDirectory());
      embedded = startEmbedded(0);
      databasePort = embedded.getPort();
      jdbcUrl = embedded.getJdbcUrl("postgres", "postgres");
      dbUser = "postgres";
      dbPassword = "postgres";
    } else {
      jdbcUrl = options.dbUrl();
      dbUser = options.dbUser();
      dbPassword = options.dbPassword();
    }
    Files.createDirectories(warehouse);
    int financialPort = portOrFree(options.financialPort());
    int crawlerPort = portOrFree(options.crawlerPort());
    int usersPort = portOrFree(options.usersPort());
    int gatewayPort = portOrFree(options.gatewayPort());
    financial = URI.create("http://127.0.0.1:" + financialPort + "/graphql");
    crawler = URI.create("http://127.0.0.1:" + crawlerPort + "/graphql");
    users = URI.create("http://127.0.0.1:" + usersPort + "/graphql");
    gateway = URI.create("http://127.0.0.1:" + gatewayPort + "/graphql");

    Map<String, String> env = new HashMap<>(options.settings());
    env.putAll(Map.ofEntries(
        Map.entry("ALMANAC_DB_URL", jdbcUrl),
        Map.entry("ALMANAC_DB_USER", dbUser == null ? "" : dbUser),
        Map.entry("ALMANAC_DB_PASSWORD", dbPassword == null ? "" : dbPassword),
        // A warehouse given in the settings (object storage, s3://...) replaces the local folder.
        Map.entry("ALMANAC_WAREHOUSE", options.settings().getOrDefault("ALMANAC_WAREHOUSE", warehouse.toString())),
        Map.entry("ALMANAC_FINANCIAL_PORT", String.valueOf(financialPort)),
        Map.entry("ALMANAC_CRAWLER_PORT", String.valueOf(crawlerPort)),
        Map.entry("ALMANAC_USERS_PORT", String.valueOf(usersPort)),
        Map.entry("ALMANAC_BOOTSTRAP_ADMIN_KEY", adminKey),
        Map.entry("ALMANAC_ANONYMOUS_READS", String.valueOf(options.anonymousReads()))));
    Path logs = options.runDir().resolve("logs");
    subgraphEnv = env;
    ManagedProcess financialProcess = startSubgraph(home, "financial-subgraph", List.of("-Xmx1g"), env, logs);
    ManagedProcess crawlerProcess = startSubgraph(home, "crawler-write-api", CRAWLER_JVM_OPTIONS, env, logs);
    ManagedProcess usersProcess = startSubgraph(home, "user-subgraph", List.of("-Xmx384m"), env, logs);
    financialProcess.awaitReady(health(financialPort), START_TIMEOUT);
    crawlerProcess.awaitReady(health(crawlerPort), START_TIMEOUT);
    usersProcess.awaitReady(health(usersPort), START_TIMEOUT);

    Path gatewayDir = home.resolve("gateway-config");
    Path hiveGateway = gatewayDir.resolve("node_modules/.bin/hive-gateway");
    if (!Files.exists(hiveGateway)) {
      throw new IllegalStateException("Hive Gateway is not installed: run `npm ci` in " + gatewayDir);
    }
    // The gateway gets the same settings (e.g. a gateway timeout) over its own addresses.
    Map<String, String> gatewayEnv = new HashMap<>(options.settings());
    gatewayEnv.putAll(Map.of("ALMANAC_FINANCIAL_URL", financial.toString(),
        "ALMANAC_CRAWLER_URL", crawler.toString(),
        "ALMANAC_USERS_URL", users.toString(),
        "ALMANAC_GATEWAY_PORT", String.valueOf(gatewayPort),
        "ALMANAC_GATEWAY_HOST", "127.0.0.1"));
    ManagedProcess gatewayProcess = ManagedProcess.start("gateway",
        List.of("node", hiveGateway.toString(), "supergraph"), gatewayDir, gatewayEnv, logs.resolve("gateway.log"));
    processes.add(gatewayProcess);
    gatewayProcess.awaitReady(URI.create("http://127.0.0.1:" + gatewayPort + "/readiness"), START_TIMEOUT);
  }

  /** The embedded database's data directory (kept across {@link #stopDatabase()} and {@link #startDatabase()}). */
  private Path databaseDirectory() {
    return options.runDir().toAbsolutePath().resolve("postgres");
  }

  private EmbeddedPostgres startEmbedded(int port) throws IOException {
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(databaseDirectory())
        .setCleanDataDirectory(false);
    if (port != 0) {
      builder.setPort(port);
    }
    return builder.start();
  }

  /**
   * SIGSTOP to the embedded PostgreSQL, its postmaster first (so it forks no new backend) and then every
   * process it started: it keeps its sockets, the kernel still accepts connections for it, and nothing
   * answers (a stalled database). {@link #resumeDatabase()} undoes it; {@link #close()} too.
   */
  public synchronized void pauseDatabase() {
    if (!pausedDatabase.isEmpty()) {
      throw new IllegalStateException("The database is already paused");
    }
    ProcessHandle postmaster = postmaster();
    pausedDatabase.add(postmaster.pid());
    signal("STOP", postmaster.pid());
    postmaster.descendants().forEach(p -> {
      pausedDatabase.add(p.pid());
      signal("STOP", p.pid());
    });
  }

  /** SIGCONT to every process {@link #pauseDatabase()} stopped. */
  public synchronized void resumeDatabase() {
    for (int i = pausedDatabase.size() - 1; i >= 0; i--) {
      signal("CONT", pausedDatabase.get(i));
    }
    pausedDatabase.clear();
  }

  /**
   * Stops the embedded PostgreSQL (a fast shutdown: sessions are ended, clients see their connections
   * closed, then nothing listens on its port). {@link #startDatabase()} starts it again on the same port
   * and data.
   */
  public synchronized void stopDatabase() throws IOException {
    requireEmbedded();
    embedded.close();
    embedded = null;
  }

  /** Starts the database {@link #stopDatabase()} stopped, on the same port and data directory. */
  public synchronized void startDatabase() throws IOException {
    if (embedded != null) {
      throw new IllegalStateException("The database is running");
    }
    if (databasePort == 0) {
      throw new IllegalStateException("This stack uses an external database");
    }
    embedded = startEmbedded(databasePort);
  }

  /** The postmaster's process, from the first line of {@code postmaster.pid} in its data directory. */
  public ProcessHandle postmaster() {
    requireEmbedded();
    try {
      String pid = Files.readAllLines(databaseDirectory().resolve("postmaster.pid")).get(0).strip();
      return ProcessHandle.of(Long.parseLong(pid))
          .orElseThrow(() -> new IllegalStateException("The postmaster (pid " + pid + ") is not running"));
    } catch (IOException e) {
      throw new UncheckedIOException("Reading postmaster.pid failed", e);
    }
  }

  private void requireEmbedded() {
    if (embedded == null) {
      throw new IllegalStateException(databasePort == 0 ? "This stack uses an external database"
          : "The database is stopped");
    }
  }

  private static void signal(String signal, long pid) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).inheritIO().start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while signalling " + pid, e);
    }
  }

  /**
   * Reports every process of the stack (and those {@link #startAnother} starts later) that exits without
   * being asked to, see {@link ManagedProcess#watch}. The launcher's; tests that kill on purpose need none.
   */
  public synchronized void watch(Consumer<ManagedProcess.Exit> listener) {
    watcher = listener;
    processes.forEach(p -> p.watch(listener));
  }

  /**
   * Uploads of 10,000 points allocate request bodies and archive text of about a megabyte, which G1
   * with 1 MiB regions treats as humongous: measured during the benchmark's load, 51 of 126
   * collections were triggered by them. With 8 MiB regions they are ordinary young objects.
   */
  static final List<String> CRAWLER_JVM_OPTIONS = List.of("-Xmx1g", "-XX:G1HeapRegionSize=8m");

  /**
   * Another process of a subgraph, for tests that run two writers: the same jar and settings as the
   * stack's own (same database and warehouse), on a free port, its log {@code <module>-<n>.log}; ready
   * when this returns, stopped by {@link #close}. Its GraphQL URL is {@code http://127.0.0.1:<port>/graphql}.
   */
  public Instance startAnother(String module) throws IOException {
    return startAnother(module, Map.of());
  }

  /** {@link #startAnother(String)} with {@code settings} (environment variables) over the stack's. */
  public Instance startAnother(String module, Map<String, String> settings) throws IOException {
    int port = portOrFree(0);
    Map<String, String> env = new HashMap<>(subgraphEnv);
    env.putAll(settings);
    env.put(PORT_VARIABLES.get(module), String.valueOf(port));
    Path home = options.home().toAbsolutePath().normalize();
    List<String> jvm = module.equals("crawler-write-api") ? CRAWLER_JVM_OPTIONS : List.of("-Xmx1g");
    Path logs = options.runDir().resolve("logs");
    ManagedProcess process = startSubgraph(home, module, jvm, env,
        logs, module + "-" + processes.size());
    process.awaitReady(health(port), START_TIMEOUT);
    return new Instance(process, URI.create("http://127.0.0.1:" + port + "/graphql"));
  }

  /** A process of the stack and its GraphQL URL. */
  public record Instance(ManagedProcess process, URI graphql) {}

  private static final Map<String, String> PORT_VARIABLES = Map.of(
      "financial-subgraph", "ALMANAC_FINANCIAL_PORT",
      "crawler-write-api", "ALMANAC_CRAWLER_PORT",
      "user-subgraph", "ALMANAC_USERS_PORT");

  /**
   * The stack's process named {@code name}: {@code financial-subgraph}, {@code crawler-write-api},
   * {@code user-subgraph} or {@code gateway}; for fault injection ({@link ManagedProcess#kill},
   * {@link ManagedProcess#pause}, {@link ManagedProcess#restart}).
   */
  public ManagedProcess process(String name) {
    return processes.stream().filter(p -> p.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("No process named " + name));
  }

  /** Restarts a stopped (killed or crashed) process of the stack and waits until it is ready again. */
  public void restart(String name) throws IOException {
    ManagedProcess process = process(name);
    process.restart();
    URI ready = switch (name) {
      case "financial-subgraph" -> health(financial.getPort());
      case "crawler-write-api" -> health(crawler.getPort());
      case "user-subgraph" -> health(users.getPort());
      case "gateway" -> URI.create("http://127.0.0.1:" + gateway.getPort() + "/readiness");
      default -> throw new IllegalArgumentException("No process named " + name);
    };
    process.awaitReady(ready, START_TIMEOUT);
  }

  private ManagedProcess startSubgraph(Path home, String module, List<String> jvmOptions, Map<String, String> env,
      Path logs) throws IOException {
    return startSubgraph(home, module, jvmOptions, env, logs, module);
  }

  private ManagedProcess startSubgraph(Path home, String module, List<String> jvmOptions, Map<String, String> env,
      Path logs, String name) throws IOException {
    Path jar = findJar(home.resolve(module).resolve("target"), module);
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    List<String> jvm = new ArrayList<>(jvmOptions);
    jvm.add("-XX:+ExitOnOutOfMemoryError");
    if (CDS_MODULES.contains(module) && classDataSharing(env)) {
      command.addAll(ClassDataSharing.launch(jar, jvm, env, home, logs.resolve(module + "-cds-training.log")));
    } else {
      command.addAll(jvm);
      command.addAll(List.of("-jar", jar.toString()));
    }
    ManagedProcess process = ManagedProcess.start(name, command, home, env, logs.resolve(name + ".log"));
    processes.add(process);
    if (watcher != null) {
      process.watch(watcher);
    }
    return process;
  }

  /**
   * Subgraphs started with class-data sharing ({@link ClassDataSharing}): all three. The financial subgraph's start
   * is what a client waits for after a restart (measured: start to ready 49-57 s with the archive, 98-119 s
   * without, on this 2-core machine under a load average of 30; R3F in bench/README.md); the crawler's and the
   * users' starts are what every stack start waits for (before they had archives: 64-66 s against the financial
   * subgraph's 30 s, the three starting together on 2 cores).
   */
  static final java.util.Set<String> CDS_MODULES = java.util.Set.of("financial-subgraph", "crawler-write-api",
      "user-subgraph");

  /**
   * {@code ALMANAC_CDS} in the process's settings (the stack's, or those of {@link #startAnother}), else in the
   * launcher's environment: {@code false} turns it off.
   */
  private static boolean classDataSharing(Map<String, String> env) {
    String value = env.getOrDefault("ALMANAC_CDS", System.getenv().getOrDefault("ALMANAC_CDS", "true"));
    return !"false".equalsIgnoreCase(value.strip());
  }

  private static Path findJar(Path target, String module) throws IOException {
    if (Files.isDirectory(target)) {
      try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, module + "-*.jar")) {
        for (Path jar : jars) {
          if (!jar.getFileName().toString().contains("-plain")) {
            return jar;
          }
        }
      }
    }
    throw new IllegalStateException("No built jar of " + module + " in " + target
        + ": build first (mvn -DskipTests package)");
  }

  private static URI health(int port) {
    return URI.create("http://127.0.0.1:" + port + "/actuator/health");
  }

  private static int portOrFree(int port) throws IOException {
    if (port != 0) {
      return port;
    }
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  public URI gateway() {
    return gateway;
  }

  public URI financial() {
    return financial;
  }

  public URI crawler() {
    return crawler;
  }

  public URI users() {
    return users;
  }

  /** {@code Authorization} header value of the bootstrap admin, for tools and tests. */
  public String adminAuthorization() {
    return "Bearer " + adminKey;
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** The database user (null when none was given for an external database). */
  public String dbUser() {
    return dbUser;
  }

  public String dbPassword() {
    return dbPassword;
  }

  public Path runDir() {
    return options.runDir();
  }

  /** Stops the gateway first, then the subgraphs, then the embedded database (and deletes its data). */
  @Override
  public synchronized void close() {
    if (!pausedDatabase.isEmpty()) {
      resumeDatabase();
    }
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
    processes.clear();
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        System.err.println("Stopping the embedded PostgreSQL failed: " + e.getMessage());
      }
      embedded = null;
    }
    if (databasePort != 0) {
      try {
        deleteRecursively(databaseDirectory());
      } catch (IOException | RuntimeException e) {
        System.err.println("Deleting the embedded PostgreSQL's data failed: " + e.getMessage());
      }
    }
  }
}
