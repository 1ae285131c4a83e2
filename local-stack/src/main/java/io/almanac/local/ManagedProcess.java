package io.almanac.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process with its log file, a readiness URL, and a stop that always ends it (and its
 * children). Used by the local stack and the benchmark's baseline.
 */
public final class ManagedProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;

  private ManagedProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command} with this process's environment plus {@code env}. */
  public static ManagedProcess start(String name, List<String> command, Path workDir, Map<String, String> env, Path log)
      throws IOException {
    return start(name, command, workDir, env, log, false);
  }

  /** As {@link #start}, but Almanac settings ({@code ALMANAC_*}) of this process's environment are dropped. */
  public static ManagedProcess startIsolated(String name, List<String> command, Path workDir, Map<String, String> env,
      Path log) throws IOException {
    return start(name, command, workDir, env, log, true);
  }

  private static ManagedProcess start(String name, List<String> command, Path workDir, Map<String, String> env, Path log,
      boolean isolated) throws IOException {
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    if (isolated) {
      builder.environment().keySet().removeIf(k -> k.startsWith("ALMANAC_"));
    }
    builder.environment().putAll(env);
    return new ManagedProcess(name, builder.start(), log);
  }

  /**
   * Polls {@code url} until it answers 200, the process dies, or {@code timeout} passes. Polling a
   * readiness endpoint is how a caller learns the server is up; there is no event to wait on.
   */
  public void awaitReady(URI url, Duration timeout) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with code " + process.exitValue() + " before it was ready; "
            + "log: " + log + "\n" + tail());
      }
      try {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).GET().build(),
            HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for " + name, e);
      }
      try {
        process.waitFor(250, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for " + name, e);
      }
    }
    throw new IllegalStateException(name + " was not ready at " + url + " within " + timeout + "; log: " + log + "\n" + tail());
  }

  public Path log() {
    return log;
  }

  public long pid() {
    return process.pid();
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
