package io.almanac.financial.cost;

import static org.assertj.core.api.Assertions.assertThat;

import graphql.ExecutionResult;
import graphql.GraphQLError;
import io.almanac.financial.FinancialSubgraphFixture;
import io.almanac.store.ObservationRow;
import io.almanac.store.SeriesRecord;
import io.almanac.store.TimeseriesStore;
import io.almanac.store.TimeseriesWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.TestPropertySource;

/**
 * The estimate before reading, through DGS with a limit of 1,000 points: a query of three aliases of a year
 * of a daily series (3 x 366 = 1,098) is refused while the warehouse is moved away (so it read no
 * observations: a query that does read fails then), three aliases of 2000-2020 of a monthly series (3 x 252 = 756) are
 * answered, and a caller without a key is refused by the auth gate first.
 */
@TestPropertySource(properties = "almanac.financial.max-response-points=1000")
class PointCostLimitTest extends FinancialSubgraphFixture {

  private static final String MONTHLY = "60";
  private static final String DAILY = "61";
  private static final String DAILY_UNREAD = "62";
  private static TimeseriesStore seededStore;

  @Value("${almanac.store.warehouse}") String warehouse;

  @BeforeEach
  void ownSeries() throws Exception {
    seed();
    if (seededStore == store) {
      return;
    }
    OffsetDateTime t = OffsetDateTime.parse("2024-01-01T00:00:00Z");
    List<ObservationRow> rows = new ArrayList<>();
    for (LocalDate d = LocalDate.parse("2000-01-01"); d.getYear() <= 2020; d = d.plusMonths(1)) {
      rows.add(new ObservationRow(60, d, d.plusDays(20), BigDecimal.ONE));
    }
    for (int i = 0; i < 366; i++) {
      LocalDate d = LocalDate.parse("2020-01-01").plusDays(i);
      rows.add(new ObservationRow(61, d, d, BigDecimal.TEN));
      rows.add(new ObservationRow(62, d, d, BigDecimal.TEN));
    }
    try (TimeseriesWriter writer = new TimeseriesWriter(store)) {
      writer.upsertSeries(List.of(
          new SeriesRecord(60, "9", "M60", "Monthly sixty", null, null, "MONTHLY", "NSA", true, t),
          new SeriesRecord(61, "9", "D61", "Daily sixty-one", null, null, "DAILY", "NSA", true, t),
          new SeriesRecord(62, "9", "D62", "Daily sixty-two", null, null, "DAILY", "NSA", true, t))).get();
      writer.appendObservations("cost-1", rows).get();
    }
    seededStore = store;
  }

  private static String aliases(String id, String range) {
    StringBuilder query = new StringBuilder("{");
    for (String alias : List.of("a", "b", "c")) {
      query.append(' ').append(alias).append(": series(id: \"").append(id).append("\") { data(").append(range)
          .append(") { count } }");
    }
    return query.append(" }").toString();
  }

  @Test
  void anAliasedQueryPastTheLimitIsRefusedBeforeAnyRead() throws Exception {
    String viewer = viewer();
    String tooLarge = aliases(DAILY, "from: \"2020-01-01\", to: \"2020-12-31\"");
    // Series metadata (the in-memory directory the estimate and the root fields use) is loaded first;
    // what the move then takes away is every observation (and table file) a read would open.
    assertThat(run("{ series(id: \"" + DAILY + "\") { frequency } }")).isEqualTo(
        Map.of("series", Map.of("frequency", "DAILY")));
    Path moved = Path.of(warehouse + "-moved");
    Files.move(Path.of(warehouse), moved);
    ExecutionResult refused;
    ExecutionResult reading;
    try {
      refused = callers().execute(viewer, tooLarge, Map.of());
      reading = callers().execute(viewer, "{ series(id: \"" + DAILY_UNREAD
          + "\") { data(from: \"2020-01-01\", to: \"2020-01-31\") { count } } }", Map.of());
    } finally {
      Files.move(moved, Path.of(warehouse));
    }
    // The control: with the warehouse gone, a query that reads fails, and not for its size.
    assertThat(reading.getErrors()).isNotEmpty();
    assertThat(reading.getErrors()).noneSatisfy(e -> assertThat(e.getExtensions().get("code")).isEqualTo("LIMIT_EXCEEDED"));

    assertThat(refused.getErrors()).hasSize(3).allSatisfy(e -> {
      assertThat(e.getExtensions()).containsEntry("code", "LIMIT_EXCEEDED").containsEntry("limit", 1000L)
          .containsEntry("estimate", 3L * 366);
      assertThat(e.getMessage()).contains("1,098 points", "the limit is 1,000",
          "almanac.financial.max-response-points");
    });
    assertThat(refused.getErrors().stream().map(e -> e.getPath().get(0)).toList()).containsExactlyInAnyOrder("a", "b",
        "c");
    Map<String, Object> data = refused.getData();
    assertThat(data).containsEntry("a", null).containsEntry("b", null).containsEntry("c", null);

    // With the warehouse back, two of those aliases fit (732 points) and are read.
    Map<String, Object> two = run("{ a: series(id: \"" + DAILY + "\") { data(from: \"2020-01-01\", to: \"2020-12-31\")"
        + " { count } } b: series(id: \"" + DAILY + "\") { data(from: \"2020-01-01\", to: \"2020-12-31\") { count } } }");
    assertThat(two).isEqualTo(Map.of("a", Map.of("data", Map.of("count", 366)), "b",
        Map.of("data", Map.of("count", 366))));
  }

  @Test
  void anAliasedQueryWithinTheLimitIsAnswered() throws Exception {
    // 3 x 252 months = 756 points estimated; each alias returns the 252 stored.
    Map<String, Object> data = run(aliases(MONTHLY, "from: \"2000-01-01\", to: \"2020-12-31\""));
    Map<String, Object> expected = Map.of("data", Map.of("count", 252));
    assertThat(data).isEqualTo(Map.of("a", expected, "b", expected, "c", expected));
  }

  @Test
  void aCallerWithoutAKeyIsRefusedByTheAuthGateNotTheEstimate() {
    ExecutionResult anonymous = callers().execute(null, aliases(DAILY, "from: \"1900-01-01\""), Map.of());
    assertThat(anonymous.getErrors()).isNotEmpty().allSatisfy(
        (GraphQLError e) -> assertThat(e.getExtensions()).containsEntry("code", "UNAUTHENTICATED"));
  }
}
