package io.almanac.graphql;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A Relay connection page. Serves every {@code *Connection} type: GraphQL reads {@code edges},
 * {@code nodes}, {@code pageInfo} and {@code totalCount} by name.
 */
public record Connection<T>(List<Edge<T>> edges, List<T> nodes, PageInfo pageInfo, Integer totalCount) {

  public record Edge<T>(String cursor, T node) {}

  public record PageInfo(boolean hasNextPage, boolean hasPreviousPage, String startCursor, String endCursor) {}

  /**
   * A page of {@code items}, which must hold one item more than the page size when there is a next
   * page (fetch {@code first + 1} to know).
   */
  public static <T> Connection<T> of(List<T> items, int first, boolean hasPrevious, Function<T, String> cursor,
      Integer totalCount) {
    boolean hasNext = items.size() > first;
    List<T> page = hasNext ? items.subList(0, first) : items;
    List<Edge<T>> edges = new ArrayList<>(page.size());
    for (T item : page) {
      edges.add(new Edge<>(cursor.apply(item), item));
    }
    PageInfo info = new PageInfo(hasNext, hasPrevious,
        edges.isEmpty() ? null : edges.get(0).cursor(),
        edges.isEmpty() ? null : edges.get(edges.size() - 1).cursor());
    return new Connection<>(edges, List.copyOf(page), info, totalCount);
  }
}
