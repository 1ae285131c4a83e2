package io.almanac.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Spring Boot's class-data sharing for a subgraph jar: the jar extracted once ({@code -Djarmode=tools extract}),
 * a training run of the extracted jar that exits once its context is refreshed
 * ({@code -XX:ArchiveClassesAtExit -Dspring.context.exit=onRefresh}, on the stack's own database, as its start
 * would), and every start after that maps the archived classes ({@code -XX:SharedArchiveFile}) instead of
 * loading, parsing and verifying them from the nested jars. Built at the first start after each build (the
 * archive records the jar's size and modification time, in {@code target/cds/}); a failed training leaves the
 * plain jar in use.
 */
final class ClassDataSharing {

  private static final long TRAINING_TIMEOUT_SECONDS = 300;
  /** One monitor per {@code target/cds} folder, for the threads of this JVM. */
  private static final ConcurrentHashMap<Path, Object> LOCKS = new ConcurrentHashMap<>();

  private ClassDataSharing() {}

  /**
   * The arguments after {@code java} that start {@code jar} with its archive (trained first when missing or
   * older than the jar), or with the plain jar when training failed.
   */
  static List<String> launch(Path jar, List<String> jvmOptions, Map<String, String> env, Path workDir, Path log)
      throws IOException {
    Path dir = jar.getParent().resolve("cds");
    // Two stacks starting at once train once: the second waits for the first's archive (the monitor: stacks of
    // this JVM, whose threads a file lock does not exclude from each other; the file lock: other JVMs). One lock
    // per jar's folder: a thread starting one subgraph does not wait for another subgraph's training.
    synchronized (LOCKS.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> new Object())) {
      return launchLocked(jar, jvmOptions, env, workDir, log, dir);
    }
  }

  private static List<String> launchLocked(Path jar, List<String> jvmOptions, Map<String, String> env, Path workDir,
      Path log, Path dir) throws IOException {
    Files.createDirectories(dir);
    String name = jar.getFileName().toString();
    Path extracted = dir.resolve("app").resolve(name);
    Path archive = dir.resolve(name.replaceAll("\\.jar$", "") + ".jsa");
    Path source = dir.resolve("source.txt");
    String stamp = Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis();
    try (FileChannel lockFile = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
      boolean current = Files.exists(archive) && Files.exists(extracted) && Files.exists(source)
          && Files.readString(source).equals(stamp);
      if (!current && !train(jar, jvmOptions, env, workDir, dir, extracted, archive, log)) {
        return plain(jar, jvmOptions);
      }
      if (!current) {
        Files.writeString(source, stamp);
      }
    }
    List<String> args = new ArrayList<>(jvmOptions);
    args.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-jar", extracted.toString()));
    return args;
  }

  private static List<String> plain(Path jar, List<String> jvmOptions) {
    List<String> args = new ArrayList<>(jvmOptions);
    args.addAll(List.of("-jar", jar.toString()));
    return args;
  }

  private static boolean train(Path jar, List<String> jvmOptions, Map<String, String> env, Path workDir, Path dir,
      Path extracted, Path archive, Path log) throws IOException {
    deleteRecursively(dir.resolve("app"));
    Files.deleteIfExists(archive);
    Files.createDirectories(log.getParent());
    String java = ProcessHandle.current().info().command().orElse("java");
    if (!run(List.of(java, "-Djarmode=tools", "-jar", jar.toString(), "extract", "--destination",
        dir.resolve("app").toString()), Map.of(), workDir, log) || !Files.exists(extracted)) {
      return false;
    }
    Path partial = dir.resolve(archive.getFileName() + ".part");
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(jvmOptions);
    command.addAll(List.of("-XX:ArchiveClassesAtExit=" + partial, "-Dspring.context.exit=onRefresh",
        "-jar", extracted.toString()));
    if (!run(command, env, workDir, log) || !Files.exists(partial)) {
      Files.deleteIfExists(partial);
      return false;
    }
    Files.move(partial, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return true;
  }

  private static boolean run(List<String> command, Map<String, String> env, Path workDir, Path log)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    Process process = builder.start();
    try {
      if (!process.waitFor(TRAINING_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        return false;
      }
      return process.exitValue() == 0;
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while preparing class-data sharing", e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> tree = Files.walk(dir)) {
      for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
