package io.almanac.crawler.ingest;

import com.netflix.graphql.dgs.DgsDataLoader;
import io.almanac.crawler.providers.Provider;
import io.almanac.crawler.providers.ProviderRepository;
import io.almanac.crawler.runs.IngestionRun;
import io.almanac.crawler.runs.RunRepository;
import io.almanac.graphql.BatchLoads;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.dataloader.MappedBatchLoader;
import org.springframework.beans.factory.annotation.Qualifier;

/**
 * What the ledger knows of the batches a request's {@code ObservationSource}s name, with their runs and
 * providers: three SQL queries per batch of keys, in one step (a loader called from another loader's
 * future would wait for a dispatch that never comes).
 */
@DgsDataLoader(maxBatchSize = 1000)
public class BatchSourceLoader implements MappedBatchLoader<String, BatchSourceLoader.Resolved> {

  /** A batch's ledger entry, run (null: none named) and provider (null: none single). */
  public record Resolved(BatchLedger.Source source, IngestionRun run, Provider provider) {}

  private final BatchLedger ledger;
  private final RunRepository runs;
  private final ProviderRepository providers;
  private final Executor executor;

  BatchSourceLoader(BatchLedger ledger, RunRepository runs, ProviderRepository providers,
      @Qualifier(BatchLoads.EXECUTOR) Executor executor) {
    this.ledger = ledger;
    this.runs = runs;
    this.providers = providers;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Map<String, Resolved>> load(Set<String> batchIds) {
    return CompletableFuture.supplyAsync(() -> {
      Map<String, BatchLedger.Source> sources = ledger.sources(batchIds);
      Set<Long> runIds = new HashSet<>();
      Set<Long> providerIds = new HashSet<>();
      sources.values().forEach(s -> {
        if (s.runId() != null) {
          runIds.add(s.runId());
        }
        if (s.providerId() != null) {
          providerIds.add(s.providerId());
        }
      });
      Map<Long, IngestionRun> runById = new HashMap<>();
      if (!runIds.isEmpty()) {
        runs.findAll(runIds).forEach(r -> runById.put(Long.valueOf(r.id()), r));
      }
      Map<Long, Provider> providerById = new HashMap<>();
      if (!providerIds.isEmpty()) {
        providers.findAll(providerIds).forEach(p -> providerById.put(p.numericId(), p));
      }
      Map<String, Resolved> resolved = new HashMap<>();
      sources.forEach((id, s) -> resolved.put(id, new Resolved(s,
          s.runId() == null ? null : runById.get(s.runId()),
          s.providerId() == null ? null : providerById.get(s.providerId()))));
      return resolved;
    }, executor);
  }
}
