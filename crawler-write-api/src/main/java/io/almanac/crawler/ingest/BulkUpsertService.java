package io.almanac.crawler.ingest;

import io.almanac.crawler.generated.DgsConstants.BULKDATAPOINTSINPUT;
import io.almanac.crawler.generated.DgsConstants.MUTATION;
import io.almanac.crawler.generated.types.BatchStatus;
import io.almanac.crawler.generated.types.RunStatus;
import io.almanac.crawler.runs.IngestionRun;
import io.almanac.crawler.runs.RunRepository;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import io.almanac.graphql.Ids;
import io.almanac.store.RawBatch;
import io.almanac.store.RawPoint;
import io.almanac.store.TimeseriesReader;
import io.almanac.store.TimeseriesWriter;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.springframework.stereotype.Service;

/**
 * Bulk uploads of observations. Order of work: claim the batch id (idempotency), validate, archive
 * the batch as received and append the valid rows (both committed before answering), record the
 * result. A batch re-sent with the same id gets the recorded result and changes nothing.
 */
@Service
public class BulkUpsertService {

  /**
   * An upload, from the GraphQL mutation or the HTTP endpoint; {@code points.get(i).index() == i}.
   *
   * @param more whether the sender sent more points than {@code points}, which were not read (a streamed
   *     body stops at {@code almanac.ingest.max-points}): the batch is refused as too large
   */
  public record Upload(String batchId, String runId, boolean atomic, List<ReceivedPoint> points, boolean more) {
    public Upload(String batchId, String runId, boolean atomic, List<ReceivedPoint> points) {
      this(batchId, runId, atomic, points, false);
    }
  }

  /** The argument a refusal of the batch id names: the mutation's {@code input.batchId}. */
  private static final String BATCH_ID_ARGUMENT =
      MUTATION.BULKUPSERTDATAPOINTS_INPUT_ARGUMENT.Input + "." + BULKDATAPOINTSINPUT.BatchId;

  private final PointValidator validator;
  private final BatchLedger ledger;
  private final TimeseriesWriter writer;
  private final TimeseriesReader reader;
  private final IngestSettings settings;
  private final RunRepository runs;

  BulkUpsertService(PointValidator validator, BatchLedger ledger, TimeseriesWriter writer, TimeseriesReader reader,
      IngestSettings settings, RunRepository runs) {
    this.validator = validator;
    this.ledger = ledger;
    this.writer = writer;
    this.reader = reader;
    this.settings = settings;
    this.runs = runs;
  }

  public BulkUpsertResult upload(Upload upload) {
    String batchId = upload.batchId() == null ? UUID.randomUUID().toString() : upload.batchId();
    if (batchId.isBlank() || batchId.length() > 200 || batchId.indexOf('\u0000') >= 0) {
      // U+0000: PostgreSQL text cannot hold it, the ledger could not record the batch.
      throw AlmanacGraphQLException.badInput(BATCH_ID_ARGUMENT,
          "batchId must be 1 to 200 characters, without U+0000");
    }
    OffsetDateTime receivedAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    if (!ledger.claim(batchId, receivedAt, upload.runId())) {
      return replay(batchId);
    }
    try {
      BulkUpsertResult result = process(batchId, receivedAt, upload);
      ledger.complete(batchId, result);
      if (upload.runId() != null && !isRunRefusal(result)) {
        runs.addRecords(Long.parseLong(upload.runId()), result.summary().getSuccessful(),
            result.summary().getFailed());
      }
      return result;
    } catch (RuntimeException e) {
      ledger.release(batchId);
      throw e;
    }
  }

  private BulkUpsertResult replay(String batchId) {
    BatchLedger.Entry entry = ledger.find(batchId).orElseThrow(() -> new AlmanacGraphQLException(ErrorCode.CONFLICT,
        "Batch '" + batchId + "' was being written and failed; send it again",
        Map.of("argument", BATCH_ID_ARGUMENT)));
    if (!entry.done()) {
      throw new AlmanacGraphQLException(ErrorCode.CONFLICT,
          "Batch '" + batchId + "' is being written by another request", Map.of("argument", BATCH_ID_ARGUMENT));
    }
    return entry.result().asReplay();
  }

