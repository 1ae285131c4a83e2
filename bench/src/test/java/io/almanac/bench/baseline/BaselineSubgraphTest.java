package io.almanac.bench.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.graphql.dgs.DgsQueryExecutor;
import graphql.ExecutionResult;
import graphql.GraphQLError;
import io.almanac.bench.baseline.generated.types.Frequency;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The baseline's GraphQL layer over a real PostgreSQL: issue 13's arguments reach the SQL (enum
 * arguments, the vintage panel's shape), refusals name their argument, and the bulk mutation still
 * answers with its generated result type. The SQL's values are checked by {@link BaselineDerivedReadsTest}.
 */
@SpringBootTest(classes = BaselineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class BaselineSubgraphTest {

  private static EmbeddedPostgres postgres;

  @Autowired DgsQueryExecutor graphql;
  @Autowired DataSource dataSource;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    try {
      postgres = EmbeddedPostgres.builder().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    registry.add("spring.datasource.url", () -> postgres.getJdbcUrl("postgres", "postgres"));
    registry.add("spring.datasource.username", () -> "postgres");
    registry.add("spring.datasource.password", () -> "postgres");
  }

  @AfterAll
  static void stop() throws IOException {
    postgres.close();
  }

  /** Series 7 (monthly): 2023-01 to 2023-04, the last revised; series 8 unregistered. */
  @BeforeEach
  void seed() throws Exception {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("TRUNCATE baseline.observations");
      s.execute("INSERT INTO baseline.observations VALUES (7, '2023-01-01', '2023-02-10', 100),"
          + " (7, '2023-02-01', '2023-03-10', 110), (7, '2023-03-01', '2023-04-10', 121),"
          + " (7, '2023-04-01', '2023-05-10', 0), (7, '2023-04-01', '2023-06-10', 133.1),"
          + " (8, '2023-01-01', '2023-01-01', 1)");
      ObservationRepository.registerSeries(c, new long[] {7}, new Frequency[] {Frequency.MONTHLY});
    }
  }

  @Test
  void transformsAreAskedWithEnumArguments() {
    Map<String, Object> data = data("{ series(id: \"7\") { data(transform: PERCENT_CHANGE) { dates values count } } }");
    assertThat(data).isEqualTo(Map.of("series", Map.of("data", Map.of(
        "dates", List.of("2023-02-01", "2023-03-01", "2023-04-01"), "values",
        List.of(100 * (110.0 / 100.0 - 1), 100 * (121.0 / 110.0 - 1), 100 * (133.1 / 121.0 - 1)),
        "count", 3))));
    // As of 2023-05-10 April was 0: the change into it is -100, the log of it null.
    assertThat(data("{ series(id: \"7\") { data(asOf: \"2023-05-10\", transform: NATURAL_LOG, from: \"2023-04-01\")"
        + " { values } } }")).isEqualTo(Map.of("series", Map.of("data", Map.of("values", java.util.Collections
            .singletonList(null)))));
  }

  @Test
  void aggregationAndThePanelAnswerInTheContractsShapes() {
    assertThat(data("{ series(id: \"7\") { data(frequency: QUARTERLY, aggregation: SUM) { dates values } } }"))
        .isEqualTo(Map.of("series", Map.of("data", Map.of("dates", List.of("2023-01-01"), "values", List.of(331.0)))));
    Map<String, Object> panel = data("{ series(id: \"7\") { vintagePanel(vintageDates: [\"2023-06-10\", \"2023-03-10\"])"
        + " { dates vintageDates values decimals } } }");
    assertThat(panel).isEqualTo(Map.of("series", Map.of("vintagePanel", Map.of(
        "dates", List.of("2023-01-01", "2023-02-01", "2023-03-01", "2023-04-01"),
        "vintageDates", List.of("2023-06-10", "2023-03-10"),
        "values", List.of(List.of(100.0, 110.0, 121.0, 133.1), java.util.Arrays.asList(100.0, 110.0, null, null)),
        "decimals", List.of(List.of("100", "110", "121", "133.1"), java.util.Arrays.asList("100", "110", null, null))))));
  }

  @Test
  void stepsThatDoNotApplyAreBadUserInputNamingTheArgument() {
    assertRefused("{ series(id: \"7\") { data(frequency: WEEKLY) { count } } }", "BAD_USER_INPUT", "frequency");
    assertRefused("{ series(id: \"7\") { data(aggregation: SUM) { count } } }", "BAD_USER_INPUT", "aggregation");
    assertRefused("{ series(id: \"7\") { vintagePanel(vintageDates: []) { dates } } }", "BAD_USER_INPUT",
        "vintageDates");
    assertRefused("{ series(id: \"8\") { data(transform: CHANGE) { count } } }", "NOT_FOUND", null);
  }

  @Test
  void bulkUpsertAnswersWithItsResultType() {
    Map<String, Object> data = data("mutation { bulkUpsertDataPoints(input: {batchId: \"b1\", points: ["
        + "{seriesId: \"9\", date: \"2024-01-01\", value: \"1.5\", revisionDate: \"2024-01-02\"},"
        + "{date: \"2024-01-01\", value: \"2\"}]}) { batchId status replayed summary { successful failed }"
        + " errors { index code } } }");
    assertThat(data).isEqualTo(Map.of("bulkUpsertDataPoints", Map.of("batchId", "b1", "status", "PARTIAL",
        "replayed", false, "summary", Map.of("successful", 1, "failed", 1),
        "errors", List.of(Map.of("index", 1, "code", "MISSING_SERIES")))));
  }

  private Map<String, Object> data(String query) {
    ExecutionResult result = graphql.execute(query);
    assertThat(result.getErrors()).isEmpty();
    return result.getData();
  }

  private void assertRefused(String query, String code, String argument) {
    List<GraphQLError> errors = graphql.execute(query).getErrors();
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).getExtensions()).containsEntry("code", code);
    if (argument != null) {
      assertThat(errors.get(0).getExtensions()).containsEntry("argument", argument);
    }
  }
}
