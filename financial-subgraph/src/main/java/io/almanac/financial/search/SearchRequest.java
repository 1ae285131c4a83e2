package io.almanac.financial.search;

import java.util.List;

/**
 * One search, as the index understands it (nothing of GraphQL).
 *
 * @param words the query's words as {@link SearchAnalyzer} cut them; empty matches every series
 * @param filter what every match must satisfy
 * @param order the order of the results; ties are broken by id, ascending
 * @param descending the order's direction
 * @param limit how many results to return (the page size plus one, to know whether a page follows)
 * @param after the sort value and id of the last result of the previous page, or null for the first page
 * @param facets whether to count frequencies and tags over every match
 */
record SearchRequest(List<String> words, Filter filter, Order order, boolean descending, int limit, After after,
    boolean facets) {

  enum Order { ID, RELEVANCE, TITLE, LAST_UPDATED, OBSERVATION_END, POPULARITY }

  /**
   * Null fields do not filter. Text is compared folded ({@link SearchAnalyzer#fold}), tags by their stored
   * (normalised) names.
   *
   * @param updatedSinceMicros matches series whose last update (metadata or observations) is at or after it,
   *     in microseconds since the epoch
   */
  record Filter(String providerId, String frequency, Boolean active, String units, String seasonalAdjustment,
      List<String> tags, List<String> excludeTags, Long updatedSinceMicros) {

    static final Filter NONE = new Filter(null, null, null, null, null, List.of(), List.of(), null);
  }

  /**
   * A position in an order: {@code value} is a Float (relevance), a String (title sort key) or a Long (ids,
   * micros, epoch days, read counts); null for {@link Order#ID} and for a series without observations under
   * {@link Order#OBSERVATION_END}.
   */
  record After(Object value, long id) {}
}
