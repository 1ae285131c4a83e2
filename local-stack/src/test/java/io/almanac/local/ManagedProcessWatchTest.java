package io.almanac.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's watch over its children, on small shell processes. */
class ManagedProcessWatchTest {

  @TempDir
  Path dir;

  /** A shell that prints {@code lines} numbered lines and exits with {@code code}. */
  private static List<String> printsAndExits(int lines, int code) {
    return List.of("sh", "-c", "i=1; while [ $i -le " + lines + " ]; do echo \"line $i\"; i=$((i+1)); done; exit "
        + code);
  }

  @Test
  void aProcessThatExitsByItselfIsReportedWithItsNameCodeAndTheLast20LinesOfItsLog() throws Exception {
    LinkedBlockingQueue<ManagedProcess.Exit> exits = new LinkedBlockingQueue<>();
    // Runs until killed the first time; started again, it prints 35 lines and exits with code 3.
    String script = "if [ -e started ]; then " + printsAndExits(35, 3).get(2)
        + "; fi; touch started; exec sleep 600";
    ManagedProcess process = ManagedProcess.start("crashy", List.of("sh", "-c", script), dir, Map.of(),
        dir.resolve("crashy.log"));
    // Watched from before it ends, as the launcher does right after the stack is up.
    process.watch(exits::add);
    awaitFile(dir.resolve("started"));
    process.kill();
    // kill() is on purpose: the restarted command's own exit is the only report.
    process.restart();

    ManagedProcess.Exit exit = exits.poll(30, TimeUnit.SECONDS);
    assertThat(exit).as("an exit report within 30 s").isNotNull();
    assertThat(exit.name()).isEqualTo("crashy");
    assertThat(exit.exitCode()).isEqualTo(3);
    assertThat(exit.log()).isEqualTo(dir.resolve("crashy.log"));
    assertThat(exit.lastLines()).containsExactlyElementsOf(
        IntStream.rangeClosed(16, 35).mapToObj(i -> "line " + i).toList());
    assertThat(exits).as("the killed process was not reported").isEmpty();
  }

  @Test
  void closingAWatchedProcessIsNotReported() throws Exception {
    LinkedBlockingQueue<ManagedProcess.Exit> exits = new LinkedBlockingQueue<>();
    ManagedProcess quiet = ManagedProcess.start("quiet", List.of("sh", "-c", "exec sleep 600"), dir, Map.of(),
        dir.resolve("quiet.log"));
    ManagedProcess loud = ManagedProcess.start("loud", printsAndExits(3, 0), dir, Map.of(), dir.resolve("loud.log"));
    quiet.watch(exits::add);
    quiet.close();
    // Reported after quiet's end was handled (quiet ended first): only loud's exit, code 0 included.
    loud.watch(exits::add);
    ManagedProcess.Exit exit = exits.poll(30, TimeUnit.SECONDS);
    assertThat(exit).isNotNull();
    assertThat(exit.name()).isEqualTo("loud");
    assertThat(exit.exitCode()).isZero();
    assertThat(exit.lastLines()).containsExactly("line 1", "line 2", "line 3");
    assertThat(exits).isEmpty();
  }

  @Test
  void theLauncherPrintsNameCodeAndTail() {
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      lines.add("log line " + i);
    }
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream err = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      LocalStackMain.reportExit(new ManagedProcess.Exit("crawler-write-api", 4242, 137,
          Path.of("data/local/logs/crawler-write-api.log"), lines));
    } finally {
      System.setErr(err);
    }
    String printed = captured.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("crawler-write-api (pid 4242) exited with code 137",
        "the other processes keep running", "data/local/logs/crawler-write-api.log");
    for (String line : lines) {
      assertThat(printed).contains("  | " + line + System.lineSeparator());
    }
  }

  /** The shell creates the file as it starts; there is no event to wait on but the file itself. */
  private static void awaitFile(Path file) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(file)) {
      assertThat(System.nanoTime() - deadline).as(file + " within 30 s").isNegative();
      Thread.sleep(10);
    }
  }
}
