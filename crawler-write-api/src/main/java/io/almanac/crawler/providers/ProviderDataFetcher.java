package io.almanac.crawler.providers;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsData;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import com.netflix.graphql.dgs.DgsEntityFetcher;
import com.netflix.graphql.dgs.DgsMutation;
import com.netflix.graphql.dgs.DgsQuery;
import com.netflix.graphql.dgs.InputArgument;
import io.almanac.crawler.generated.DgsConstants.MUTATION;
import io.almanac.crawler.generated.DgsConstants.PROVIDER;
import io.almanac.crawler.generated.DgsConstants.QUERY;
import io.almanac.crawler.generated.types.CreateProviderInput;
import io.almanac.crawler.generated.types.InputError;
import io.almanac.crawler.generated.types.ProviderStatus;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.Connection;
import io.almanac.graphql.Cursors;
import io.almanac.graphql.ErrorCode;
import io.almanac.graphql.Ids;
import io.almanac.graphql.auth.Callers;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.dataloader.DataLoader;

/** Provider queries and mutations, derived run statistics, and the {@code Provider} entity. */
@DgsComponent
public class ProviderDataFetcher {

  private static final String CURSOR_KIND = "provider";

  private final ProviderRepository providers;
  private final ProviderSpecRepository specs;
  private final ProviderService service;

  public ProviderDataFetcher(ProviderRepository providers, ProviderSpecRepository specs, ProviderService service) {
    this.providers = providers;
    this.specs = specs;
    this.service = service;
  }

  @DgsQuery(field = QUERY.Provider)
  public Provider provider(@InputArgument(name = QUERY.PROVIDER_INPUT_ARGUMENT.Id) String id) {
    Long numeric = Ids.parse(id);
    return numeric == null ? null : providers.find(numeric).orElse(null);
  }

  @DgsQuery(field = QUERY.Providers)
  public Connection<Provider> providers(
      @InputArgument(name = QUERY.PROVIDERS_INPUT_ARGUMENT.Status) ProviderStatus status,
      @InputArgument(name = QUERY.PROVIDERS_INPUT_ARGUMENT.Search) String search,
      @InputArgument(name = QUERY.PROVIDERS_INPUT_ARGUMENT.First) Integer first,
      @InputArgument(name = QUERY.PROVIDERS_INPUT_ARGUMENT.After) String after) {
    int size = Cursors.pageSize(first, 20, 1000);
    long afterId = after == null ? 0 : Cursors.decodeLong(CURSOR_KIND, after);
    List<Provider> items = providers.page(status == null ? null : status.name(), search, afterId, size + 1);
    return Connection.of(items, size, after != null, p -> Cursors.encode(CURSOR_KIND, p.id()), null);
  }

  /**
   * The generated input cannot tell an explicit {@code config: null} (refused: config is an object) from an
   * absent config (the default {}), so whether it was sent is read from the argument as coerced.
   */
  @DgsMutation(field = MUTATION.CreateProvider)
  public Provider createProvider(
      @InputArgument(name = MUTATION.CREATEPROVIDER_INPUT_ARGUMENT.Input) CreateProviderInput input,
      DgsDataFetchingEnvironment env) {
    Map<String, Object> sent = env.getArgument(MUTATION.CREATEPROVIDER_INPUT_ARGUMENT.Input);
    return service.create(input, sent, userId(env));
  }

  /**
   * The input stays a map: "an explicit null clears description or schedule" needs absent fields told
   * from explicit nulls, which the generated {@code UpdateProviderInput} cannot.
   */
  @DgsMutation(field = MUTATION.UpdateProvider)
  public Provider updateProvider(@InputArgument(name = MUTATION.UPDATEPROVIDER_INPUT_ARGUMENT.Id) String id,
      @InputArgument(name = MUTATION.UPDATEPROVIDER_INPUT_ARGUMENT.Input) Map<String, Object> input,
      DgsDataFetchingEnvironment env) {
    return service.update(existingId(id), input, userId(env));
  }

