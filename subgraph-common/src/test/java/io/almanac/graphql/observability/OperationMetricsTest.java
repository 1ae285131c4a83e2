package io.almanac.graphql.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class OperationMetricsTest {

  private final OperationMetrics metrics = new OperationMetrics(new SimpleMeterRegistry());

  @Test
  void namesAreBoundedInLengthAndNumber() {
    assertThat(metrics.operationTag(null)).isEqualTo("anonymous");
    assertThat(metrics.operationTag("")).isEqualTo("anonymous");
    assertThat(metrics.operationTag("SearchSeries")).isEqualTo("SearchSeries");
    assertThat(metrics.operationTag("A".repeat(100))).isEqualTo("A".repeat(64));
    assertThat(metrics.operationTag("not a name")).isEqualTo("other");
    for (int i = 0; metrics.operationTag("Op" + i).startsWith("Op"); i++) {
      assertThat(i).as("distinct names kept").isLessThan(200);
    }
    assertThat(metrics.operationTag("Newcomer")).isEqualTo("other");
    // names seen before the bound keep their own series
    assertThat(metrics.operationTag("SearchSeries")).isEqualTo("SearchSeries");
    assertThat(metrics.operationTag("Op10")).isEqualTo("Op10");
  }
}
