package io.almanac.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The benchmark at quick size, with few iterations: it must complete, and Almanac and the PostgreSQL
 * baseline must return identical data for every read compared (the workloads' own responses, plus
 * data / observations / latest with and without asOf, paginated, direct and through both gateways;
 * derived reads within the tolerance; exports against data). Timings are never asserted, nor whether
 * Almanac answers issue 13's reads yet (a row says "not available" until it does).
 */
class BenchQuickRunTest {

  @Test
  void quickRunCompletesAndBothImplementationsReturnIdenticalData() throws Exception {
    Path home = Path.of(System.getProperty("almanac.home", "..")).toAbsolutePath().normalize();
    Path target = home.resolve("bench/target");
    Bench.Options options = new Bench.Options(home, target.resolve("test-run"), Dataset.QUICK, 0.05, 40,
        Duration.ofSeconds(10), Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(5));

    Bench.Outcome outcome = new Bench(options).run();
    Report.write(outcome, options.spec(), target.resolve("test-results"));
    System.out.println(Report.text(outcome, options.spec()));

    assertThat(outcome.identical().mismatches()).isEmpty();
    assertThat(outcome.identical().comparisons()).isGreaterThan(300);
    assertThat(outcome.rows()).extracting(Row::id)
        .containsExactly("W1", "R3", "R1", "R2", "G1", "R4", "R6", "R5", "R7", "R8", "R9", "T1", "X1", "X2", "M2", "T2", "R3F", "W2",
            "H1", "M1");
    assertThat(outcome.notes()).anyMatch(note -> note.startsWith("Before the reads: the baseline's table VACUUM"))
        .anyMatch(note -> note.startsWith("Read warm-up (both sides"));
    assertThat(target.resolve("test-results/latency.png")).satisfies(p -> assertThat(Files.size(p)).isPositive());
    assertThat(target.resolve("test-results/concurrency.png")).satisfies(p -> assertThat(Files.size(p)).isPositive());
  }
}
