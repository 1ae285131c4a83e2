package io.almanac.financial.cost;

import static org.assertj.core.api.Assertions.assertThat;

import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.execution.RawVariables;
import graphql.execution.ValuesResolver;
import graphql.language.Document;
import graphql.language.FragmentDefinition;
import graphql.language.OperationDefinition;
import graphql.normalized.ExecutableNormalizedOperationFactory;
import graphql.parser.Parser;
import io.almanac.financial.FinancialSubgraphFixture;
import io.almanac.financial.search.SearchDataFetcher;
import io.almanac.financial.search.SeriesSearch;
import io.almanac.financial.series.SeriesCatalog;
import io.almanac.store.SeriesHistory;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.graphql.execution.GraphQlSource;

/**
 * The estimate of real operations parsed against the subgraph's schema, over the fixture's series (1
 * quarterly, 2 monthly, 3 daily; 4 missing), with ranges left open taken as 2000-01-01 to 2020-12-31 and no
 * cached history unless a test gives one. Every expected value is counted by hand from the query.
 */
class PointEstimatorTest extends FinancialSubgraphFixture {

  /** 2000-01-01 to 2020-12-31: 21 years, 6 of them leap years (2000, 2004 ... 2020). */
  private static final long DAYS_2000_2020 = 21 * 365 + 6;

  @Autowired GraphQlSource graphQl;
  @Autowired SeriesCatalog catalog;
  @Autowired SearchDataFetcher search;
  @Autowired SeriesSearch index;

  @BeforeEach
  void seeded() throws Exception {
    seed();
    assertThat(index.awaitCurrent(Duration.ofSeconds(30))).isTrue();
  }

  private long estimate(String query, Map<String, Object> variables, LongFunction<SeriesHistory> cached) {
    PointEstimator estimator = new PointEstimator(catalog, search::pageOf, cached, LocalDate.parse("2000-01-01"),
        () -> LocalDate.parse("2020-12-31"));
    // As the instrumentation sees them: variables coerced first (as execution does), then the operation normalized.
    Document document = Parser.parse(query);
    OperationDefinition operation = document.getDefinitionsOfType(OperationDefinition.class).get(0);
    Map<String, FragmentDefinition> fragments = document.getDefinitionsOfType(FragmentDefinition.class).stream()
        .collect(Collectors.toMap(FragmentDefinition::getName, f -> f));
    CoercedVariables coerced = ValuesResolver.coerceVariableValues(graphQl.schema(),
        operation.getVariableDefinitions(), RawVariables.of(variables), GraphQLContext.getDefault(), Locale.ROOT);
    return estimator.estimate(ExecutableNormalizedOperationFactory.createExecutableNormalizedOperation(
        graphQl.schema(), operation, fragments, coerced).getTopLevelFields());
  }

  private long estimate(String query) {
    return estimate(query, Map.of(), id -> null);
  }

  @Test
  void aliasesMultiplyARangeByTheSeriesFrequency() {
    String monthly = "data(from: \"2000-01-01\", to: \"2020-12-31\") { values }";
    // 21 years x 12 months = 252, three times.
    assertThat(estimate("{ series(id: \"2\") { a: " + monthly + " b: " + monthly + " c: " + monthly + " } }"))
        .isEqualTo(3 * 252);
    assertThat(estimate("{ x: series(id: \"2\") { " + monthly + " } y: series(id: \"2\") { " + monthly + " } }"))
        .isEqualTo(2 * 252);
    // Quarterly 2000-2020: 84; daily 2020: 366 (a leap year).
    assertThat(estimate("{ series(id: \"1\") { " + monthly + " } }")).isEqualTo(84);
    assertThat(estimate("{ series(id: \"3\") { data(from: \"2020-01-01\", to: \"2020-12-31\") { count } } }"))
        .isEqualTo(366);
    // A partial month counts as one: 2020-01-31 to 2020-03-01 touches three months.
    assertThat(estimate("{ series(id: \"2\") { data(from: \"2020-01-31\", to: \"2020-03-01\") { count } } }"))
        .isEqualTo(3);
  }

  @Test
  void openRangesLastAndPagesCap() {
    assertThat(estimate("{ series(id: \"2\") { data { count } } }")).isEqualTo(252);
    assertThat(estimate("{ series(id: \"3\") { data { count } } }")).isEqualTo(DAYS_2000_2020);
    assertThat(estimate("{ series(id: \"3\") { data(last: 10) { count } } }")).isEqualTo(10);
    assertThat(estimate("{ series(id: \"2\") { data(last: 1000) { count } } }")).isEqualTo(252);
    // observations: the page, default 1,000, at most 10,000, and never more than the range.
    assertThat(estimate("{ series(id: \"3\") { observations { totalCount } } }")).isEqualTo(1000);
    assertThat(estimate("{ series(id: \"3\") { observations(last: 50) { totalCount } } }")).isEqualTo(50);
    assertThat(estimate("{ series(id: \"3\") { observations(first: 20000) { totalCount } } }"))
        .isEqualTo(DAYS_2000_2020);
    assertThat(estimate("{ series(id: \"2\") { observations(first: 5000) { totalCount } } }")).isEqualTo(252);
    assertThat(estimate("{ series(id: \"3\") { latest { value } } }")).isEqualTo(1);
  }

