package io.almanac.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CPU accounting of the benchmark's processes: /proc's ticks, per unit, and the note's text. */
class ProcessCpuTest {

  @Test
  void ticksOfThisProcessAtLeastCoverTheCpuTimeTheJvmReportsSpent() {
    Map<String, List<Long>> self = Map.of("bench client", List.of(ProcessHandle.current().pid()));
    long cpuNanos = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : -1;
    long ticks = ProcessCpu.ticks(self).get("bench client");
    assertThat(cpuNanos).isPositive();
    // Both count user + system time of the whole process; /proc truncates to whole ticks, so allow one tick.
    assertThat(ticks * ProcessCpu.MS_PER_TICK).isGreaterThanOrEqualTo(cpuNanos / 1e6 - ProcessCpu.MS_PER_TICK - 1);
  }

  @Test
  void aProcessThatIsGoneCountsNothing() {
    // Pid 0 is never a process of /proc.
    assertThat(ProcessCpu.ticks(Map.of("gone", List.of(0L)))).containsEntry("gone", 0L);
  }

  @Test
  void differencesAddUpAndDivideIntoMillisecondsPerUnit() {
    Map<String, Long> total = new LinkedHashMap<>();
    ProcessCpu.addDifference(total, Map.of("crawler", 100L), ordered("crawler", 130L, "postgres", 7L));
    ProcessCpu.addDifference(total, Map.of("crawler", 200L, "postgres", 7L), ordered("crawler", 215L, "postgres", 10L));
    assertThat(total).containsEntry("crawler", 45L).containsEntry("postgres", 10L);
    // 45 ticks of 10 ms over 1.5 units: 300 ms per unit; 10 ticks: 66.7.
    assertThat(ProcessCpu.format(ProcessCpu.msPer(total, 1.5), 1)).isEqualTo("crawler 300.0, postgres 66.7");
    assertThat(ProcessCpu.msPer(total, 0).get("crawler")).isNaN();
  }

  /** As the process maps are: in the order the note names them. */
  private static Map<String, Long> ordered(String first, long a, String second, long b) {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put(first, a);
    m.put(second, b);
    return m;
  }
}
