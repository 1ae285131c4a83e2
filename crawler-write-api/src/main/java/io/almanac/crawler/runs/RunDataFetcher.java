package io.almanac.crawler.runs;

import io.almanac.graphql.Ids;
import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsData;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import com.netflix.graphql.dgs.DgsDataLoader;
import com.netflix.graphql.dgs.DgsEntityFetcher;
import com.netflix.graphql.dgs.DgsMutation;
import com.netflix.graphql.dgs.DgsQuery;
import com.netflix.graphql.dgs.InputArgument;
import io.almanac.crawler.providers.Provider;
import io.almanac.crawler.providers.ProviderLoaders;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.BatchLoads;
import io.almanac.graphql.Connection;
import io.almanac.graphql.Cursors;
import io.almanac.graphql.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.dataloader.DataLoader;
import org.dataloader.MappedBatchLoader;
import org.springframework.beans.factory.annotation.Qualifier;

/** Run queries and mutations, {@code Provider.runs}, and the {@code IngestionRun} entity. */
@DgsComponent
public class RunDataFetcher {

  private static final String CURSOR_KIND = "run";

  private final RunRepository runs;
  private final RunService service;

  public RunDataFetcher(RunRepository runs, RunService service) {
    this.runs = runs;
    this.service = service;
  }

  @DgsQuery
  public IngestionRun run(@InputArgument String id) {
    Long numeric = Ids.parse(id);
    return numeric == null ? null : runs.find(numeric).orElse(null);
  }

  @DgsQuery
  public Connection<IngestionRun> runs(DgsDataFetchingEnvironment env) {
    String providerId = env.getArgument("providerId");
    Long provider = providerId == null ? null : Ids.parse(providerId);
    if (providerId != null && provider == null) {
      return Connection.of(List.of(), 1, false, r -> "", null);
    }
    return page(env, provider);
  }

  @DgsData(parentType = "Provider", field = "runs")
  public Connection<IngestionRun> providerRuns(DgsDataFetchingEnvironment env) {
    Provider provider = env.getSource();
    return page(env, provider.numericId());
  }

  @DgsData(parentType = "IngestionRun", field = "provider")
  public CompletableFuture<Provider> provider(DgsDataFetchingEnvironment env) {
    IngestionRun run = env.getSource();
    DataLoader<Long, Provider> loader = env.getDataLoader(ProviderLoaders.ProviderLoader.class);
    return loader.load(run.providerId());
  }

  @DgsMutation
  public IngestionRun startRun(@InputArgument String providerId, DgsDataFetchingEnvironment env) {
    Long provider = Ids.parse(providerId);
    if (provider == null) {
      throw new AlmanacGraphQLException(ErrorCode.NOT_FOUND, "No provider with id '" + providerId + "'",
          Map.of("argument", "providerId"));
    }
    return service.start(provider, env.getArgument("parameters"));
  }

  @DgsMutation
  public IngestionRun finishRun(@InputArgument String runId, DgsDataFetchingEnvironment env) {
    Long run = Ids.parse(runId);
    if (run == null) {
      throw new AlmanacGraphQLException(ErrorCode.NOT_FOUND, "No run with id '" + runId + "'", Map.of("argument", "runId"));
    }
    return service.finish(run, env.getArgument("status").toString(), env.getArgument("errorMessage"),
        env.getArgument("logs"));
  }

  @DgsEntityFetcher(name = "IngestionRun")
  public CompletionStage<IngestionRun> runEntity(Map<String, Object> values, DgsDataFetchingEnvironment env) {
    Long id = Ids.parse(String.valueOf(values.get("id")));
    if (id == null) {
      return CompletableFuture.completedFuture(null);
    }
    DataLoader<Long, IngestionRun> loader = env.getDataLoader(RunLoader.class);
    return loader.load(id);
  }

  private Connection<IngestionRun> page(DgsDataFetchingEnvironment env, Long providerId) {
    int size = Cursors.pageSize(env.getArgument("first"), 20, 1000);
    Map<String, Object> orderBy = env.getArgument("orderBy");
    boolean byDuration = orderBy != null && "DURATION".equals(String.valueOf(orderBy.get("field")));
    boolean ascending = orderBy != null && "ASC".equals(String.valueOf(orderBy.get("direction")));
    String kind = CURSOR_KIND + (byDuration ? "-duration" : "-started") + (ascending ? "-asc" : "-desc");
    String after = env.getArgument("after");
    RunRepository.Position position = null;
    if (after != null) {
      String[] parts = Cursors.decode(kind, after).split(":");
      try {
        position = new RunRepository.Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
      } catch (RuntimeException e) {
        throw AlmanacGraphQLException.badInput("after", "Invalid cursor '" + after + "'");
      }
    }
    Object status = env.getArgument("status");
    List<IngestionRun> items = runs.page(providerId, status == null ? null : status.toString(), byDuration, ascending,
        position, size + 1);
    return Connection.of(items, size, after != null,
        r -> Cursors.encode(kind, RunRepository.sortValueOf(r, byDuration) + ":" + r.id()), null);
  }

  @DgsDataLoader(name = "runs", maxBatchSize = 1000)
  public static class RunLoader implements MappedBatchLoader<Long, IngestionRun> {
    private final RunRepository runs;
    private final Executor executor;

    public RunLoader(RunRepository runs, @Qualifier("applicationTaskExecutor") Executor executor) {
      this.runs = runs;
      this.executor = executor;
    }

    @Override
    public CompletionStage<Map<Long, IngestionRun>> load(Set<Long> ids) {
      return BatchLoads.byId(ids, runs::findAll, r -> Long.valueOf(r.id()), executor);
    }
  }
}
