package io.almanac.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** How responses are compared: exactly, as numbers across writers, and within the derived-read tolerance. */
class IdenticalCheckTest {

  private static JsonNode json(String text) {
    return Http.JSON.readTree(text);
  }

  @Test
  void numbersCompareAsDoublesWhateverWroteThem() {
    // Java writes 100.0, Hive Gateway (JavaScript) writes 100.
    assertThat(IdenticalCheck.sameNumbers(json("{\"v\": [100.0, null, 0.5]}"), json("{\"v\": [100, null, 0.5]}")))
        .isTrue();
    assertThat(IdenticalCheck.sameNumbers(json("{\"v\": [100.0]}"), json("{\"v\": [100.00000000001]}"))).isFalse();
    assertThat(IdenticalCheck.sameNumbers(json("{\"d\": \"101.25\"}"), json("{\"d\": \"101.250\"}"))).isFalse();
    assertThat(IdenticalCheck.sameNumbers(json("{\"a\": 1}"), json("{\"b\": 1}"))).isFalse();
  }

  @Test
  void derivedValuesMayDifferByARelativeBillionth() {
    assertThat(IdenticalCheck.close(json("[1.0, 250.0]"), json("[1.0000000001, 250.00000002]"))).isTrue();
    assertThat(IdenticalCheck.close(json("[1.0]"), json("[1.00000001]"))).isFalse();
    // Near zero an absolute bound: a change between equal inputs is 0 on one side, 1e-14 on the other.
    assertThat(IdenticalCheck.close(json("[0.0]"), json("[1.0E-14]"))).isTrue();
    assertThat(IdenticalCheck.close(json("[0.0]"), json("[1.0E-11]"))).isFalse();
    // Derived decimals are texts: compared as numbers within the same tolerance; other texts exactly.
    assertThat(IdenticalCheck.close(json("[\"1.2345678901234567\"]"), json("[\"1.2345678901234566\"]"))).isTrue();
    assertThat(IdenticalCheck.close(json("[\"2024-01-02\"]"), json("[\"2024-01-03\"]"))).isFalse();
    assertThat(IdenticalCheck.close(json("[null, 1.0]"), json("[1.0, 1.0]"))).isFalse();
    assertThat(IdenticalCheck.close(json("[1.0, 2.0]"), json("[1.0]"))).isFalse();
  }

  @Test
  void theReportCountsComparisonsAndKeepsMismatches() {
    IdenticalCheck.Report report = new IdenticalCheck.Report();
    report.compare("exact", "q", json("[1.0]"), json("[1.0000000001]"));
    report.compareDerived("derived", "q", json("[1.0]"), json("[1.0000000001]"));
    report.check("export", true, "");
    report.check("export", false, "row 3 differs");
    assertThat(report.comparisons()).isEqualTo(4);
    assertThat(report.mismatches()).hasSize(2);
    assertThat(report.mismatches().get(0)).startsWith("exact differs");
    assertThat(report.mismatches().get(1)).isEqualTo("export: row 3 differs");
  }
}
