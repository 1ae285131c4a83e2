package io.almanac.bench;

import io.almanac.local.ManagedProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL baseline as processes: its subgraph JVM (same heap limit as Almanac's financial
 * subgraph) on the stack's PostgreSQL server, and a second Hive Gateway whose supergraph is the
 * baseline's SDL alone, started with a copy of Almanac's own gateway config.
 */
final class BaselineStack implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

  private final List<ManagedProcess> processes = new ArrayList<>();
  private ManagedProcess subgraph;
  private ManagedProcess gatewayProcess;
  private URI graphql;
  private URI gateway;
  private URI bulk;
  private URI health;

  static BaselineStack start(Path home, Path runDir, String jdbcUrl, String user, String password) throws IOException {
    BaselineStack stack = new BaselineStack();
    try {
      stack.startAll(home, runDir, jdbcUrl, user, password);
      return stack;
    } catch (IOException | RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void startAll(Path home, Path runDir, String jdbcUrl, String user, String password) throws IOException {
    Path logs = runDir.resolve("logs");
    int port = freePort();
    String java = ProcessHandle.current().info().command().orElse("java");
    String classpath = System.getProperty("bench.classpath", System.getProperty("java.class.path"));
    subgraph = ManagedProcess.startIsolated("baseline-subgraph", List.of(java, "-Xmx1g", "-XX:+ExitOnOutOfMemoryError",
        "-cp", classpath, "io.almanac.bench.baseline.BaselineApplication",
        "--server.port=" + port, "--server.address=127.0.0.1",
        "--spring.datasource.url=" + jdbcUrl,
        "--spring.datasource.username=" + (user == null ? "" : user),
        "--spring.datasource.password=" + (password == null ? "" : password)),
        runDir, Map.of(), logs.resolve("baseline-subgraph.log"));
    processes.add(subgraph);
    graphql = URI.create("http://127.0.0.1:" + port + "/graphql");
    bulk = URI.create("http://127.0.0.1:" + port + "/bulk/points");

    // The gateway: Almanac's config file, next to a supergraph composed from the baseline SDL alone.
    Path gatewayDir = runDir.resolve("baseline-gateway");
    Files.createDirectories(gatewayDir);
    Path sdl = gatewayDir.resolve("baseline.graphqls");
    try (InputStream in = BaselineStack.class.getResourceAsStream("/schema/baseline.graphqls")) {
      Files.copy(in, sdl, StandardCopyOption.REPLACE_EXISTING);
    }
    Path script = gatewayDir.resolve("compose-baseline.mjs");
    try (InputStream in = BaselineStack.class.getResourceAsStream("/node/compose-baseline.mjs")) {
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }
    run(List.of("node", script.toString(), home.toString(), sdl.toString(), graphql.toString(),
        gatewayDir.resolve("supergraph.graphql").toString()), gatewayDir, logs.resolve("baseline-compose.log"));
    copyGatewayConfig(home.resolve("gateway-config"), gatewayDir);
    int gatewayPort = freePort();
    Path hiveGateway = home.resolve("gateway-config/node_modules/.bin/hive-gateway");
    if (!Files.exists(hiveGateway)) {
      throw new IllegalStateException("Hive Gateway is not installed: run `npm ci` in " + hiveGateway.getParent().getParent());
    }
    gatewayProcess = ManagedProcess.startIsolated("baseline-gateway",
        List.of("node", hiveGateway.toString(), "supergraph"), gatewayDir,
        Map.of("ALMANAC_GATEWAY_PORT", String.valueOf(gatewayPort), "ALMANAC_GATEWAY_HOST", "127.0.0.1"),
        logs.resolve("baseline-gateway.log"));
    processes.add(gatewayProcess);
    gateway = URI.create("http://127.0.0.1:" + gatewayPort + "/graphql");

    health = URI.create("http://127.0.0.1:" + port + "/actuator/health");
    subgraph.awaitReady(health, START_TIMEOUT);
    gatewayProcess.awaitReady(URI.create("http://127.0.0.1:" + gatewayPort + "/readiness"), START_TIMEOUT);
  }

  /**
   * Almanac's gateway configuration as it runs: the config, the modules it imports (plugins, the chart page, the
   * explorer's examples) with their folders, and node_modules linked, so both gateways run the same setup.
   */
  private static void copyGatewayConfig(Path config, Path gatewayDir) throws IOException {
    try (java.util.stream.Stream<Path> files = Files.list(config)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".mjs")).toList()) {
        Files.copy(file, gatewayDir.resolve(file.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    for (String folder : List.of("chart", "examples")) {
      Path from = config.resolve(folder);
      try (java.util.stream.Stream<Path> tree = Files.walk(from)) {
        for (Path source : tree.toList()) {
          Path target = gatewayDir.resolve(folder).resolve(from.relativize(source).toString());
          if (Files.isDirectory(source)) {
            Files.createDirectories(target);
          } else {
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
    }
    Path modules = gatewayDir.resolve("node_modules");
    if (!Files.exists(modules, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      Files.createSymbolicLink(modules, config.resolve("node_modules"));
    }
  }

  private static void run(List<String> command, Path dir, Path log) throws IOException {
    Files.createDirectories(log.getParent());
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + Files.readString(log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  URI graphql() {
    return graphql;
  }

  /** The baseline's Hive Gateway process (T1/T2 read its CPU time). */
  long gatewayPid() {
    return gatewayProcess.pid();
  }

  URI gateway() {
    return gateway;
  }

  URI bulk() {
    return bulk;
  }

  /** Stops the subgraph JVM and starts it again (same command and port); returns once it is ready (R3F). */
  void restartSubgraph() throws IOException {
    subgraph.close();
    subgraph.restart();
    subgraph.awaitReady(health, START_TIMEOUT);
  }

  long subgraphPid() {
    return subgraph.pid();
  }

  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
    processes.clear();
  }
}
