package io.almanac.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The catalog's database stopped under a reader: reads go on at the last loaded table state (no
 * exception), and once the database is back on the same port a background probe finds it and reads see
 * new commits again.
 */
class TimeseriesReaderCatalogOutageTest {

  private static final long SERIES = 7;

  @Test
  void readsUseTheLastLoadedStateWhileTheCatalogIsDownAndCatchUpWhenItIsBack() throws Exception {
    Path data = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "catalog-outage-pg");
    Path warehouse = Files.createTempDirectory(Path.of("target"), "catalog-outage-warehouse");
    EmbeddedPostgres postgres = start(data, 0);
    int port = postgres.getPort();
    StoreSettings settings = new StoreSettings("test", Map.of(
        "type", "jdbc",
        "uri", postgres.getJdbcUrl("postgres", "postgres"),
        "jdbc.user", "postgres",
        "jdbc.password", "postgres",
        "jdbc.socketTimeout", "3",
        "warehouse", warehouse.toUri().toString(),
        "io-impl", LocalFileIO.class.getName()),
        "almanac", "almanac_raw", Duration.ofMillis(5));
    try (TimeseriesStore store = TimeseriesStore.open(settings);
        TimeseriesWriter writer = new TimeseriesWriter(store)) {
      TimeseriesReader reader = new TimeseriesReader(store);
      writer.appendObservations("before", rows(LocalDate.of(2020, 1, 1), 10)).get();
      long before = reader.observationsSnapshot();
      assertThat(reader.readHistories(List.of(SERIES), before).get(SERIES).size()).isEqualTo(10);

      postgres.close();
      // The catalog cannot be reached: the same snapshot, read from the files it names, no failure.
      assertThat(reader.observationsSnapshot()).isEqualTo(before);
      assertThat(reader.observationsSnapshot()).isEqualTo(before);
      assertThat(reader.readHistories(List.of(SERIES), before).get(SERIES).size()).isEqualTo(10);
      reader.seriesSnapshot();

      postgres = start(data, port);
      writer.appendObservations("after", rows(LocalDate.of(2021, 1, 1), 5)).get();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      long after = reader.observationsSnapshot();
      while (after == before) {
        assertThat(System.nanoTime() - deadline).as("reads see the new commit within 30 s").isNegative();
        Thread.sleep(100);
        after = reader.observationsSnapshot();
      }
      assertThat(reader.readHistories(List.of(SERIES), after).get(SERIES).size()).isEqualTo(15);
    } finally {
      postgres.close();
    }
  }

  private static EmbeddedPostgres start(Path data, int port) throws Exception {
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false);
    if (port != 0) {
      builder.setPort(port);
    }
    return builder.start();
  }

  private static List<ObservationRow> rows(LocalDate from, int count) {
    return java.util.stream.IntStream.range(0, count)
        .mapToObj(i -> new ObservationRow(SERIES, from.plusMonths(i), LocalDate.of(2024, 1, 1),
            BigDecimal.valueOf(i, 1)))
        .toList();
  }
}
