package io.almanac.bench.baseline;

import com.netflix.graphql.dgs.DgsDataLoader;
import io.almanac.bench.baseline.generated.types.Observation;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.dataloader.MappedBatchLoader;

/** {@code latest} of every series a request touches: one statement per distinct {@code asOf}. */
@DgsDataLoader(name = "baselineLatest", maxBatchSize = 500)
public class LatestLoader implements MappedBatchLoader<LatestLoader.Key, Observation> {

  public record Key(long seriesId, LocalDate asOf) {}

  private static final ExecutorService EXECUTOR = Executors.newFixedThreadPool(8, r -> {
    Thread t = new Thread(r, "baseline-latest");
    t.setDaemon(true);
    return t;
  });

  private final ObservationRepository repository;

  public LatestLoader(ObservationRepository repository) {
    this.repository = repository;
  }

  @Override
  public CompletionStage<Map<Key, Observation>> load(Set<Key> keys) {
    return CompletableFuture.supplyAsync(() -> {
      Map<LocalDate, List<Long>> byAsOf = new LinkedHashMap<>();
      for (Key key : keys) {
        byAsOf.computeIfAbsent(key.asOf(), k -> new ArrayList<>()).add(key.seriesId());
      }
      Map<Key, Observation> result = new HashMap<>();
      try {
        for (Map.Entry<LocalDate, List<Long>> group : byAsOf.entrySet()) {
          repository.latest(group.getValue(), group.getKey())
              .forEach((id, observation) -> result.put(new Key(id, group.getKey()), observation));
        }
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
      return result;
    }, EXECUTOR);
  }
}
