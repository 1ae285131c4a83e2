package io.almanac.crawler.series;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.graphql.dgs.DgsQueryExecutor;
import graphql.ExecutionResult;
import io.almanac.graphql.auth.ApiKeyStore;
import io.almanac.graphql.auth.Role;
import io.almanac.graphql.auth.TestCallers;
import io.almanac.graphql.auth.TestDatabases;
import io.almanac.store.SeriesDirectory;
import io.almanac.store.SeriesTag;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@code SeriesInput.tags}: set, kept when omitted, cleared by {@code []}, normalised, refused when bad. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class SeriesTagsTest {

  private static final String UPSERT = """
      mutation($input: [SeriesInput!]!) { upsertSeries(input: $input) { series { id } errors { index code } } }""";

  @Autowired DgsQueryExecutor graphql;
  @Autowired ApiKeyStore keys;
  @Autowired SeriesDirectory directory;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestDatabases.register(registry);
  }

  @Test
  void tagsAreSetKeptClearedAndChecked() {
    TestCallers callers = new TestCallers(keys, graphql);
    String crawler = callers.key(1, Role.CRAWLER);
    ExecutionResult created = callers.execute(crawler,
        "mutation { createProvider(input: {name: \"Tags " + System.nanoTime() + "\", type: API}) { id } }", Map.of());
    String provider = (String) ((Map<?, ?>) ((Map<?, ?>) created.getData()).get("createProvider")).get("id");

    List<Map<String, Object>> given = List.of(Map.of("name", "  GDP  ", "group", "Concept"),
        Map.of("name", "United\tStates"), Map.of("name", "gdp", "group", "other"));
    long id = upsert(callers, crawler, series(provider, "Real GDP", given));
    assertThat(tags(id)).containsExactly(new SeriesTag("gdp", "concept"), new SeriesTag("united states", null));

    upsert(callers, crawler, series(provider, "Real GDP, revised title", null));
    assertThat(directory.current().byId().get(id).title()).isEqualTo("Real GDP, revised title");
    assertThat(tags(id)).containsExactly(new SeriesTag("gdp", "concept"), new SeriesTag("united states", null));

    upsert(callers, crawler, series(provider, "Real GDP", List.of()));
    assertThat(tags(id)).isEmpty();

    assertRefused(callers, crawler, series(provider, "x", List.of(Map.of("name", "  "))),
        "BAD_USER_INPUT", "input[0].tags[0].name");
    assertRefused(callers, crawler, series(provider, "x", List.of(Map.of("name", "ok"), Map.of("name", "a\u0007b"))),
        "BAD_USER_INPUT", "input[0].tags[1].name");
    // One rule for every control character but tab and line ends: U+001F (a "white space" to Java) too.
    for (String text : List.of("a\u0001b", "a\u001Fb", "a\u000Bb", "a\u0085b")) {
      assertRefused(callers, crawler, series(provider, "x", List.of(Map.of("name", text))),
          "BAD_USER_INPUT", "input[0].tags[0].name");
      assertRefused(callers, crawler, series(provider, "x", List.of(Map.of("name", "ok", "group", text))),
          "BAD_USER_INPUT", "input[0].tags[0].group");
    }
    assertRefused(callers, crawler, series(provider, "x", List.of(Map.of("name", "ok", "group", "g".repeat(51)))),
        "BAD_USER_INPUT", "input[0].tags[0].group");
    assertRefused(callers, crawler, series(provider, "x", List.of(Map.of("name", "n".repeat(101)))),
        "BAD_USER_INPUT", "input[0].tags[0].name");
    List<Map<String, Object>> many = new ArrayList<>();
    for (int i = 0; i <= SeriesTags.MAX_TAGS; i++) {
      many.add(Map.of("name", "t" + i));
    }
    assertRefused(callers, crawler, series(provider, "x", many), "LIMIT_EXCEEDED", "input[0].tags");
    // A refused request wrote nothing: the series still has no tags and its title.
    assertThat(directory.current().byId().get(id).title()).isEqualTo("Real GDP");
  }

  private static Map<String, Object> series(String provider, String title, List<Map<String, Object>> tags) {
    Map<String, Object> input = new HashMap<>(Map.of("providerId", provider, "externalId", "GDPC1", "title", title,
        "frequency", "QUARTERLY"));
    if (tags != null) {
      input.put("tags", tags);
    }
    return input;
  }

  private long upsert(TestCallers callers, String crawler, Map<String, Object> input) {
    ExecutionResult result = callers.execute(crawler, UPSERT, Map.of("input", List.of(input)));
    assertThat(result.getErrors()).isEmpty();
    Map<?, ?> upserted = (Map<?, ?>) ((Map<?, ?>) result.getData()).get("upsertSeries");
    assertThat((List<?>) upserted.get("errors")).isEmpty();
    return Long.parseLong((String) ((Map<?, ?>) ((List<?>) upserted.get("series")).get(0)).get("id"));
  }

  private void assertRefused(TestCallers callers, String crawler, Map<String, Object> input, String code,
      String argument) {
    ExecutionResult result = callers.execute(crawler, UPSERT, Map.of("input", List.of(input)));
    assertThat(result.getErrors()).hasSize(1);
    Map<String, Object> extensions = result.getErrors().get(0).getExtensions();
    assertThat(extensions).containsEntry("code", code).containsEntry("argument", argument);
  }

  private List<SeriesTag> tags(long id) {
    return directory.current().byId().get(id).tags();
  }
}
