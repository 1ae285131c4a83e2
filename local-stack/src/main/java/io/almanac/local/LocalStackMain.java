package io.almanac.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./almanac start}: the whole service with demo data, until Ctrl-C.
 *
 * <p>Environment: {@code ALMANAC_DB_URL} (+ {@code ALMANAC_DB_USER}, {@code ALMANAC_DB_PASSWORD}) to
 * use an external PostgreSQL instead of the embedded one; {@code ALMANAC_GATEWAY_PORT} (default
 * 4000); {@code ALMANAC_FINANCIAL_PORT}, {@code ALMANAC_CRAWLER_PORT}, {@code ALMANAC_USERS_PORT}
 * (default 4001-4003); {@code ALMANAC_BIND_ADDRESS} (default 127.0.0.1, loopback only) for the
 * subgraphs' listening address. Argument {@code --no-demo} skips the demo dataset. A process of the stack
 * that exits by itself is reported (name, exit code, the last lines of its log) and not restarted; the
 * others keep running until Ctrl-C.
 */
public final class LocalStackMain {

  public static void main(String[] args) throws Exception {
    boolean demo = true;
    for (String arg : args) {
      if (arg.equals("--no-demo")) {
        demo = false;
      } else {
        System.err.println("Unknown argument " + arg + "; usage: almanac start [--no-demo]");
        System.exit(2);
      }
    }
    Path home = Path.of(System.getProperty("almanac.home", ".")).toAbsolutePath().normalize();
    LocalStack.Options options = new LocalStack.Options(home, home.resolve("data/local"),
        System.getenv("ALMANAC_DB_URL"), System.getenv("ALMANAC_DB_USER"), System.getenv("ALMANAC_DB_PASSWORD"),
        port("ALMANAC_GATEWAY_PORT", 4000), port("ALMANAC_FINANCIAL_PORT", 4001),
        port("ALMANAC_CRAWLER_PORT", 4002), port("ALMANAC_USERS_PORT", 4003), true);
    long started = System.nanoTime();
    System.out.println("Starting Almanac (logs in " + options.runDir().resolve("logs") + ") ...");
    LocalStack stack = LocalStack.start(options);
    writeStackProperties(options.runDir().resolve("stack.properties"), stack);
    // A process that dies is reported, not restarted, and the others keep serving (a partial answer
    // beats none); Ctrl-C still stops everything.
    stack.watch(LocalStackMain::reportExit);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("\nStopping Almanac ...");
      stack.close();
      stopped.countDown();
    }, "almanac-shutdown"));
    if (demo) {
      DemoDataset.Loaded loaded = DemoDataset.load(new GraphQLClient(stack.gateway(), stack.adminAuthorization()));
      System.out.printf("Loaded the demo dataset: %d points in %d series through the gateway.%n",
          loaded.points(), loaded.seriesIds().size());
      System.out.println("Try, in the explorer:  { searchSeries { nodes { id title latest { date value } } } }");
      System.out.println("                       { providers { nodes { name totalRuns series { totalCount } } } }");
    }
    System.out.printf("%nAlmanac is up in %.1f s.%n  GraphiQL (Hive Laboratory): %s%n  Subgraphs: %s %s %s%n"
            + "  Reads need no key here (anonymous reads are on for the local demo); to write, send the admin key:%n"
            + "    Authorization: %s%n"
            + "Press Ctrl-C to stop.%n",
        Duration.ofNanos(System.nanoTime() - started).toMillis() / 1000.0, stack.gateway(),
        stack.financial(), stack.crawler(), stack.users(), stack.adminAuthorization());
    stopped.await();
  }

  /**
   * How {@code ./almanac backup} reaches this stack: its database (the embedded one's port changes at every
   * start) and warehouse. Readable by the owner only: it holds the database password.
   */
  private static void writeStackProperties(Path file, LocalStack stack) throws java.io.IOException {
    java.util.Properties properties = new java.util.Properties();
    properties.setProperty("jdbc.url", stack.jdbcUrl());
    properties.setProperty("jdbc.user", stack.dbUser() == null ? "" : stack.dbUser());
    properties.setProperty("jdbc.password", stack.dbPassword() == null ? "" : stack.dbPassword());
    properties.setProperty("warehouse", stack.runDir().resolve("warehouse").toAbsolutePath().toString());
    java.nio.file.Files.deleteIfExists(file);
    java.nio.file.Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    try (java.io.Writer out = java.nio.file.Files.newBufferedWriter(file)) {
      properties.store(out, "Written by ./almanac start for ./almanac backup");
    }
  }

  static void reportExit(ManagedProcess.Exit exit) {
    StringBuilder report = new StringBuilder()
        .append(String.format("%n%s (pid %d) exited with code %d; the other processes keep running."
                + " Last %d lines of %s:%n", exit.name(), exit.pid(), exit.exitCode(), exit.lastLines().size(),
            exit.log()));
    exit.lastLines().forEach(line -> report.append("  | ").append(line).append(System.lineSeparator()));
    System.err.print(report);
    System.err.flush();
  }

  private static int port(String variable, int defaultPort) {
    String value = System.getenv(variable);
    return value == null || value.isBlank() ? defaultPort : Integer.parseInt(value.trim());
  }
}
