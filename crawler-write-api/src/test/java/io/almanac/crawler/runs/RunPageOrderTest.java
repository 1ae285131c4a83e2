package io.almanac.crawler.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.almanac.crawler.generated.types.OrderDirection;
import io.almanac.crawler.generated.types.RunOrder;
import io.almanac.crawler.generated.types.RunOrderField;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.Cursors;
import io.almanac.graphql.ErrorCode;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Run list orders and their keyset cursors. */
class RunPageOrderTest {

  private static final RunPageOrder NEWEST_FIRST = new RunPageOrder(false, false);
  private static final RunPageOrder SHORTEST_FIRST = new RunPageOrder(true, true);

  /** Started 2024-01-02T03:04:05.123456789Z: 1,704,164,645 seconds and 123,456 microseconds after the epoch. */
  private static IngestionRun run(String id, Long durationMs) {
    return new IngestionRun(id, 1, durationMs == null ? "RUNNING" : "SUCCEEDED",
        OffsetDateTime.parse("2024-01-02T03:04:05.123456789Z"), null, durationMs, 0, 0, null, null, List.of());
  }

  private static void refused(RunPageOrder order, String cursor) {
    assertThatThrownBy(() -> order.after(cursor)).as(cursor).isInstanceOfSatisfying(AlmanacGraphQLException.class,
        e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.BAD_USER_INPUT);
          assertThat(e.extensions()).containsEntry("argument", "after");
        });
  }

  @Test
  void ordersComeFromTheArgumentWithTheSchemasDefaults() {
    assertThat(RunPageOrder.of(null)).isEqualTo(NEWEST_FIRST);
    assertThat(RunPageOrder.of(new RunOrder())).isEqualTo(NEWEST_FIRST);
    assertThat(RunPageOrder.of(RunOrder.newBuilder().field(RunOrderField.DURATION).direction(OrderDirection.ASC)
        .build())).isEqualTo(SHORTEST_FIRST);
    assertThat(RunPageOrder.of(RunOrder.newBuilder().field(RunOrderField.STARTED_AT).direction(OrderDirection.ASC)
        .build())).isEqualTo(new RunPageOrder(false, true));
  }

  @Test
  void sortValuesAreStartMicrosOrDurationWithRunningRunsFirst() {
    assertThat(NEWEST_FIRST.sortValue(run("5", 1500L))).isEqualTo(1_704_164_645_123_456L);
    assertThat(SHORTEST_FIRST.sortValue(run("5", 1500L))).isEqualTo(1500);
    assertThat(SHORTEST_FIRST.sortValue(run("5", null))).isEqualTo(-1);
  }

  @Test
  void cursorsNameTheLastRunsPositionInTheirOrder() {
    assertThat(NEWEST_FIRST.after(null)).isNull();
    assertThat(NEWEST_FIRST.after(NEWEST_FIRST.cursor(run("42", null))))
        .isEqualTo(new RunRepository.Position(1_704_164_645_123_456L, 42));
    assertThat(SHORTEST_FIRST.after(SHORTEST_FIRST.cursor(run("43", null))))
        .isEqualTo(new RunRepository.Position(-1, 43));
    assertThat(NEWEST_FIRST.cursor(run("42", null)))
        .isNotEqualTo(new RunPageOrder(false, true).cursor(run("42", null)));
  }

  @Test
  void cursorsOfAnotherOrderOrGarbageAreRefused() {
    refused(SHORTEST_FIRST, NEWEST_FIRST.cursor(run("42", 10L)));
    refused(new RunPageOrder(false, true), NEWEST_FIRST.cursor(run("42", 10L)));
    refused(NEWEST_FIRST, "%%%");
    refused(NEWEST_FIRST, Cursors.encode("run-started-desc", "x:y"));
    refused(NEWEST_FIRST, Cursors.encode("run-started-desc", "5"));
    refused(NEWEST_FIRST, Cursors.encode("provider", "5"));
  }
}
