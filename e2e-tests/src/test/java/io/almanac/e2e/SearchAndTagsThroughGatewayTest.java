package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.DemoDataset;
import io.almanac.local.GraphQLClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * A crawler tags series and a client finds them through the gateway: ranked search (title before
 * description, accents folded, prefixes, plain words), filters on tags, facets, popularity after reads,
 * cursors, the tag list, tags kept when omitted and cleared by {@code []}, and bad input. The search index
 * follows writes in the background, so after a write the test awaits the answer it expects (with a deadline).
 */
@ExtendWith(RunningAlmanac.class)
class SearchAndTagsThroughGatewayTest {

  private static final Duration INDEX_DEADLINE = Duration.ofSeconds(30);
  private static final String UPSERT = """
      mutation($input: [SeriesInput!]!) { upsertSeries(input: $input) { series { id } errors { index code } } }""";

  private static GraphQLClient gateway;
  private static String provider;
  private static final Map<String, String> ids = new HashMap<>();

  @BeforeAll
  static void taggedSeries() {
    gateway = RunningAlmanac.get().gateway();
    provider = gateway.data("mutation { createProvider(input: {name: \"Search Bureau " + System.nanoTime()
        + "\", type: API}) { id } }").path("createProvider").path("id").asString();
    upsert(List.of(
        series("ZEP_CREDIT", "Zephyrian Crédito Index", "Lending to households", "MONTHLY",
            List.of(tag("zephyria", "geo"), tag("credit", "concept"))),
        series("ZEP_RATE", "Household lending rate", "Rates on Zephyrian loans", "MONTHLY",
            List.of(tag("zephyria", "geo"), tag("interest rate", "concept"))),
        series("ZEP_GDP", "Output", "Annual output", "ANNUAL", List.of(tag("zephyria", "geo")))));
    awaitIds("filter: {providerId: \"" + provider + "\"}", found -> found.size() == 3);
  }

  private static Map<String, Object> series(String externalId, String title, String description, String frequency,
      List<Map<String, Object>> tags) {
    Map<String, Object> input = new HashMap<>(Map.of("providerId", provider, "externalId", externalId, "title", title,
        "description", description, "frequency", frequency));
    if (tags != null) {
      input.put("tags", tags);
    }
    return input;
  }

  private static Map<String, Object> tag(String name, String group) {
    return Map.of("name", name, "group", group);
  }

  private static void upsert(List<Map<String, Object>> inputs) {
    JsonNode result = gateway.data(UPSERT, Map.of("input", inputs)).path("upsertSeries");
    assertThat(result.path("errors").isEmpty()).as(result.toString()).isTrue();
    for (int i = 0; i < inputs.size(); i++) {
      ids.put((String) inputs.get(i).get("externalId"), result.path("series").get(i).path("id").asString());
    }
  }

  private static List<String> externalIds(String arguments) {
    JsonNode nodes = gateway.data("{ searchSeries(" + arguments + ") { nodes { externalId } } }")
        .path("searchSeries").path("nodes");
    List<String> found = new ArrayList<>();
    nodes.forEach(n -> found.add(n.path("externalId").asString()));
    return found;
  }

  /** Asks until the answer satisfies {@code done}: the index catches up with a write within the deadline. */
  private static List<String> awaitIds(String arguments, Predicate<List<String>> done) {
    long deadline = System.nanoTime() + INDEX_DEADLINE.toNanos();
    List<String> found = externalIds(arguments);
    while (!done.test(found) && System.nanoTime() - deadline < 0) {
      found = externalIds(arguments);
    }
    return found;
  }

  /** This class's three tagged series (another test adds an untagged one to the provider). */
  private static String mine(String rest) {
    return "filter: {providerId: \"" + provider + "\", tags: [\"zephyria\"]" + rest + "}";
  }

  /**
   * The demo's series, loaded right after the stack started, are ordered by their observation end as each
   * series reports it (`observationEnd` comes from the series' own read, not from the index): the index saw the
   * observations that arrived while its view of the series table did not list their series yet.
   */
  private static String label(JsonNode series) {
    JsonNode end = series.path("observationEnd");
    return (end.isNull() ? "none" : end.asString()) + " " + series.path("id").asString();
  }

