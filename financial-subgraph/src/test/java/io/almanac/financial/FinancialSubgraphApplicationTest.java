package io.almanac.financial;

import static org.assertj.core.api.Assertions.assertThat;

import graphql.ExecutionResult;
import io.almanac.graphql.DocumentCache;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** How the application serves every operation: its read gate (the AuthPolicy it declares) and the parsed-document cache. */
class FinancialSubgraphApplicationTest extends FinancialSubgraphFixture {

  @Autowired DocumentCache documents;

  @Test
  void operationsAreParsedAndValidatedOnceButInvalidOnesAreNotKept() throws Exception {
    String query = "query($id: ID!) { series(id: $id) { data { count } } }";
    seed();
    int before = documents.size();
    ExecutionResult first = callers().execute(viewer(), query, Map.of("id", "1"));
    assertThat(documents.size()).isEqualTo(before + 1);
    ExecutionResult second = callers().execute(viewer(), query, Map.of("id", "3"));
    assertThat(documents.size()).isEqualTo(before + 1);
    assertThat(first.getErrors()).isEmpty();
    assertThat(second.getErrors()).isEmpty();
    assertThat(((Map<String, Map<String, Map<String, Object>>>) second.getData()).get("series").get("data"))
        .containsEntry("count", 30);

    String invalid = "{ series(id: \"1\") { noSuchField } }";
    for (int i = 0; i < 2; i++) {
      assertThat(errors(invalid)).singleElement().satisfies(e -> assertThat(e.get("message").toString())
          .contains("noSuchField"));
    }
    assertThat(documents.size()).isEqualTo(before + 1);
  }

  @Test
  void readsNeedAValidKeyWhenAnonymousReadsAreOff() throws Exception {
    seed();
    String query = "{ series(id: \"1\") { title } }";
    assertThat(callers().execute(null, query, Map.of()).getErrors()).singleElement()
        .satisfies(e -> assertThat(e.getExtensions()).containsEntry("code", "UNAUTHENTICATED"));
    assertThat(callers().execute("Bearer alm_00000000_" + "0".repeat(48), query, Map.of()).getErrors()).singleElement()
        .satisfies(e -> assertThat(e.getExtensions()).containsEntry("code", "UNAUTHENTICATED"));
    assertThat(callers().execute("Basic dXNlcjpwdw==", query, Map.of()).getErrors()).singleElement()
        .satisfies(e -> assertThat(e.getExtensions()).containsEntry("code", "UNAUTHENTICATED"));
    // The schema stays public (federation tooling reads it without credentials).
    assertThat(callers().execute(null, "{ _service { sdl } }", Map.of()).getErrors()).isEmpty();
  }
}
