package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs one of gateway-config/'s node scripts (a browser check, the examples check) to its end, within a deadline. */
final class NodeScript {

  /** The repository's root (the tests run in e2e-tests/). */
  static final Path HOME = Path.of("..").toAbsolutePath().normalize();

  private NodeScript() {}

  /**
   * Runs {@code node gateway-config/<script> args...} with {@code environment} added, its output (stdout and
   * stderr) written to {@code target/<log>}, and returns that output once it exited with status 0. Fails the
   * test, with the output, when it did not finish within {@code timeout} (it is killed) or exited otherwise.
   */
  static String run(String script, String log, Map<String, String> environment, Duration timeout, String... args)
      throws IOException, InterruptedException {
    Path output = Path.of("target", log).toAbsolutePath();
    Files.createDirectories(output.getParent());
    List<String> command = new ArrayList<>(List.of("node", HOME.resolve("gateway-config").resolve(script).toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!finished) {
      process.destroyForcibly().waitFor();
    }
    String text = Files.readString(output, StandardCharsets.UTF_8);
    assertThat(finished).as("%s finished within %s; output:%n%s", script, timeout, text).isTrue();
    assertThat(process.exitValue()).as("%s exit status; output:%n%s", script, text).isZero();
    return text;
  }
}