  @Test
  void theDemoSeriesAreOrderedByTheirObservationEnd() {
    String query = "{ searchSeries(filter: {providerId: \"1\"}, orderBy: {field: OBSERVATION_END}, first: 100) {"
        + " nodes { id observationEnd } } }";
    long deadline = System.nanoTime() + INDEX_DEADLINE.toNanos();
    List<String> answered;
    List<String> expected;
    do {
      JsonNode nodes = gateway.data(query).path("searchSeries").path("nodes");
      answered = new ArrayList<>();
      List<JsonNode> list = new ArrayList<>();
      nodes.forEach(n -> list.add(n));
      for (JsonNode n : list) {
        answered.add(label(n));
      }
      // Latest end first, series without observations last, ties by id: sorted here from the answered fields.
      List<JsonNode> sorted = new ArrayList<>(list);
      sorted.sort((a, b) -> {
        boolean an = a.path("observationEnd").isNull();
        boolean bn = b.path("observationEnd").isNull();
        if (an != bn) {
          return an ? 1 : -1;
        }
        int byEnd = an ? 0 : b.path("observationEnd").asString().compareTo(a.path("observationEnd").asString());
        return byEnd != 0 ? byEnd : Long.compare(Long.parseLong(a.path("id").asString()),
            Long.parseLong(b.path("id").asString()));
      });
      expected = new ArrayList<>();
      for (JsonNode n : sorted) {
        expected.add(label(n));
      }
    } while (!answered.equals(expected) && System.nanoTime() - deadline < 0);
    assertThat(answered).hasSizeGreaterThan(1);
    assertThat(answered).isEqualTo(expected);
  }

  @Test
  void rankedSearchAccentsPrefixesAndPlainWords() {
    // In ZEP_CREDIT's title, in ZEP_RATE's description: the title match first.
    assertThat(externalIds("query: \"zephyrian\"")).containsExactly("ZEP_CREDIT", "ZEP_RATE");
    assertThat(externalIds("query: \"zephyrian credito\"")).containsExactly("ZEP_CREDIT");
    assertThat(externalIds("query: \"ZEPHYR lend\"")).containsExactly("ZEP_CREDIT", "ZEP_RATE");
    assertThat(externalIds("query: \"zep_gdp\"")).containsExactly("ZEP_GDP");
    JsonNode syntax = gateway.execute("{ searchSeries(query: \"title:(a OR\") { totalCount } }", Map.of());
    assertThat(syntax.path("errors").isMissingNode() || syntax.path("errors").isEmpty()).as(syntax.toString()).isTrue();
  }

  @Test
  void tagFiltersFacetsAndTagCounts() {
    assertThat(externalIds("filter: {providerId: \"" + provider + "\", tags: [\"Zephyria\"], "
        + "excludeTags: [\"credit\"]}"))
        .containsExactly("ZEP_RATE", "ZEP_GDP");
    JsonNode facets = gateway.data("{ searchSeries(" + mine("") + ", first: 1) { totalCount facets { "
        + "frequencies { value count } tagGroups { group tags { name count } } } } }").path("searchSeries");
    assertThat(facets.path("totalCount").asInt()).isEqualTo(3);
    assertThat(facets.path("facets").path("frequencies").toString())
        .isEqualTo("[{\"value\":\"MONTHLY\",\"count\":2},{\"value\":\"ANNUAL\",\"count\":1}]");
    assertThat(facets.path("facets").path("tagGroups").get(0).toString())
        .isEqualTo("{\"group\":\"geo\",\"tags\":[{\"name\":\"zephyria\",\"count\":3}]}");

    JsonNode tags = gateway.data("{ tags(search: \"zephyr\") { totalCount nodes { name group seriesCount } } }")
        .path("tags");
    assertThat(tags.path("nodes").toString()).isEqualTo("[{\"name\":\"zephyria\",\"group\":\"geo\",\"seriesCount\":3}]");
    // The demo's tags: every demo series carries usa (geo), as DemoDataset declares.
    long usa = DemoDataset.series().stream()
        .filter(s -> DemoDataset.tags(s.externalId()).contains(Map.of("name", "usa", "group", "geo"))).count();
    JsonNode demo = gateway.data("{ tags(group: \"geo\", search: \"usa\") { nodes { name seriesCount } } }");
    assertThat(demo.path("tags").path("nodes").get(0).path("seriesCount").asLong()).isEqualTo(usa);
  }