  @Test
  void aggregationCountsTheTargetFrequencyAndPanelsMultiplyVintages() {
    assertThat(estimate("{ series(id: \"3\") { data(frequency: MONTHLY, from: \"2020-01-01\", to: \"2020-12-31\")"
        + " { count } } }")).isEqualTo(12);
    assertThat(estimate("{ series(id: \"3\") { data(frequency: ANNUAL) { count } } }")).isEqualTo(21);
    // A frequency higher than the series' own is refused by the field; the estimate keeps the own one.
    assertThat(estimate("{ series(id: \"2\") { data(frequency: DAILY, from: \"2020-01-01\", to: \"2020-12-31\")"
        + " { count } } }")).isEqualTo(12);
    // 3 vintages x 120 months (2010-2019).
    assertThat(estimate("{ series(id: \"2\") { vintagePanel(vintageDates: [\"2020-01-01\", \"2020-02-01\","
        + " \"2020-03-01\"], from: \"2010-01-01\", to: \"2019-12-31\") { values } } }")).isEqualTo(360);
    // changes without a cached history: one revision of every date of the open range.
    assertThat(estimate("{ series(id: \"1\") { changes(since: \"2020-01-01\") { value } } }")).isEqualTo(84);
  }

  @Test
  void fragmentsVariablesAndSkippedFieldsAreResolved() {
    String query = "query($id: ID!, $from: Date, $skip: Boolean!) { a: series(id: $id) { ...F }"
        + " b: series(id: $id) { ... on Series { data(from: $from) { count } } }"
        + " c: series(id: $id) { data @skip(if: $skip) { count } } }"
        + " fragment F on Series { data(from: $from) { count } }";
    // Two aliases of 2020's 12 months; the third is skipped.
    assertThat(estimate(query, Map.of("id", "2", "from", "2020-01-01", "skip", true), id -> null)).isEqualTo(24);
    assertThat(estimate(query, Map.of("id", "2", "from", "2020-01-01", "skip", false), id -> null))
        .isEqualTo(24 + 252);
  }

  @Test
  void manySeriesAddUp() {
    String year = "data(from: \"2020-01-01\", to: \"2020-12-31\") { count }";
    // searchSeries gives the page the catalog gives: CPIAUCSL alone, in nodes and again in edges.
    assertThat(estimate("{ searchSeries(query: \"CPIAUCSL\") { nodes { " + year + " } edges { node { " + year
        + " } } totalCount } }")).isEqualTo(2 * 12);
    // Entities as the gateway sends them: a repeated series counts twice, an unknown one nothing.
    String entities = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Series { latest { value } "
        + year + " } } }";
    List<Map<String, Object>> representations = List.of(Map.of("__typename", "Series", "id", "2"),
        Map.of("__typename", "Series", "id", "3"), Map.of("__typename", "Series", "id", "2"),
        Map.of("__typename", "Series", "id", "999"));
    assertThat(estimate(entities, Map.of("r", representations), id -> null)).isEqualTo(3 + 12 + 366 + 12);
    // A provider's series: provider 8 has SP500 only (June 2020: 30 days); Series.provider leads back to them.
    assertThat(estimate("query($r: [_Any!]!) { _entities(representations: $r) { ... on Provider {"
        + " series(first: 5) { nodes { data(from: \"2020-06-01\", to: \"2020-06-30\") { count } } } } } }",
        Map.of("r", List.of(Map.of("__typename", "Provider", "id", "8"))), id -> null)).isEqualTo(30);
    assertThat(estimate("{ series(id: \"3\") { provider { series { nodes { data(from: \"2020-06-01\","
        + " to: \"2020-06-30\") { count } } } } } }")).isEqualTo(30);
    assertThat(estimate("{ series(id: \"4\") { " + year + " } }")).isZero();
  }

  @Test
  void aCachedHistoryCountsItsDistinctDates() {
    // Ten days of 2020, each published twice: 20 rows, 10 dates.
    int n = 10;
    int[] dates = new int[2 * n];
    int[] revisions = new int[2 * n];
    BigDecimal[] values = new BigDecimal[2 * n];
    int start = (int) LocalDate.parse("2020-01-01").toEpochDay();
    for (int i = 0; i < 2 * n; i++) {
      dates[i] = start + i / 2;
      revisions[i] = start + i / 2 + i % 2;
      values[i] = BigDecimal.valueOf(i);
    }
    SeriesHistory history = SeriesHistory.of(3, dates, revisions, values);
    LongFunction<SeriesHistory> cached = id -> id == 3 ? history : null;
    assertThat(estimate("{ series(id: \"3\") { data { count } } }", Map.of(), cached)).isEqualTo(10);
    assertThat(estimate("{ series(id: \"3\") { data(from: \"2020-01-04\") { count } } }", Map.of(), cached))
        .isEqualTo(7);
    assertThat(estimate("{ series(id: \"3\") { revisions(date: \"2020-01-02\") { value } } }", Map.of(), cached))
        .isEqualTo(2);
    assertThat(estimate("{ series(id: \"3\") { changes(since: \"2019-01-01\") { value } } }", Map.of(), cached))
        .isEqualTo(20);
    // Not cached: one revision assumed.
    assertThat(estimate("{ series(id: \"3\") { revisions(date: \"2020-01-02\") { value } } }")).isEqualTo(1);
  }

  @Test
  void saturatesInsteadOfOverflowing() {
    assertThat(PointEstimator.add(Long.MAX_VALUE - 1, 5)).isEqualTo(Long.MAX_VALUE);
    assertThat(PointEstimator.multiply(1L << 40, 1L << 40)).isEqualTo(Long.MAX_VALUE);
    assertThat(PointEstimator.multiply(3, 252)).isEqualTo(756);
  }
}
