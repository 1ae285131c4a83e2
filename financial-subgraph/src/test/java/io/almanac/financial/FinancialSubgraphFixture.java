package io.almanac.financial;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.graphql.dgs.DgsQueryExecutor;
import io.almanac.financial.search.SeriesSearch;
import io.almanac.graphql.auth.ApiKeyStore;
import io.almanac.graphql.auth.Role;
import io.almanac.graphql.auth.TestCallers;
import io.almanac.graphql.auth.TestDatabases;
import io.almanac.store.ObservationRow;
import io.almanac.store.SeriesRecord;
import io.almanac.store.TimeseriesStore;
import io.almanac.store.TimeseriesWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What the financial subgraph's DGS tests share: the application over real Iceberg tables in a JDBC
 * catalog on an embedded PostgreSQL (one context for every subclass, the configuration being
 * declared here only; on a real HTTP port, for the exports), and the series and observations they read,
 * seeded once per context with the store's writer (the crawler's path).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class FinancialSubgraphFixture {

  @Autowired protected DgsQueryExecutor graphql;
  @Autowired protected TimeseriesStore store;
  @Autowired protected ApiKeyStore keys;
  @Autowired protected SeriesSearch search;

  /** The store the data was seeded into, and a viewer's key there: a new context seeds its own. */
  private static TimeseriesStore seededStore;
  private static String viewer;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestDatabases.register(registry);
  }

  protected static LocalDate d(String iso) {
    return LocalDate.parse(iso);
  }

  protected TestCallers callers() {
    return new TestCallers(keys, graphql);
  }

  /** A viewer's key, as an Authorization header value. */
  protected String viewer() throws Exception {
    seed();
    return viewer;
  }

  /** GDP-like: Q1 2024 with advance (1.6), second (1.3) and third (1.4) estimates; Q2 with an advance. */
  protected void seed() throws Exception {
    if (seededStore == store) {
      return;
    }
    viewer = callers().key(1, Role.VIEWER);
    OffsetDateTime t = OffsetDateTime.parse("2024-01-01T00:00:00Z");
    try (TimeseriesWriter writer = new TimeseriesWriter(store)) {
      writer.upsertSeries(List.of(
          new SeriesRecord(1, "7", "GDPC1", "Real Gross Domestic Product", "Quarterly growth", "Percent",
              "QUARTERLY", "SAAR", true, t),
          new SeriesRecord(2, "7", "CPIAUCSL", "Consumer Price Index", null, "Index", "MONTHLY", "SA", true, t),
          new SeriesRecord(3, "8", "SP500", "S&P 500", null, "Index", "DAILY", "NSA", false, t))).get();
      writer.appendObservations("seed-1", List.of(
          new ObservationRow(1, d("2024-01-01"), d("2024-04-25"), new BigDecimal("1.6")),
          new ObservationRow(1, d("2024-01-01"), d("2024-05-30"), new BigDecimal("1.3")),
          new ObservationRow(1, d("2024-01-01"), d("2024-06-27"), new BigDecimal("1.4")),
          new ObservationRow(1, d("2024-04-01"), d("2024-07-25"), new BigDecimal("2.8")),
          new ObservationRow(1, d("2024-07-01"), d("2024-10-30"), null))).get();
      List<ObservationRow> daily = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        daily.add(new ObservationRow(3, d("2024-01-01").plusDays(i), d("2024-01-01").plusDays(i),
            BigDecimal.valueOf(4700 + i)));
      }
      writer.appendObservations("seed-2", daily).get();
    }
    // searchSeries answers from an index refreshed in the background: wait until it holds the seed.
    assertThat(search.awaitCurrent(Duration.ofSeconds(30))).isTrue();
    seededStore = store;
  }

  protected Map<String, Object> run(String query) throws Exception {
    return callers().data(viewer(), query, Map.of());
  }

  protected List<Map<String, Object>> errors(String query) throws Exception {
    return callers().execute(viewer(), query, Map.of()).getErrors().stream().map(e -> e.toSpecification()).toList();
  }
}
