package io.almanac.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.store.spring.CatalogHealthIndicator;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The store's meters move by what was committed (on a registry bound to Micrometer's global one, as Spring
 * Boot binds the subgraphs'), and the catalog's health indicator answers UP with the table's snapshot, DOWN
 * once the catalog's database is gone.
 */
class StoreMetricsAndHealthTest {

  @Test
  void commitsAndMaintenanceAreCountedAndTheCatalogsHealthFollowsItsDatabase() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Metrics.globalRegistry.add(registry);
    EmbeddedCatalog catalog = new EmbeddedCatalog();
    try (TimeseriesStore store = TimeseriesStore.open(catalog.settings(Duration.ofMillis(5)));
        TimeseriesWriter writer = new TimeseriesWriter(store)) {
      writer.appendObservations("m1", rows(17)).get();
      writer.appendObservations("m2", rows(5)).get();
      assertThat(registry.get("almanac.points.written").counter().count()).isEqualTo(22);
      assertThat(registry.get("almanac.store.rows.committed").tag("table", "observations").counter().count())
          .isEqualTo(22);
      assertThat(registry.get("almanac.store.commit").tags("table", "observations", "outcome", "committed").timer()
          .count()).isBetween(1L, 2L);

      new TableMaintenance(store, writer, new TableMaintenance.Settings(2, 2_000_000, 0.1, Duration.ZERO,
          Duration.ZERO, 2)).run();
      for (String table : List.of("observations", "series", "raw_batches")) {
        assertThat(registry.get("almanac.maintenance.runs").tag("table", table).counter().count()).isEqualTo(1);
      }
      // the two files of observations were merged into one
      assertThat(registry.get("almanac.maintenance.files.rewritten").tag("table", "observations").counter().count())
          .isEqualTo(2);

      CatalogHealthIndicator health = new CatalogHealthIndicator(store, Duration.ofSeconds(2));
      Health up = health.health();
      assertThat(up.getStatus()).isEqualTo(Status.UP);
      assertThat(up.getDetails()).containsEntry("snapshot", new TimeseriesReader(store).observationsSnapshot());

      catalog.postgres.close();
      assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
    } finally {
      Metrics.globalRegistry.remove(registry);
      catalog.close();
    }
  }

  private static List<ObservationRow> rows(int count) {
    return IntStream.range(0, count).mapToObj(i -> new ObservationRow(3, LocalDate.of(2020, 1, 1).plusDays(i),
        LocalDate.of(2024, 1, 1), BigDecimal.valueOf(i, 1))).toList();
  }
}
