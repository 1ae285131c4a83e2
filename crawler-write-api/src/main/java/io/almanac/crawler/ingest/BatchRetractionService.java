package io.almanac.crawler.ingest;

import io.almanac.crawler.generated.DgsConstants.MUTATION;
import io.almanac.crawler.generated.types.BatchStatus;
import io.almanac.crawler.generated.types.RetractResult;
import io.almanac.crawler.generated.types.Retraction;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import io.almanac.graphql.auth.Caller;
import io.almanac.graphql.auth.Callers;
import io.almanac.graphql.auth.Role;
import io.almanac.store.BatchRetraction;
import io.almanac.store.TimeseriesWriter;
import io.almanac.crawler.updates.SeriesUpdatesLog;
import io.almanac.crawler.webhooks.WebhookService;
import io.almanac.crawler.webhooks.WebhookWorker;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Takes back an accepted batch ({@code retractBatch}). Order of work: claim the batch id (so no upload
 * retry or second retraction of it runs meanwhile), check the ledger, mark the batch retracted there,
 * remove its rows from the observations and restore the earlier writes of keys it had won
 * ({@link TimeseriesWriter#retractBatch}, with {@link ArchivedWrites}), record the counts and, in the same
 * transaction, the batch's series in the updates feed and a SERIES_REVISED delivery marked
 * {@code "retracted": true} for matching webhooks.
 *
 * <p>Marked before the store changes, so once rows may be gone no upload can re-send the id. A
 * retraction that failed after the mark (the store could not commit, the process stopped) leaves the
 * batch marked without counts: {@code retractBatch} again completes it (the store's part finds what is
 * left to do), with the first mark's reason, author and time.
 */
@Service
public class BatchRetractionService {

  static final int MAX_REASON_CHARS = 2_000;

  private final BatchClaims claims;
  private final BatchLedger ledger;
  private final TimeseriesWriter writer;
  private final ArchivedWrites archivedWrites;
  private final TransactionTemplate transactions;
  private final SeriesUpdatesLog updates;
  private final WebhookService webhooks;
  private final WebhookWorker webhookWorker;

  BatchRetractionService(BatchClaims claims, BatchLedger ledger, TimeseriesWriter writer,
      ArchivedWrites archivedWrites, TransactionTemplate transactions, SeriesUpdatesLog updates,
      WebhookService webhooks, WebhookWorker webhookWorker) {
    this.claims = claims;
    this.ledger = ledger;
    this.writer = writer;
    this.archivedWrites = archivedWrites;
    this.transactions = transactions;
    this.updates = updates;
    this.webhooks = webhooks;
    this.webhookWorker = webhookWorker;
  }

  /**
   * @throws AlmanacGraphQLException FORBIDDEN unless an admin; BAD_USER_INPUT for a blank or too long
   *     reason; NOT_FOUND for an unknown batch; CONFLICT when it is already retracted or still being
   *     written
   */
  public RetractResult retract(Caller caller, String batchId, String reason) {
    Callers.require(caller, Role.ADMIN);
    String why = reason == null ? "" : reason.strip();
    if (why.isEmpty() || why.length() > MAX_REASON_CHARS || why.indexOf('\u0000') >= 0) {
      throw AlmanacGraphQLException.badInput(MUTATION.RETRACTBATCH_INPUT_ARGUMENT.Reason,
          "reason must be 1 to " + MAX_REASON_CHARS + " characters (not only spaces), without U+0000");
    }
    if (batchId.isEmpty() || batchId.length() > 200 || batchId.indexOf('\u0000') >= 0) {
      throw AlmanacGraphQLException.notFound("No batch '" + batchId + "' was received");
    }
    try (BatchClaims.Claim claim = claims.tryClaim(batchId).orElseThrow(() -> conflict(
        "Batch '" + batchId + "' is being written or retracted by another request; try again once it has answered"))) {
      BatchLedger.Entry entry = ledger.find(batchId)
          .orElseThrow(() -> AlmanacGraphQLException.notFound("No batch '" + batchId + "' was received"));
      if (!entry.done()) {
        throw conflict("Batch '" + batchId + "' was not completed (its upload is unfinished); send the upload again to"
            + " complete it, then retract it");
      }
      BatchLedger.Retraction mark = entry.retraction();
      if (mark != null && mark.counts() != null) {
        throw conflict("Batch '" + batchId + "' was already retracted at " + mark.at() + ": " + mark.reason());
      }
      if (mark == null) {
        mark = new BatchLedger.Retraction(OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS),
            caller.userId() == null ? null : caller.userId().toString(), why, null);
        ledger.markRetracted(batchId, mark.at(), mark.by(), mark.reason());
      }
      BatchRetraction.Result counts = entry.result().status() == BatchStatus.REJECTED
          ? new BatchRetraction.Result(0, 0, 0, 0, -1) // it wrote nothing: the mark retires the id
          : retractRows(batchId);
      // The series whose observations changed: listed in the updates feed (no vintage dates added) and
      // sent as SERIES_REVISED with "retracted": true, in the transaction that finishes the retraction.
      List<Long> series = entry.result().status() == BatchStatus.REJECTED ? List.of() : ledger.seriesOf(batchId);
      transactions.executeWithoutResult(status -> {
        ledger.recordRetraction(batchId, counts);
        if (!series.isEmpty()) {
          webhooks.seriesRetracted(batchId, series);
          Map<Long, SortedSet<LocalDate>> none = new TreeMap<>();
          series.forEach(id -> none.put(id, new TreeSet<>()));
          updates.record(batchId, none); // last: it takes the feed's lock until the commit
        }
      });
      if (!series.isEmpty()) {
        webhookWorker.wake();
      }
      return RetractResult.newBuilder()
          .batchId(batchId)
          .observationsRemoved(Math.toIntExact(counts.observationsRemoved()))
          .keysRestored(counts.keysRestored())
          .keysRestoredFromArchive(counts.keysRestoredFromArchive())
          .filesRewritten(counts.filesRewritten())
          .retraction(view(mark))
          .build();
    }
  }

  private BatchRetraction.Result retractRows(String batchId) {
    try {
      return writer.retractBatch(batchId, archivedWrites::find).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause; // the error mapper tells a database that is down (UNAVAILABLE) from a fault
      }
      throw new IllegalStateException("Retracting batch " + batchId + " failed", e.getCause());
    }
  }

  /** The mark as the schema shows it, on the result and on {@code ArchivedBatch.retraction}. */
  static Retraction view(BatchLedger.Retraction mark) {
    return mark == null ? null : Retraction.newBuilder().reason(mark.reason()).retractedBy(mark.by())
        .retractedAt(mark.at()).build();
  }

  private static AlmanacGraphQLException conflict(String message) {
    return new AlmanacGraphQLException(ErrorCode.CONFLICT, message,
        Map.of("argument", MUTATION.RETRACTBATCH_INPUT_ARGUMENT.BatchId));
  }
}
