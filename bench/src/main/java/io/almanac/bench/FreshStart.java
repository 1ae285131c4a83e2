package io.almanac.bench;

import io.almanac.local.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * R3F, a fresh service's first reads (issue 18 item 3): the financial subgraph and the baseline subgraph are
 * stopped and started again after the load (each JVM as a deployment or a crash would leave it: no read served
 * yet, the data already there), then both serve the same first {@value #READS} cold {@code data} reads, each of a
 * series no workload has read, in pairs alternating which side goes first. No warm-up pair: the first read of
 * each JVM counts. The baseline's reads are not preceded by an untimed one (unlike R3), which would be a read
 * served by its fresh JVM. Both sides' start-to-ready times go to the notes, with the financial subgraph's log
 * line of its own start-up warm-up.
 */
final class FreshStart {

  static final int READS = 60;
  static final String TARGET = "ratio <= 1.0";

  private final Http http;
  private final LocalStack stack;
  private final BaselineStack baseline;
  private final String[] ids;
  private final IdenticalCheck.Report identical;
  private final List<String> notes;

  FreshStart(Http http, LocalStack stack, BaselineStack baseline, String[] ids, IdenticalCheck.Report identical,
      List<String> notes) {
    this.http = http;
    this.stack = stack;
    this.baseline = baseline;
    this.ids = ids;
    this.identical = identical;
    this.notes = notes;
  }

  /**
   * Restarts both subgraphs and measures their first reads.
   *
   * @param series dataset indices of daily series of 2,520 points nothing has read; the first {@value #READS}
   *     (fewer in a small dataset) are read
   */
  Row run(List<Integer> series) throws IOException {
    int count = Math.min(READS, series.size());
    Bench.log("R3F: restarting the financial subgraph and the baseline subgraph ...");
    long a0 = System.nanoTime();
    stack.process("financial-subgraph").close();
    stack.restart("financial-subgraph");
    double almanacReady = (System.nanoTime() - a0) / 1e9;
    long b0 = System.nanoTime();
    baseline.restartSubgraph();
    double baselineReady = (System.nanoTime() - b0) / 1e9;
    Bench.log(String.format("  start-to-ready: financial subgraph %.1f s, baseline subgraph %.1f s", almanacReady,
        baselineReady));
    URI af = stack.financial();
    URI bf = baseline.graphql();
    // A focused run may compare a setting of the financial subgraph in the same conditions: a second financial
    // process with the setting, started now, read in the same rounds (three requests per series, order rotating).
    Map<String, String> compare = compareSettings();
    LocalStack.Instance other = null;
    double otherReady = Double.NaN;
    if (!compare.isEmpty()) {
      long c0 = System.nanoTime();
      other = stack.startAnother("financial-subgraph", compare);
      otherReady = (System.nanoTime() - c0) / 1e9;
    }
    double[] as = new double[count];
    double[] bs = new double[count];
    double[] cs = new double[other == null ? 0 : count];
    for (int i = 0; i < count; i++) {
      int index = series.get(i);
      byte[] body = Http.graphqlBody(Bench.DATA_QUERY, Map.of("id", ids[index]));
      Http.Response ra = null;
      Http.Response rb = null;
      Http.Response rc = null;
      for (int step = 0; step < 3; step++) { // the order rotates: each side goes first, second and last alike
        switch ((i + step) % 3) {
          case 0 -> ra = http.graphql(af, body);
          case 1 -> rb = http.graphql(bf, body);
          default -> rc = other == null ? null : http.graphql(other.graphql(), body);
        }
      }
      JsonNode da = ra.data(af);
      if (rc != null) {
        identical.compare("R3F", "(" + compare + ") " + new String(body, StandardCharsets.UTF_8),
            rc.data(other.graphql()), da);
        cs[i] = rc.nanos() / 1e6;
      }
      JsonNode db = rb.data(bf);
      identical.compare("R3F", new String(body, StandardCharsets.UTF_8), da, db);
      for (JsonNode d : List.of(da, db)) {
        int points = d.path("series").path("data").path("count").asInt(-1);
        if (points != 2_520) {
          identical.mismatch("R3F: " + (d == da ? "Almanac" : "baseline") + " returned " + points
              + " points, the dataset gives 2520");
        }
      }
      as[i] = ra.nanos() / 1e6;
      bs[i] = rb.nanos() / 1e6;
    }
    Row row = Row.latency("R3F", "data, 2,520 points: the first " + count + " reads of freshly restarted subgraphs,"
        + " each of a series never read", new double[][] {as, bs}, TARGET, (p50, ratio) -> ratio <= 1.0,
        "no warm-up pair");
    Bench.log(String.format("  R3F: Almanac p50 %.2f ms, baseline p50 %.2f ms (%d pairs)", row.almanacP50(),
        row.baselineP50(), count));
    if (other != null) {
      notes.add(String.format("R3F compared (focused run): a financial subgraph with %s, started after the restarts"
          + " (%.1f s to ready), p50 %.2f ms of the same first reads. %s", compare, otherReady,
          Row.percentile(cs, 0.5), warmupLine(other.process().log())));
      Bench.log(notes.get(notes.size() - 1));
      other.process().close();
    }
    notes.add(String.format("R3F: start-to-ready (process started to health answering 200) financial subgraph %.1f s,"
        + " baseline subgraph %.1f s. %s", almanacReady, baselineReady, warmupLine(stack.process("financial-subgraph")
        .log())));
    return row;
  }

  /** {@code -Dbench.freshStartCompare=NAME=VALUE,...}: settings of a second financial subgraph to compare. */
  private static Map<String, String> compareSettings() {
    Map<String, String> settings = new java.util.LinkedHashMap<>();
    for (String pair : System.getProperty("bench.freshStartCompare", "").split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        settings.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
      }
    }
    return settings;
  }

  /** The financial subgraph's last warm-up summary line in its log, or a sentence saying there is none. */
  static String warmupLine(Path log) {
    try {
      List<String> found = new ArrayList<>();
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        int at = line.indexOf("Read-path warm-up:");
        if (at >= 0) {
          found.add(line.substring(at));
        }
      }
      return found.isEmpty() ? "The financial subgraph logged no read-path warm-up."
          : "Its log: \"" + found.get(found.size() - 1) + "\"";
    } catch (IOException | RuntimeException e) {
      return "Its log could not be read (" + e.getMessage() + ").";
    }
  }
}