  private BulkUpsertResult process(String batchId, OffsetDateTime receivedAt, Upload upload) {
    List<ReceivedPoint> points = upload.points();
    int total = points.size();
    Optional<PointError> runRefusal = checkRun(upload.runId());
    if (runRefusal.isPresent()) {
      return reject(batchId, receivedAt, upload, runRefusal.get());
    }
    if (total == 0) {
      return reject(batchId, receivedAt, upload,
          PointError.batch(PointErrorCode.EMPTY_BATCH, "The batch has no points"));
    }
    if (upload.more() || total > settings.maxPoints()) {
      // A streamed body was read only up to the limit: its first points are archived, not all it held.
      return reject(batchId, receivedAt, upload, PointError.batch(PointErrorCode.BATCH_TOO_LARGE, "The batch has "
          + (upload.more() ? "more than " + total : total) + " points; at most " + settings.maxPoints()
          + " are accepted per upload"));
    }
    LocalDate today = LocalDate.now(settings.zone());
    ValidatedBatch validated = validator.validate(points, today);
    List<PointError> errors = new ArrayList<>(validated.errors());
    BatchStatus status;
    boolean write;
    if (errors.isEmpty()) {
      status = BatchStatus.COMMITTED;
      write = true;
    } else if (upload.atomic() || validated.validRows().isEmpty()) {
      status = BatchStatus.REJECTED;
      write = false;
      if (upload.atomic() && !validated.validRows().isEmpty()) {
        errors.add(PointError.batch(PointErrorCode.ATOMIC_BATCH_FAILED, validated.validRows().size()
            + " valid points were not written because the atomic batch has " + validated.errors().size()
            + " invalid points"));
      }
    } else {
      status = BatchStatus.PARTIAL;
      write = true;
    }
    CompletableFuture<Long> archived = writer.archive(new RawBatch(batchId, receivedAt, upload.runId(),
        upload.atomic(), status.name(), rawPoints(validated.points())));
    CompletableFuture<Long> appended = write
        ? writer.appendObservations(batchId, validated.validRows())
        : CompletableFuture.completedFuture(null);
    await(CompletableFuture.allOf(archived, appended), batchId);
    int successful = write ? validated.validRows().size() : 0;
    return new BulkUpsertResult(batchId, status, false, BulkUpsertResult.summary(total, successful), errors);
  }

  /** Refuses the whole batch: archived as received (unchecked), followed by the batch error. */
  private BulkUpsertResult reject(String batchId, OffsetDateTime receivedAt, Upload upload, PointError error) {
    List<RawPoint> archived = new ArrayList<>(upload.points().size() + 1);
    archived.addAll(rawPoints(upload.points()));
    archived.add(error.toRawPoint());
    await(writer.archive(new RawBatch(batchId, receivedAt, upload.runId(), upload.atomic(),
        BatchStatus.REJECTED.name(), archived)), batchId);
    int total = upload.points().size();
    return new BulkUpsertResult(batchId, BatchStatus.REJECTED, false, BulkUpsertResult.summary(total, 0),
        List.of(error));
  }

  /** Uploads may name a run only while it is RUNNING: its counts would otherwise change after it ended. */
  private Optional<PointError> checkRun(String runId) {
    if (runId == null) {
      return Optional.empty();
    }
    Long id = Ids.parse(runId);
    Optional<IngestionRun> run = id == null ? Optional.empty() : runs.find(id);
    if (run.isEmpty()) {
      return Optional.of(PointError.batch(PointErrorCode.UNKNOWN_RUN, "No run with id '" + runId + "'"));
    }
    if (!RunStatus.RUNNING.name().equals(run.get().status())) {
      return Optional.of(PointError.batch(PointErrorCode.RUN_NOT_RUNNING,
          "Run " + runId + " already finished as " + run.get().status() + "; start a new run"));
    }
    return Optional.empty();
  }

  private static boolean isRunRefusal(BulkUpsertResult result) {
    return result.errors().stream().anyMatch(e -> e.index() == null && e.code().refusesRun());
  }

  private static List<RawPoint> rawPoints(List<ReceivedPoint> points) {
    List<RawPoint> archived = new ArrayList<>(points.size());
    for (ReceivedPoint p : points) {
      archived.add(p.toRawPoint());
    }
    return archived;
  }

  /** The batch as archived, or empty when no batch with this id was received. */
  public Optional<RawBatch> archived(String batchId) {
    return ledger.find(batchId).flatMap(entry -> reader.readRawBatch(batchId, entry.receivedAt()));
  }

  private static void await(CompletableFuture<?> commit, String batchId) {
    try {
      commit.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while committing batch " + batchId, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Committing batch " + batchId + " failed", e.getCause());
    }
  }
}
