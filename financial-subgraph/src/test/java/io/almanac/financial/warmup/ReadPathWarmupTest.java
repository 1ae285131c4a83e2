package io.almanac.financial.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.financial.FinancialSubgraphFixture;
import io.almanac.financial.observations.ObservationHistories;
import io.almanac.store.SeriesDirectory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The start-up warm-up runs, reads the table it finds through the client's read path, keeps nothing, and stops at its bounds. */
class ReadPathWarmupTest extends FinancialSubgraphFixture {

  @Autowired ReadPathWarmup warmup;
  @Autowired SeriesDirectory directory;
  @Autowired ObservationHistories histories;

  @Test
  void ranAtStartBeforeTheContextWasReady() {
    ReadPathWarmup.Result atStart = warmup.startResult();
    assertThat(atStart).isNotNull();
    assertThat(atStart.failures()).isZero();
  }

  @Test
  void readsEverySeriesOnceThroughTheReadPathAndKeepsNoneOfThem() throws Exception {
    seed();
    List<Long> ids = List.copyOf(directory.current().byId().keySet());
    assertThat(ids).contains(1L, 2L, 3L);

    ReadPathWarmup.Result result = warmup.warm(ids.size(), Duration.ofMinutes(1), new AtomicBoolean());

    assertThat(result.failures()).isZero();
    assertThat(result.reads()).isEqualTo(ids.size());
    assertThat(result.stoppedBy()).isEqualTo("reads");
    for (long id : ids) {
      assertThat(histories.cachedRecently(id)).as("series %d left in the cache", id).isNull();
    }
    // What a client reads of the same series, point for point, afterwards (so the warm-up cannot have served it).
    long clientPoints = 0;
    for (long id : ids) {
      Map<String, Object> series = (Map<String, Object>) run("{ series(id: \"" + id + "\") { data { count } } }")
          .get("series");
      clientPoints += ((Number) ((Map<?, ?>) series.get("data")).get("count")).longValue();
    }
    assertThat(clientPoints).isGreaterThanOrEqualTo(30); // the seeded daily series alone has 30
    assertThat(result.points()).isEqualTo(clientPoints);
  }

  @Test
  void stopsAtItsReadBoundCyclingOverFewSeries() throws Exception {
    seed();
    int series = directory.current().byId().size();

    ReadPathWarmup.Result result = warmup.warm(series + 2, Duration.ofMinutes(1), new AtomicBoolean());

    assertThat(result.reads()).isEqualTo(series + 2);
    assertThat(result.stoppedBy()).isEqualTo("reads");
  }

  @Test
  void stopsAtItsDeadlineOrWhenToldTo() throws Exception {
    seed();

    ReadPathWarmup.Result pastDeadline = warmup.warm(1_000, Duration.ZERO, new AtomicBoolean());
    ReadPathWarmup.Result stopped = warmup.warm(1_000, Duration.ofMinutes(1), new AtomicBoolean(true));

    assertThat(pastDeadline.reads()).isZero();
    assertThat(pastDeadline.stoppedBy()).isEqualTo("time");
    assertThat(stopped.reads()).isZero();
    assertThat(stopped.stoppedBy()).isEqualTo("time");
  }

  @Test
  void spreadsItsReadsOverTheIdRange() {
    assertThat(ReadPathWarmup.spread(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), 4))
        .containsExactly(1L, 4L, 7L, 10L);
    assertThat(ReadPathWarmup.spread(List.of(5L, 6L), 4)).containsExactly(5L, 6L);
  }
}
