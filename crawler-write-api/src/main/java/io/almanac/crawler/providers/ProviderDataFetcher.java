package io.almanac.crawler.providers;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import com.netflix.graphql.dgs.DgsEntityFetcher;
import com.netflix.graphql.dgs.DgsMutation;
import com.netflix.graphql.dgs.DgsQuery;
import com.netflix.graphql.dgs.InputArgument;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.Connection;
import io.almanac.graphql.Cursors;
import io.almanac.graphql.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.dataloader.DataLoader;

/** Provider queries, creation, and the {@code Provider} entity. */
@DgsComponent
public class ProviderDataFetcher {

  private static final String CURSOR_KIND = "provider";

  private final ProviderRepository providers;

  public ProviderDataFetcher(ProviderRepository providers) {
    this.providers = providers;
  }

  @DgsQuery
  public Provider provider(@InputArgument String id) {
    Long numeric = parseId(id);
    return numeric == null ? null : providers.find(numeric).orElse(null);
  }

  @DgsQuery
  public Connection<Provider> providers(DgsDataFetchingEnvironment env) {
    int size = Cursors.pageSize(env.getArgument("first"), 20, 1000);
    String after = env.getArgument("after");
    long afterId = after == null ? 0 : Cursors.decodeLong(CURSOR_KIND, after);
    List<Provider> items = providers.page(env.getArgument("status"), afterId, size + 1);
    return Connection.of(items, size, after != null, p -> Cursors.encode(CURSOR_KIND, p.id()), null);
  }

  @DgsMutation
  public Provider createProvider(DgsDataFetchingEnvironment env) {
    Map<String, Object> input = env.getArgument("input");
    String name = ((String) input.get("name")).strip();
    if (name.isEmpty()) {
      throw AlmanacGraphQLException.badInput("input.name", "Provider name must not be blank");
    }
    if (providers.nameTaken(name)) {
      throw new AlmanacGraphQLException(ErrorCode.CONFLICT, "A provider named '" + name + "' already exists",
          Map.of("argument", "input.name"));
    }
    Object status = input.get("status");
    return providers.create(name, String.valueOf(input.get("type")), status == null ? "ACTIVE" : status.toString(),
        (String) input.get("description"));
  }

  @DgsEntityFetcher(name = "Provider")
  public CompletionStage<Provider> providerEntity(Map<String, Object> values, DgsDataFetchingEnvironment env) {
    Long id = parseId(String.valueOf(values.get("id")));
    if (id == null) {
      return CompletableFuture.completedFuture(null);
    }
    DataLoader<Long, Provider> loader = env.getDataLoader(ProviderLoader.class);
    return loader.load(id);
  }

  /** Provider ids are numbers; anything else names no provider. */
  public static Long parseId(String id) {
    try {
      return id == null ? null : Long.valueOf(id);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
