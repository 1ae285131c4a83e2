package io.almanac.bench;

import io.almanac.local.LocalStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CPU time of the benchmark's processes, from {@code /proc/<pid>/stat} (user + system, with each process's
 * descendants, but not the benchmark's own children): where a request's or a batch's cost goes on each
 * side. Linux only; a process that ended in between counts 0.
 */
final class ProcessCpu {

  /** Milliseconds per clock tick of {@code /proc}'s times (USER_HZ is 100 on Linux). */
  static final double MS_PER_TICK = 10.0;

  private ProcessCpu() {}

  /** Almanac's processes by name: gateway, the three subgraphs, PostgreSQL, the benchmark's client. */
  static Map<String, List<Long>> almanac(LocalStack stack) {
    Map<String, List<Long>> m = new LinkedHashMap<>();
    m.put("gateway", List.of(stack.process("gateway").pid()));
    m.put("financial", List.of(stack.process("financial-subgraph").pid()));
    m.put("crawler", List.of(stack.process("crawler-write-api").pid()));
    m.put("user", List.of(stack.process("user-subgraph").pid()));
    m.put("postgres", List.of(stack.postmaster().pid()));
    m.put("bench client", List.of(ProcessHandle.current().pid()));
    return m;
  }

  /** The baseline's processes by name: its gateway, its subgraph, the shared PostgreSQL, the client. */
  static Map<String, List<Long>> baseline(BaselineStack baseline, LocalStack stack) {
    Map<String, List<Long>> m = new LinkedHashMap<>();
    m.put("gateway", List.of(baseline.gatewayPid()));
    m.put("subgraph", List.of(baseline.subgraphPid()));
    m.put("postgres", List.of(stack.postmaster().pid()));
    m.put("bench client", List.of(ProcessHandle.current().pid()));
    return m;
  }

  /** utime + stime (clock ticks) of each named group of processes and their descendants, now. */
  static Map<String, Long> ticks(Map<String, List<Long>> processes) {
    Map<String, Long> ticks = new LinkedHashMap<>();
    long self = ProcessHandle.current().pid();
    for (Map.Entry<String, List<Long>> e : processes.entrySet()) {
      long sum = 0;
      for (long pid : e.getValue()) {
        sum += ticks(pid);
        if (pid != self) {
          sum += ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants)
              .mapToLong(p -> ticks(p.pid())).sum();
        }
      }
      ticks.put(e.getKey(), sum);
    }
    return ticks;
  }

  /** Adds {@code after - before} of every name to {@code into}. */
  static void addDifference(Map<String, Long> into, Map<String, Long> before, Map<String, Long> after) {
    after.forEach((name, ticks) -> into.merge(name, ticks - before.getOrDefault(name, 0L), Long::sum));
  }

  /** Milliseconds of CPU per unit (of {@code units} requests or batches), by name; NaN for no units. */
  static Map<String, Double> msPer(Map<String, Long> ticks, double units) {
    Map<String, Double> per = new LinkedHashMap<>();
    ticks.forEach((name, t) -> per.put(name, units == 0 ? Double.NaN : t * MS_PER_TICK / units));
    return per;
  }

  /** "gateway 1.71, financial 2.73, ..." with {@code decimals} decimals. */
  static String format(Map<String, Double> msPer, int decimals) {
    StringBuilder sb = new StringBuilder();
    msPer.forEach((name, ms) -> sb.append(sb.isEmpty() ? "" : ", ")
        .append(String.format(Locale.ROOT, "%s %." + decimals + "f", name, ms)));
    return sb.toString();
  }

  private static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // Fields after the command (in parentheses, may hold spaces): state is field 3, utime 14, stime 15.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return 0; // a process that ended in between
    }
  }
}
