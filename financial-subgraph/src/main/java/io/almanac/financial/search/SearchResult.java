package io.almanac.financial.search;

import java.util.List;

/**
 * A page of matches and what was counted over all of them.
 *
 * @param hits at most the request's limit, in order
 * @param totalCount every match
 * @param facets null unless asked for
 */
public record SearchResult(List<Hit> hits, int totalCount, Facets facets) {

  /** A match: its series' id and its sort value (see {@link SearchRequest.After}). */
  public record Hit(long id, Object sortValue) {}

  /**
   * @param frequencies matches per frequency, most first (then by name)
   * @param tagGroups matches per tag by group (null: ungrouped), groups by their total, most first
   */
  public record Facets(List<Count> frequencies, List<TagGroup> tagGroups) {}

  public record Count(String value, int count) {}

  public record TagCount(String name, int count) {}

  public record TagGroup(String group, List<TagCount> tags) {}
}
