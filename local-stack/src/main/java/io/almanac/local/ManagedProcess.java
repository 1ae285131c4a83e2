package io.almanac.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A child process with its log file, a readiness URL, and a stop that always ends it (and its
 * children). Used by the local stack and the benchmark's baseline.
 */
public final class ManagedProcess implements AutoCloseable {

  /** Lines of its log shown when a watched process exits unexpectedly. */
  public static final int EXIT_TAIL_LINES = 20;

  /**
   * A watched process that ended without being asked to ({@link #kill} and {@link #close} ask).
   *
   * @param name the process's name in the stack
   * @param pid its process id
   * @param exitCode its exit code (128 + the signal's number when a signal ended it, e.g. 137 for SIGKILL)
   * @param log its log file
   * @param lastLines the last {@link #EXIT_TAIL_LINES} lines of that log, oldest first
   */
  public record Exit(String name, long pid, int exitCode, Path log, List<String> lastLines) {}

  private final String name;
  private final ProcessBuilder builder;
  private final Path log;
  private volatile Process process;
  /** The process {@link #kill} or {@link #close} ended on purpose: its exit is not reported. */
  private volatile Process endedOnPurpose;
  private volatile Consumer<Exit> watcher;

  private ManagedProcess(String name, ProcessBuilder builder, Path log) throws IOException {
    this.name = name;
    this.builder = builder;
    this.log = log;
    this.process = builder.start();
  }

  /**
   * Calls {@code listener} (on another thread) when the process, or the one a later {@link #restart}
   * starts, exits without {@link #kill} or {@link #close} having been called: a crash, an
   * {@code OutOfMemoryError} exit, a signal from outside. The launcher reports such exits; nothing restarts
   * the process.
   */
  public void watch(Consumer<Exit> listener) {
    watcher = listener;
    watchCurrent();
  }

  private void watchCurrent() {
    Process current = process;
    current.onExit().thenAccept(ended -> {
      Consumer<Exit> listener = watcher;
      if (listener != null && endedOnPurpose != ended) {
        listener.accept(new Exit(name, ended.pid(), ended.exitValue(), log, tail(EXIT_TAIL_LINES)));
      }
    });
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
    return new ManagedProcess(name, builder, log);
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

  public String name() {
    return name;
  }

  public Path log() {
    return log;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Completes with the exit code when the current process (the last one started) exits. */
  public java.util.concurrent.CompletableFuture<Integer> onExit() {
    Process current = process;
    return current.onExit().thenApply(Process::exitValue);
  }

  /** SIGKILL, as a crash or the kernel's OOM killer would end it, and waits until it is gone. */
  public void kill() {
    Process current = process;
    endedOnPurpose = current;
    current.descendants().forEach(ProcessHandle::destroyForcibly);
    current.destroyForcibly();
    try {
      current.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while killing " + name, e);
    }
  }

  /** SIGSTOP: the process stays, holding its sockets, and answers nothing (a hung dependency). */
  public void pause() {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause}. */
  public void resume() {
    signal("CONT");
  }

  private void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + process.pid() + " (" + name + ") failed");
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while signalling " + name, e);
    }
  }

  /**
   * Starts the same command again (same environment, ports and log file, appended) after the process
   * ended; the caller awaits readiness. Refused while the process is still alive.
   */
  public void restart() throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException(name + " is still running (pid " + process.pid() + ")");
    }
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    process = builder.start();
    if (watcher != null) {
      watchCurrent();
    }
  }

  /** A paused process ignores SIGTERM until continued; /proc says whether it is stopped (Linux). */
  private static boolean isStopped(Process process) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
      int end = stat.lastIndexOf(')');
      return end > 0 && end + 2 < stat.length() && (stat.charAt(end + 2) == 'T' || stat.charAt(end + 2) == 't');
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private String tail() {
    return String.join("\n", tail(40));
  }

  /** The last {@code count} lines of the log (undecodable bytes replaced), or a line saying why not. */
  private List<String> tail(int count) {
    try {
      List<String> lines = List.of(new String(Files.readAllBytes(log), StandardCharsets.UTF_8).split("\\R", -1));
      int end = lines.size();
      if (end > 0 && lines.get(end - 1).isEmpty()) {
        end--;
      }
      return lines.subList(Math.max(0, end - count), end);
    } catch (IOException e) {
      return List.of("(log unreadable: " + e.getMessage() + ")");
    }
  }

  @Override
  public void close() {
    Process process = this.process;
    endedOnPurpose = process;
    if (isStopped(process)) {
      resume();
    }
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
