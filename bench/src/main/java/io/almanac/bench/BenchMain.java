package io.almanac.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code ./bench/run.sh [--size quick|default] [--results DIR] [--runs N] [--only ID,...]}: runs the whole
 * benchmark, prints the table, writes {@code results.md}, {@code results.csv}, {@code latency.png} (and
 * {@code concurrency.png} with T1/T2). With {@code --runs N} (N > 1) it runs N whole benchmarks one after
 * the other, each into {@code run-K/}, the latest also at the top, and writes the spread of every row's
 * ratio to {@code spread.md} and {@code spread.csv}. {@code --only} measures only the rows named (the
 * load, the settling, the read warm-up, the identical-data check and M1 always run). Exit 1 when the two
 * implementations returned different data in any run (targets missed are reported, not an error).
 * {@code ./bench/run.sh --search [--series N] [--queries N]} runs the search workload alone
 * ({@link io.almanac.bench.search.SearchBench}).
 */
public final class BenchMain {

  private static final String USAGE =
      "usage: run.sh [--size quick|default] [--results DIR] [--runs N] [--only ID,ID,...]";

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--search")) {
      io.almanac.bench.search.SearchBench.main(args);
      return;
    }
    String size = "default";
    Path home = Path.of(System.getProperty("almanac.home", ".")).toAbsolutePath().normalize();
    Path results = home.resolve("bench/results");
    int runs = 1;
    Set<String> only = new LinkedHashSet<>();
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--size" -> size = args[++i];
          case "--results" -> results = Path.of(args[++i]).toAbsolutePath();
          case "--runs" -> runs = Integer.parseInt(args[++i]);
          case "--only" -> only.addAll(Spread.ids(args[++i]));
          default -> throw new IllegalArgumentException(args[i]);
        }
      }
    } catch (RuntimeException e) {
      System.err.println(USAGE);
      System.exit(2);
    }
    if (runs < 1) {
      System.err.println(USAGE);
      System.exit(2);
    }
    Path runDir = home.resolve("bench/target/run");
    Bench.Options options = Bench.Options.forSize(home, runDir, size).only(only);
    List<Bench.Outcome> outcomes = new ArrayList<>();
    boolean identical = true;
    for (int k = 1; k <= runs; k++) {
      if (runs > 1) {
        Bench.log("Run " + k + " of " + runs);
      }
      Bench.Outcome outcome = new Bench(options).run();
      outcomes.add(outcome);
      identical &= outcome.identical().mismatches().isEmpty();
      System.out.println();
      System.out.println(Report.text(outcome, options.spec()));
      if (runs > 1) {
        Report.write(outcome, options.spec(), results.resolve("run-" + k));
      }
      Report.write(outcome, options.spec(), results);
    }
    System.out.println("Written: " + results.resolve("results.md") + ", results.csv, latency.png");
    if (runs > 1) {
      Spread.write(outcomes, options.spec(), results);
      System.out.println();
      System.out.println(Spread.markdown(outcomes));
      System.out.println("Written: " + results.resolve("spread.md") + ", spread.csv and run-1 .. run-" + runs + "/");
    }
    System.exit(identical ? 0 : 1);
  }
}