  @Test
  void popularityFollowsReads() {
    gateway.data("{ a: series(id: \"" + ids.get("ZEP_GDP") + "\") { id } b: series(id: \"" + ids.get("ZEP_GDP")
        + "\") { id } c: series(id: \"" + ids.get("ZEP_RATE") + "\") { id } }");
    assertThat(externalIds(mine("") + ", orderBy: {field: POPULARITY}"))
        .containsExactly("ZEP_GDP", "ZEP_RATE", "ZEP_CREDIT");
  }

  @Test
  void cursorsPageTheRankedList() {
    List<String> whole = externalIds("query: \"zephyr\", first: 10");
    List<String> walked = new ArrayList<>();
    String after = null;
    do {
      JsonNode page = gateway.data("{ searchSeries(query: \"zephyr\", first: 1" + (after == null ? "" : ", after: \""
          + after + "\"") + ") { pageInfo { hasNextPage endCursor } nodes { externalId } } }").path("searchSeries");
      page.path("nodes").forEach(n -> walked.add(n.path("externalId").asString()));
      after = page.path("pageInfo").path("hasNextPage").asBoolean() ? page.path("pageInfo").path("endCursor").asString()
          : null;
    } while (after != null);
    assertThat(walked).hasSize(3).isEqualTo(whole);
  }

  @Test
  void omittedTagsAreKeptAndAnEmptyListClearsThem() {
    upsert(List.of(series("ZEP_KEEP", "Kept tags", "x", "MONTHLY", List.of(tag("keepme", "concept")))));
    assertThat(awaitIds("filter: {tags: [\"keepme\"]}", found -> found.size() == 1)).containsExactly("ZEP_KEEP");
    upsert(List.of(series("ZEP_KEEP", "Kept tags, new title", "x", "MONTHLY", null)));
    assertThat(awaitIds("query: \"new title\", filter: {tags: [\"keepme\"]}", found -> found.size() == 1))
        .containsExactly("ZEP_KEEP");
    upsert(List.of(series("ZEP_KEEP", "Kept tags, new title", "x", "MONTHLY", List.of())));
    assertThat(awaitIds("filter: {tags: [\"keepme\"]}", List::isEmpty)).isEmpty();
    JsonNode series = gateway.data("{ series(id: \"" + ids.get("ZEP_KEEP") + "\") { tags { name } } }");
    assertThat(series.path("series").path("tags").isEmpty()).isTrue();
  }

  @Test
  void badInputIsAClientError() {
    assertError(gateway.execute("{ searchSeries(first: -1) { totalCount } }", Map.of()), "BAD_USER_INPUT", "first");
    assertError(gateway.execute("query($q: String) { searchSeries(query: $q) { totalCount } }",
        Map.of("q", "word ".repeat(200))), "BAD_USER_INPUT", "query");
    assertError(gateway.execute("{ searchSeries(orderBy: {field: VIEWS}) { totalCount } }", Map.of()),
        "GRAPHQL_VALIDATION_FAILED", null);
    assertError(gateway.execute(UPSERT, Map.of("input", List.of(series("ZEP_BAD", "Bad", "x", "MONTHLY",
        List.of(tag("ok", "concept"), Map.of("name", " ")))))), "BAD_USER_INPUT", "input[0].tags[1].name");
  }

  private static void assertError(JsonNode response, String code, String argument) {
    JsonNode error = response.path("errors").get(0);
    assertThat(error).as(response.toString()).isNotNull();
    assertThat(error.path("extensions").path("code").asString()).isEqualTo(code);
    if (argument != null) {
      assertThat(error.path("extensions").path("argument").asString()).isEqualTo(argument);
    }
    assertThat(error.toString()).doesNotContain("Exception", "lucene");
  }
}
