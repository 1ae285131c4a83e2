package io.almanac.financial.series;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.financial.FinancialSubgraphFixture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Series lookups, search and the Series and Provider entities, through DGS. */
class SeriesQueriesTest extends FinancialSubgraphFixture {

  @Test
  void searchFiltersAndPaginates() throws Exception {
    Map<String, Object> data = run("""
        { all: searchSeries(first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { id } }
          text: searchSeries(query: "price") { nodes { externalId } }
          filtered: searchSeries(filter: { providerId: "7", frequency: MONTHLY }) { nodes { id } }
          inactive: searchSeries(filter: { active: false }) { nodes { id } }
          byExternal: seriesByExternalId(providerId: "8", externalId: "SP500") { title }
          missing: series(id: "999") { id }
          odd: series(id: "not-a-number") { id } }""");
    Map<String, Object> all = (Map<String, Object>) data.get("all");
    assertThat(all.get("totalCount")).isEqualTo(3);
    assertThat((List<Map<String, Object>>) all.get("nodes")).extracting(n -> n.get("id")).containsExactly("1", "2");
    assertThat(((Map<String, Object>) data.get("text")).get("nodes")).isEqualTo(List.of(Map.of("externalId", "CPIAUCSL")));
    assertThat(((Map<String, Object>) data.get("filtered")).get("nodes")).isEqualTo(List.of(Map.of("id", "2")));
    assertThat(((Map<String, Object>) data.get("inactive")).get("nodes")).isEqualTo(List.of(Map.of("id", "3")));
    assertThat(data.get("byExternal")).isEqualTo(Map.of("title", "S&P 500"));
    assertThat(data.get("missing")).isNull();
    assertThat(data.get("odd")).isNull();
  }

  @Test
  void entitiesResolveInOneBatchInRepresentationOrder() throws Exception {
    Map<String, Object> data = run("""
        { _entities(representations: [
            {__typename: "Series", id: "3"}, {__typename: "Series", id: "404"}, {__typename: "Series", id: "1"}]) {
            ... on Series { id title latest { value } } }
          providers: _entities(representations: [{__typename: "Provider", id: "7"}]) {
            ... on Provider { series { nodes { id } } } } }""");
    List<Map<String, Object>> entities = (List<Map<String, Object>>) data.get("_entities");
    assertThat(entities.get(0)).containsEntry("id", "3").containsEntry("title", "S&P 500");
    assertThat(entities.get(1)).isNull();
    assertThat(entities.get(2)).containsEntry("id", "1");
    List<Map<String, Object>> providers = (List<Map<String, Object>>) data.get("providers");
    assertThat(providers.get(0).get("series")).isEqualTo(Map.of("nodes", List.of(Map.of("id", "1"), Map.of("id", "2"))));
  }
}
