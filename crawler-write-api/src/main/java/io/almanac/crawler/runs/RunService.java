package io.almanac.crawler.runs;

import io.almanac.crawler.providers.ProviderRepository;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/** Run lifecycle: RUNNING, then once SUCCEEDED, FAILED or CANCELLED (by the crawler or the timeout sweep). */
@Service
public class RunService {

  private static final Set<String> FINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

  private final RunRepository runs;
  private final ProviderRepository providers;
  private final Duration timeout;

  public RunService(RunRepository runs, ProviderRepository providers,
      @Value("${almanac.runs.timeout:6h}") Duration timeout) {
    this.runs = runs;
    this.providers = providers;
    this.timeout = timeout;
  }

  public IngestionRun start(long providerId, Object parameters) {
    if (providers.find(providerId).isEmpty()) {
      throw new AlmanacGraphQLException(ErrorCode.NOT_FOUND, "No provider with id '" + providerId + "'",
          Map.of("argument", "providerId"));
    }
    return runs.start(providerId, parameters);
  }

  public IngestionRun finish(long runId, String status, String errorMessage, List<String> logs) {
    if (!FINAL.contains(status)) {
      throw AlmanacGraphQLException.badInput("status", "A run finishes as SUCCEEDED, FAILED or CANCELLED, not " + status);
    }
    return runs.finish(runId, status, errorMessage, logs == null ? List.of() : logs, OffsetDateTime.now())
        .orElseThrow(() -> runs.find(runId)
            .<AlmanacGraphQLException>map(run -> new AlmanacGraphQLException(ErrorCode.CONFLICT,
                "Run " + runId + " already finished as " + run.status(), Map.of("argument", "runId")))
            .orElseGet(() -> new AlmanacGraphQLException(ErrorCode.NOT_FOUND, "No run with id '" + runId + "'",
                Map.of("argument", "runId"))));
  }

  /** Fails runs left RUNNING longer than the timeout, as seen at {@code now}; returns how many. */
  public int sweep(OffsetDateTime now) {
    return runs.failStale(now.minus(timeout), now, timeout);
  }
}
