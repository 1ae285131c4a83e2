package io.almanac.bench;

import java.util.Arrays;

/**
 * One line of the results table. Latency rows hold p50/p95 in milliseconds; throughput rows (W1, W2)
 * hold points per second in {@code almanacP50} / {@code baselineP50} and batch latencies in the p95
 * columns' place is left empty. NaN means "not measured".
 */
public record Row(String id, String workload, String unit, double almanacP50, double almanacP95,
    double baselineP50, double baselineP95, double ratio, String target, Boolean pass, String note,
    double[] almanacSamples, double[] baselineSamples) {

  /** @param samples {Almanac samples, baseline samples} in ms */
  public static Row latency(String id, String workload, double[][] samples, String target,
      java.util.function.BiPredicate<Double, Double> passes, String note) {
    double[] almanacMs = samples[0];
    double[] baselineMs = samples[1];
    double ap50 = percentile(almanacMs, 0.50);
    double bp50 = percentile(baselineMs, 0.50);
    double ratio = ap50 / bp50;
    Boolean pass = Double.isNaN(ratio) ? null : passes.test(ap50, ratio);
    return new Row(id, workload, "ms", ap50, percentile(almanacMs, 0.95), bp50, percentile(baselineMs, 0.95), ratio,
        target, pass, note + " (n=" + almanacMs.length + "/" + baselineMs.length + ")", almanacMs, baselineMs);
  }

  /**
   * G1, the gateway's share of a read: R2's p50 minus R1's p50 on each side (the same series in the same run,
   * through each side's Hive Gateway and direct), in ms; ratio Almanac / baseline; passes at <= 2 ms for
   * Almanac. Unit "ms added": a difference, so it is left out of the latency plot's log scale.
   */
  public static Row gatewayShare(Row direct, Row throughGateway) {
    double almanac = throughGateway.almanacP50() - direct.almanacP50();
    double baseline = throughGateway.baselineP50() - direct.baselineP50();
    return new Row("G1", "the gateway's share of the 2,520-point read: R2 p50 minus R1 p50", "ms added", almanac,
        Double.NaN, baseline, Double.NaN, almanac / baseline, "Almanac <= 2 ms", Double.isNaN(almanac) ? null : almanac <= 2,
        "same series, same run; each side's own Hive Gateway running Almanac's configuration", new double[0], new double[0]);
  }

  /** Nearest-rank percentile; NaN for no samples. */
  public static double percentile(double[] samples, double p) {
    if (samples == null || samples.length == 0) {
      return Double.NaN;
    }
    double[] sorted = samples.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  public boolean isThroughput() {
    return unit.equals("pts/s");
  }
}
