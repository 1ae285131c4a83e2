package io.almanac.bench;

import java.nio.file.Path;

/**
 * {@code ./bench/run.sh [--size quick|default] [--results DIR]}: runs the whole benchmark, prints the
 * table, writes {@code results.md}, {@code results.csv} and {@code latency.png}. Exit 1 when the two
 * implementations returned different data (targets missed are reported, not an error).
 * {@code ./bench/run.sh --search [--series N] [--queries N]} runs the search workload alone
 * ({@link io.almanac.bench.search.SearchBench}).
 */
public final class BenchMain {

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--search")) {
      io.almanac.bench.search.SearchBench.main(args);
      return;
    }
    String size = "default";
    Path home = Path.of(System.getProperty("almanac.home", ".")).toAbsolutePath().normalize();
    Path results = home.resolve("bench/results");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--size" -> size = args[++i];
        case "--results" -> results = Path.of(args[++i]).toAbsolutePath();
        default -> {
          System.err.println("usage: run.sh [--size quick|default] [--results DIR]");
          System.exit(2);
        }
      }
    }
    Path runDir = home.resolve("bench/target/run");
    Bench.Options options = Bench.Options.forSize(home, runDir, size);
    Bench.Outcome outcome = new Bench(options).run();
    System.out.println();
    System.out.println(Report.text(outcome, options.spec()));
    Report.write(outcome, options.spec(), results);
    System.out.println("Written: " + results.resolve("results.md") + ", results.csv, latency.png");
    System.exit(outcome.identical().mismatches().isEmpty() ? 0 : 1);
  }
}
