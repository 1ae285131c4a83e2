package io.almanac.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spread of consecutive runs: min / median / max of each row's ratio, PASS only when every run passed. */
class SpreadTest {

  private static Row row(String id, double ratio, Boolean pass) {
    return new Row(id, id + " workload", "ms", 1, 2, 1, 2, ratio, "ratio <= 1.0", pass, "", new double[0],
        new double[0]);
  }

  private static int made;

  /** A run that ended at 10:00 UTC plus 40 minutes per run made before it. */
  private static Bench.Outcome run(Row... rows) {
    Instant finished = Instant.parse("2026-01-01T10:00:00Z").plus(Duration.ofMinutes(40L * made++));
    return new Bench.Outcome(List.of(rows), new IdenticalCheck.Report(), 100, Duration.ofMinutes(1), List.of(),
        List.of(), finished);
  }

  @Test
  void aRowPassesOnlyWhenItPassedInEveryRun(@TempDir Path dir) throws Exception {
    made = 0;
    List<Bench.Outcome> runs = List.of(
        run(row("R1", 0.9, true), row("R5", 0.7, true), row("X1", 3.0, false), row("X1", 12.0, true),
            row("M1", Double.NaN, null)),
        run(row("R1", 1.1, false), row("R5", 0.8, true), row("X1", 3.4, false), row("X1", 13.0, true),
            row("M1", Double.NaN, null)),
        run(row("R1", 1.0, true), row("X1", 2.8, false), row("X1", 11.0, true), row("M1", Double.NaN, null)));

    List<Spread.Line> lines = Spread.lines(runs);

    assertThat(lines).extracting(Spread.Line::id).containsExactly("R1", "R5", "X1", "X1", "M1");
    Spread.Line r1 = lines.get(0);
    assertThat(r1.min()).isEqualTo(0.9);
    assertThat(r1.median()).isEqualTo(1.0);
    assertThat(r1.max()).isEqualTo(1.1);
    assertThat(r1.verdict()).isEqualTo("FAIL"); // failed in run 2 of 3
    assertThat(lines.get(1).ratios()).hasSize(3).last().matches(r -> Double.isNaN(r));
    assertThat(lines.get(1).verdict()).isEqualTo("FAIL"); // missing from run 3
    assertThat(lines.get(1).median()).isEqualTo(0.75); // of the two runs that measured it
    assertThat(lines.get(3).min()).isEqualTo(11.0); // the second X1 row is its own line
    assertThat(lines.get(3).verdict()).isEqualTo("PASS");
    assertThat(lines.get(4).verdict()).isEqualTo("n/a");

    Spread.write(runs, Dataset.QUICK, dir);
    assertThat(Files.readString(dir.resolve("spread.md"))).as("each run's own end time")
        .contains("- run 1: Run 2026-01-01 10:00 UTC", "- run 2: Run 2026-01-01 10:40 UTC",
            "- run 3: Run 2026-01-01 11:20 UTC");
    assertThat(Files.readString(dir.resolve("spread.md")))
        .contains("| R1 | R1 workload | ratio <= 1.0 | 0.90 | 1.10 (FAIL) | 1.00 | 0.90 | 1.00 | 1.10 | FAIL |");
    assertThat(Files.readAllLines(dir.resolve("spread.csv"))).hasSize(6);
  }
}
