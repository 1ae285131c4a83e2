package io.almanac.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * M1: the financial subgraph's heap, read with {@code jcmd <pid> GC.heap_info} (the subgraph exposes
 * only the health actuator) after each phase, and its live set after a full GC at the end.
 */
final class Heap {

  private static final Pattern USED = Pattern.compile("total (\\d+)K, used (\\d+)K");

  private final Map<String, Long> samplesKb = new LinkedHashMap<>();
  private final List<String> problems = new ArrayList<>();
  private long liveKb = -1;
  private String xmx = "?";

  void sample(String when) {
    try {
      ProcessHandle financial = Bench.financialProcess();
      String cmd = financial.info().commandLine().orElse("");
      Matcher x = Pattern.compile("-Xmx(\\S+)").matcher(cmd);
      xmx = x.find() ? x.group(1) : "default";
      samplesKb.put(when, usedKb(financial.pid()));
    } catch (RuntimeException e) {
      problems.add(when + ": " + e.getMessage());
    }
  }

  Row m1Row() {
    boolean alive;
    try {
      ProcessHandle financial = Bench.financialProcess();
      alive = financial.isAlive();
      jcmd(financial.pid(), "GC.run");
      liveKb = usedKb(financial.pid());
    } catch (RuntimeException e) {
      alive = false;
      problems.add("end: " + e.getMessage());
    }
    long peak = samplesKb.values().stream().mapToLong(Long::longValue).max().orElse(-1);
    boolean pass = alive && problems.isEmpty() && xmx.equalsIgnoreCase("1g");
    String note = "financial-subgraph -Xmx" + xmx + ", jcmd GC.heap_info; used after each phase: "
        + samplesKb.entrySet().stream().map(e -> e.getKey() + " " + e.getValue() / 1024 + " MiB")
            .reduce((a, b) -> a + ", " + b).orElse("none")
        + "; live after full GC at the end: " + (liveKb < 0 ? "?" : liveKb / 1024 + " MiB")
        + (problems.isEmpty() ? "" : "; problems: " + problems);
    return new Row("M1", "financial-subgraph heap with the loaded table (MiB used)", "MiB", peak / 1024.0,
        liveKb / 1024.0, Double.NaN, Double.NaN, Double.NaN,
        "every workload served with -Xmx1g", pass, note, new double[0], new double[0]);
  }

  String note() {
    return "M1: heap read with `jcmd <pid> GC.heap_info` on the financial-subgraph JVM (its actuator exposes only"
        + " health). Almanac p50 column = highest heap used after any phase, p95 column = live set after a full GC"
        + " at the end. Every workload above ran against this JVM; the series cache is bounded by"
        + " `almanac.financial.cache-max-rows` (rows, not bytes).";
  }

  /** Heap used by the financial subgraph's JVM now, in KiB. */
  static long financialUsedKb() {
    return usedKb(Bench.financialProcess().pid());
  }

  /** The financial subgraph's {@code -Xmx} in MiB; -1 when it has none (the JVM's default). */
  static long financialXmxMiB() {
    Matcher x = Pattern.compile("-Xmx(\\d+)([kKmMgG]?)\\s").matcher(
        Bench.financialProcess().info().commandLine().orElse("") + " ");
    if (!x.find()) {
      return -1;
    }
    long n = Long.parseLong(x.group(1));
    return switch (x.group(2).toLowerCase(java.util.Locale.ROOT)) {
      case "g" -> n * 1024;
      case "m" -> n;
      case "k" -> n / 1024;
      default -> n >> 20;
    };
  }

  private static long usedKb(long pid) {
    String out = jcmd(pid, "GC.heap_info");
    Matcher m = USED.matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("unexpected GC.heap_info output: " + out);
    }
    return Long.parseLong(m.group(2));
  }

  private static String jcmd(long pid, String command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("jcmd " + command + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("jcmd failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
