package io.almanac.crawler.runs;

import io.almanac.crawler.generated.DgsConstants.MUTATION;
import io.almanac.crawler.generated.types.RunStatus;
import io.almanac.crawler.providers.ProviderRepository;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.almanac.crawler.webhooks.WebhookService;
import io.almanac.crawler.webhooks.WebhookWorker;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/** Run lifecycle: RUNNING, then once SUCCEEDED, FAILED or CANCELLED (by the crawler or the timeout sweep). */
@Service
public class RunService {

  private static final String RUN_ID = MUTATION.FINISHRUN_INPUT_ARGUMENT.RunId;

  private final RunRepository runs;
  private final ProviderRepository providers;
  private final Duration timeout;
  private final WebhookService webhooks;
  private final WebhookWorker webhookWorker;
  private final TransactionTemplate transactions;

  public RunService(RunRepository runs, ProviderRepository providers,
      @Value("${almanac.runs.timeout:6h}") Duration timeout, WebhookService webhooks, WebhookWorker webhookWorker,
      TransactionTemplate transactions) {
    this.webhooks = webhooks;
    this.webhookWorker = webhookWorker;
    this.transactions = transactions;
    this.runs = runs;
    this.providers = providers;
    this.timeout = timeout;
  }

  public IngestionRun start(long providerId, Object parameters) {
    if (providers.find(providerId).isEmpty()) {
      throw new AlmanacGraphQLException(ErrorCode.NOT_FOUND, "No provider with id '" + providerId + "'",
          Map.of("argument", MUTATION.STARTRUN_INPUT_ARGUMENT.ProviderId));
    }
    return runs.start(providerId, parameters);
  }

  /**
   * Ends a RUNNING run as {@code status}, appending {@code logs}.
   *
   * @throws AlmanacGraphQLException {@code BAD_USER_INPUT} for {@code RUNNING}, {@code CONFLICT} when the run
   *     already finished, {@code NOT_FOUND} when there is no such run
   */
  public IngestionRun finish(long runId, RunStatus status, String errorMessage, List<String> logs) {
    if (status == RunStatus.RUNNING) {
      throw AlmanacGraphQLException.badInput(MUTATION.FINISHRUN_INPUT_ARGUMENT.Status,
          "A run finishes as SUCCEEDED, FAILED or CANCELLED, not " + status);
    }
    // RUN_FINISHED deliveries are enqueued with the run's end, in one transaction.
    Optional<IngestionRun> finished = transactions.execute(tx -> {
      Optional<IngestionRun> run = runs.finish(runId, status.name(), errorMessage, logs == null ? List.of() : logs,
          OffsetDateTime.now());
      run.ifPresent(webhooks::runFinished);
      return run;
    });
    finished.ifPresent(run -> webhookWorker.wake());
    return finished.orElseThrow(() -> runs.find(runId)
            .<AlmanacGraphQLException>map(run -> new AlmanacGraphQLException(ErrorCode.CONFLICT,
                "Run " + runId + " already finished as " + run.status(), Map.of("argument", RUN_ID)))
            .orElseGet(() -> new AlmanacGraphQLException(ErrorCode.NOT_FOUND, "No run with id '" + runId + "'",
                Map.of("argument", RUN_ID))));
  }

  /**
   * Fails runs left RUNNING longer than the timeout, as seen at {@code now}, with their RUN_FINISHED deliveries
   * enqueued in the same transaction (a live run page learns of a timed-out run as of a finished one); returns
   * how many.
   */
  public int sweep(OffsetDateTime now) {
    List<IngestionRun> failed = transactions.execute(tx -> {
      List<IngestionRun> stale = runs.failStale(now.minus(timeout), now, timeout);
      stale.forEach(webhooks::runFinished);
      return stale;
    });
    if (!failed.isEmpty()) {
      webhookWorker.wake();
    }
    return failed.size();
  }
}
