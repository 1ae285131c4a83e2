package io.almanac.financial.search;

import io.almanac.financial.series.Series;
import io.almanac.graphql.Connection;
import java.util.List;

/**
 * The {@code SeriesSearchConnection} type: a {@code SeriesConnection} page plus the facets. Hand-written
 * because the page is the shared {@link Connection} record, which has no facets.
 *
 * @param facets null when not selected (the field is only resolved when selected)
 */
public record SeriesSearchPage(List<Connection.Edge<Series>> edges, List<Series> nodes, Connection.PageInfo pageInfo,
    Integer totalCount, SearchResult.Facets facets) {

  static SeriesSearchPage of(Connection<Series> page, SearchResult.Facets facets) {
    return new SeriesSearchPage(page.edges(), page.nodes(), page.pageInfo(), page.totalCount(), facets);
  }
}
