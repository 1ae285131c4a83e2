package io.almanac.graphql;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

/** The body every by-id batch loader shares: one query for all keys, off the request thread. */
public final class BatchLoads {

  /**
   * The executor every batch loader runs its query on: Spring Boot's application task executor (virtual or
   * pooled threads as configured), never the common fork-join pool, which stalls under blocking I/O.
   */
  public static final String EXECUTOR = "applicationTaskExecutor";

  private BatchLoads() {}

  /**
   * @param fetch one query for all ids (missing ids simply absent from its result)
   * @param idOf the id of a fetched item
   */
  public static <T> CompletionStage<Map<Long, T>> byId(Set<Long> ids, Function<Collection<Long>, List<T>> fetch,
      Function<T, Long> idOf, Executor executor) {
    return CompletableFuture.supplyAsync(() -> {
      Map<Long, T> found = new HashMap<>();
      fetch.apply(ids).forEach(item -> found.put(idOf.apply(item), item));
      return found;
    }, executor);
  }
}
