package io.almanac.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The spread of consecutive runs ({@code ./bench/run.sh --runs N}): each row's ratio in every run, its
 * min / median / max, and a verdict that is PASS only when the row passed in every run (issue 18: a
 * target met in one run of three is not met).
 */
final class Spread {

  private Spread() {}

  /** One row across runs: the same id at the same position among that id's rows (X1 has two). */
  record Line(String id, String workload, String target, List<Double> ratios, List<Boolean> passes) {

    double min() {
      return stats()[0];
    }

    double median() {
      return stats()[1];
    }

    double max() {
      return stats()[2];
    }

    private double[] stats() {
      double[] v = ratios.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).sorted().toArray();
      if (v.length == 0) {
        return new double[] {Double.NaN, Double.NaN, Double.NaN};
      }
      double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
      return new double[] {v[0], median, v[v.length - 1]};
    }

    /** PASS when every run passed; FAIL when one did not (or a run lacks the row); n/a without a target. */
    String verdict() {
      if (passes.stream().allMatch(p -> p == null)) {
        return "n/a";
      }
      return passes.stream().allMatch(Boolean.TRUE::equals) ? "PASS" : "FAIL";
    }
  }

  static List<Line> lines(List<Bench.Outcome> runs) {
    Map<String, Line> lines = new LinkedHashMap<>();
    for (int k = 0; k < runs.size(); k++) {
      Map<String, Integer> seen = new LinkedHashMap<>();
      for (Row r : runs.get(k).rows()) {
        int n = seen.merge(r.id(), 1, Integer::sum);
        String key = r.id() + "#" + n;
        Line line = lines.get(key);
        if (line == null) {
          line = new Line(r.id(), r.workload(), r.target(), new ArrayList<>(), new ArrayList<>());
          for (int missing = 0; missing < k; missing++) {
            line.ratios().add(Double.NaN);
            line.passes().add(Boolean.FALSE);
          }
          lines.put(key, line);
        }
        line.ratios().add(r.ratio());
        line.passes().add(r.pass());
      }
      for (Line line : lines.values()) {
        if (line.ratios().size() < k + 1) { // this run lacks the row
          line.ratios().add(Double.NaN);
          line.passes().add(Boolean.FALSE);
        }
      }
    }
    return List.copyOf(lines.values());
  }

  static String markdown(List<Bench.Outcome> runs) {
    StringBuilder sb = new StringBuilder("| id | workload | target |");
    for (int k = 1; k <= runs.size(); k++) {
      sb.append(" run ").append(k).append(" |");
    }
    sb.append(" min | median | max | result |\n|---|---|---|");
    sb.append("---:|".repeat(runs.size() + 3)).append("---|\n");
    for (Line l : lines(runs)) {
      sb.append("| ").append(l.id()).append(" | ").append(l.workload()).append(" | ").append(l.target()).append(" |");
      for (int k = 0; k < l.ratios().size(); k++) {
        Boolean p = l.passes().get(k);
        sb.append(' ').append(ratio(l.ratios().get(k))).append(p == null ? "" : p ? "" : " (FAIL)").append(" |");
      }
      sb.append(' ').append(ratio(l.min())).append(" | ").append(ratio(l.median())).append(" | ")
          .append(ratio(l.max())).append(" | ").append(l.verdict()).append(" |\n");
    }
    return sb.toString();
  }

  static void write(List<Bench.Outcome> runs, Dataset.Spec spec, Path dir) throws IOException {
    Files.createDirectories(dir);
    StringBuilder md = new StringBuilder("# Almanac benchmark: " + runs.size() + " consecutive runs\n\n");
    md.append("Each run is a whole benchmark (fresh stacks, the load, every workload); its table is in `run-N/`, the"
        + " latest also in `results.md`. Ratio = Almanac / baseline as in each table (p50 for latencies; points/s"
        + " for W1, W2; req/s for T1, T2, higher is better). A row PASSes only when it passed in every run.\n\n");
    for (int k = 0; k < runs.size(); k++) {
      md.append("- run ").append(k + 1).append(": ").append(Report.header(runs.get(k), spec)).append(' ')
          .append(runs.get(k).identical().summary()).append('\n');
    }
    md.append('\n').append(markdown(runs));
    Files.writeString(dir.resolve("spread.md"), md.toString());
    StringBuilder csv = new StringBuilder("id,workload,target");
    for (int k = 1; k <= runs.size(); k++) {
      csv.append(",run_").append(k);
    }
    csv.append(",min,median,max,result\n");
    for (Line l : lines(runs)) {
      csv.append(l.id()).append(",\"").append(l.workload().replace("\"", "\"\"")).append("\",\"")
          .append(l.target().replace("\"", "\"\"")).append('"');
      l.ratios().forEach(r -> csv.append(',').append(Double.isNaN(r) ? "" : String.format(Locale.ROOT, "%.4f", r)));
      for (double v : new double[] {l.min(), l.median(), l.max()}) {
        csv.append(',').append(Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v));
      }
      csv.append(',').append(l.verdict()).append('\n');
    }
    Files.writeString(dir.resolve("spread.csv"), csv.toString());
  }

  private static String ratio(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
  }

  static List<String> ids(String list) {
    return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty())
        .map(s -> s.toUpperCase(Locale.ROOT)).toList();
  }
}
