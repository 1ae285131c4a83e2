package io.almanac.crawler.runs;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsData;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import com.netflix.graphql.dgs.DgsEntityFetcher;
import com.netflix.graphql.dgs.DgsMutation;
import com.netflix.graphql.dgs.DgsQuery;
import com.netflix.graphql.dgs.InputArgument;
import io.almanac.crawler.generated.DgsConstants.INGESTIONRUN;
import io.almanac.crawler.generated.DgsConstants.MUTATION;
import io.almanac.crawler.generated.DgsConstants.PROVIDER;
import io.almanac.crawler.generated.DgsConstants.QUERY;
import io.almanac.crawler.generated.types.RunOrder;
import io.almanac.crawler.generated.types.RunStatus;
import io.almanac.crawler.providers.Provider;
import io.almanac.crawler.providers.ProviderLoader;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.Connection;
import io.almanac.graphql.Cursors;
import io.almanac.graphql.ErrorCode;
import io.almanac.graphql.Ids;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.dataloader.DataLoader;

/** Run queries and mutations, {@code Provider.runs}, and the {@code IngestionRun} entity. */
@DgsComponent
public class RunDataFetcher {

  private final RunRepository runs;
  private final RunService service;

  public RunDataFetcher(RunRepository runs, RunService service) {
    this.runs = runs;
    this.service = service;
  }

  @DgsQuery(field = QUERY.Run)
  public IngestionRun run(@InputArgument(name = QUERY.RUN_INPUT_ARGUMENT.Id) String id) {
    Long numeric = Ids.parse(id);
    return numeric == null ? null : runs.find(numeric).orElse(null);
  }

  @DgsQuery(field = QUERY.Runs)
  public Connection<IngestionRun> runs(@InputArgument(name = QUERY.RUNS_INPUT_ARGUMENT.ProviderId) String providerId,
      @InputArgument(name = QUERY.RUNS_INPUT_ARGUMENT.Status) RunStatus status,
      @InputArgument(name = QUERY.RUNS_INPUT_ARGUMENT.OrderBy) RunOrder orderBy,
      @InputArgument(name = QUERY.RUNS_INPUT_ARGUMENT.First) Integer first,
      @InputArgument(name = QUERY.RUNS_INPUT_ARGUMENT.After) String after) {
    Long provider = providerId == null ? null : Ids.parse(providerId);
    if (providerId != null && provider == null) {
      return Connection.of(List.of(), 1, false, r -> "", null);
    }
    return page(provider, status, orderBy, first, after);
  }

  @DgsData(parentType = PROVIDER.TYPE_NAME, field = PROVIDER.Runs)
  public Connection<IngestionRun> providerRuns(DgsDataFetchingEnvironment env,
      @InputArgument(name = PROVIDER.RUNS_INPUT_ARGUMENT.Status) RunStatus status,
      @InputArgument(name = PROVIDER.RUNS_INPUT_ARGUMENT.OrderBy) RunOrder orderBy,
      @InputArgument(name = PROVIDER.RUNS_INPUT_ARGUMENT.First) Integer first,
      @InputArgument(name = PROVIDER.RUNS_INPUT_ARGUMENT.After) String after) {
    Provider provider = env.getSource();
    return page(provider.numericId(), status, orderBy, first, after);
  }

  @DgsData(parentType = INGESTIONRUN.TYPE_NAME, field = INGESTIONRUN.Provider)
  public CompletableFuture<Provider> provider(DgsDataFetchingEnvironment env) {
    IngestionRun run = env.getSource();
    DataLoader<Long, Provider> loader = env.getDataLoader(ProviderLoader.class);
    return loader.load(run.providerId());
  }

  @DgsMutation(field = MUTATION.StartRun)
  public IngestionRun startRun(@InputArgument(name = MUTATION.STARTRUN_INPUT_ARGUMENT.ProviderId) String providerId,
      @InputArgument(name = MUTATION.STARTRUN_INPUT_ARGUMENT.Parameters) Object parameters) {
    Long provider = Ids.parse(providerId);
    if (provider == null) {
      throw new AlmanacGraphQLException(ErrorCode.NOT_FOUND, "No provider with id '" + providerId + "'",
          Map.of("argument", MUTATION.STARTRUN_INPUT_ARGUMENT.ProviderId));
    }
    return service.start(provider, parameters);
  }

  @DgsMutation(field = MUTATION.FinishRun)
  public IngestionRun finishRun(@InputArgument(name = MUTATION.FINISHRUN_INPUT_ARGUMENT.RunId) String runId,
      @InputArgument(name = MUTATION.FINISHRUN_INPUT_ARGUMENT.Status) RunStatus status,
      @InputArgument(name = MUTATION.FINISHRUN_INPUT_ARGUMENT.ErrorMessage) String errorMessage,
      @InputArgument(name = MUTATION.FINISHRUN_INPUT_ARGUMENT.Logs) List<String> logs) {
    Long run = Ids.parse(runId);
    if (run == null) {
      throw new AlmanacGraphQLException(ErrorCode.NOT_FOUND, "No run with id '" + runId + "'",
          Map.of("argument", MUTATION.FINISHRUN_INPUT_ARGUMENT.RunId));
    }
    return service.finish(run, status, errorMessage, logs);
  }

  @DgsEntityFetcher(name = INGESTIONRUN.TYPE_NAME)
  public CompletionStage<IngestionRun> runEntity(Map<String, Object> values, DgsDataFetchingEnvironment env) {
    Long id = Ids.parse(String.valueOf(values.get(INGESTIONRUN.Id)));
    if (id == null) {
      return CompletableFuture.completedFuture(null);
    }
    DataLoader<Long, IngestionRun> loader = env.getDataLoader(RunLoader.class);
    return loader.load(id);
  }

  private Connection<IngestionRun> page(Long providerId, RunStatus status, RunOrder orderBy, Integer first,
      String after) {
    int size = Cursors.pageSize(first, 20, 1000);
    RunPageOrder order = RunPageOrder.of(orderBy);
    RunRepository.Position position = order.after(after);
    List<IngestionRun> items = runs.page(providerId, status == null ? null : status.name(), order.byDuration(),
        order.ascending(), position, size + 1);
    return Connection.of(items, size, after != null, order::cursor, null);
  }
}