  /**
   * Errors of an ingestion spec, without storing it (see {@link ProviderSpecs}).
   *
   * @throws AlmanacGraphQLException BAD_USER_INPUT naming {@code spec} when its JSON text is over
   *     {@link ProviderSpecs#MAX_CHARS} characters
   */
  @DgsQuery(field = QUERY.ValidateProviderSpec)
  public List<InputError> validateProviderSpec(
      @InputArgument(name = QUERY.VALIDATEPROVIDERSPEC_INPUT_ARGUMENT.Spec) Object spec) {
    String tooLarge = ProviderSpecs.tooLarge(ProviderSpecs.text(spec));
    if (tooLarge != null) {
      throw AlmanacGraphQLException.badInput(QUERY.VALIDATEPROVIDERSPEC_INPUT_ARGUMENT.Spec, tooLarge);
    }
    return ProviderSpecs.validate(ProviderSpecs.tree(spec));
  }

  @DgsData(parentType = PROVIDER.TYPE_NAME, field = PROVIDER.Spec)
  public CompletableFuture<Object> spec(DgsDataFetchingEnvironment env) {
    Provider provider = env.getSource();
    DataLoader<Long, Object> loader = env.getDataLoader(ProviderSpecLoader.class);
    return loader.load(provider.numericId());
  }

  @DgsData(parentType = PROVIDER.TYPE_NAME, field = PROVIDER.SpecVersions)
  public List<ProviderSpecRepository.SpecVersion> specVersions(DgsDataFetchingEnvironment env) {
    Provider provider = env.getSource();
    return specs.versions(provider.numericId());
  }

  private static String userId(DgsDataFetchingEnvironment env) {
    Long userId = Callers.current(env).userId();
    return userId == null ? null : userId.toString();
  }

  @DgsMutation(field = MUTATION.DeleteProvider)
  public boolean deleteProvider(@InputArgument(name = MUTATION.DELETEPROVIDER_INPUT_ARGUMENT.Id) String id,
      @InputArgument(name = MUTATION.DELETEPROVIDER_INPUT_ARGUMENT.Force) Boolean force) {
    Long numeric = Ids.parse(id);
    return numeric != null && service.delete(numeric, Boolean.TRUE.equals(force));
  }

  @DgsData(parentType = PROVIDER.TYPE_NAME, field = PROVIDER.TotalRuns)
  public CompletableFuture<Integer> totalRuns(DgsDataFetchingEnvironment env) {
    return stats(env).thenApply(ProviderRepository.RunStats::totalRuns);
  }

  @DgsData(parentType = PROVIDER.TYPE_NAME, field = PROVIDER.SuccessRate)
  public CompletableFuture<Double> successRate(DgsDataFetchingEnvironment env) {
    return stats(env).thenApply(ProviderRepository.RunStats::successRate);
  }

  @DgsData(parentType = PROVIDER.TYPE_NAME, field = PROVIDER.LastRunAt)
  public CompletableFuture<OffsetDateTime> lastRunAt(DgsDataFetchingEnvironment env) {
    return stats(env).thenApply(ProviderRepository.RunStats::lastRunAt);
  }

  @DgsData(parentType = PROVIDER.TYPE_NAME, field = PROVIDER.NextRunAt)
  public OffsetDateTime nextRunAt(DgsDataFetchingEnvironment env) {
    ZonedDateTime next = ProviderService.nextRun(env.getSource(), ZonedDateTime.now(ZoneOffset.UTC));
    return next == null ? null : next.toOffsetDateTime();
  }

  @DgsEntityFetcher(name = PROVIDER.TYPE_NAME)
  public CompletionStage<Provider> providerEntity(Map<String, Object> values, DgsDataFetchingEnvironment env) {
    Long id = Ids.parse(String.valueOf(values.get(PROVIDER.Id)));
    if (id == null) {
      return CompletableFuture.completedFuture(null);
    }
    DataLoader<Long, Provider> loader = env.getDataLoader(ProviderLoader.class);
    return loader.load(id);
  }

  private static CompletableFuture<ProviderRepository.RunStats> stats(DgsDataFetchingEnvironment env) {
    Provider provider = env.getSource();
    DataLoader<Long, ProviderRepository.RunStats> loader = env.getDataLoader(ProviderRunStatsLoader.class);
    return loader.load(provider.numericId()).thenApply(s -> s == null ? ProviderRepository.RunStats.NONE : s);
  }

  private static long existingId(String id) {
    Long numeric = Ids.parse(id);
    if (numeric == null) {
      throw new AlmanacGraphQLException(ErrorCode.NOT_FOUND, "No provider with id '" + id + "'",
          Map.of("argument", MUTATION.UPDATEPROVIDER_INPUT_ARGUMENT.Id));
    }
    return numeric;
  }
}
