package io.almanac.crawler.ingest;

import io.almanac.graphql.Ids;
import io.almanac.crawler.ingest.BulkUpsertResult.BatchStatus;
import io.almanac.crawler.ingest.BulkUpsertResult.Summary;
import io.almanac.crawler.runs.IngestionRun;
import io.almanac.crawler.runs.RunRepository;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
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

  /** An upload: {@code points} as GraphQL input maps whose dates and values are raw text. */
  public record Upload(String batchId, String runId, boolean atomic, List<Map<String, Object>> points) {}

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
    if (batchId.isBlank() || batchId.length() > 200) {
      throw AlmanacGraphQLException.badInput("input.batchId", "batchId must be 1 to 200 characters");
    }
    OffsetDateTime receivedAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    if (!ledger.claim(batchId, receivedAt, upload.runId())) {
      return replay(batchId);
    }
    try {
      BulkUpsertResult result = process(batchId, receivedAt, upload);
      ledger.complete(batchId, result);
      if (upload.runId() != null && !isRunRefusal(result)) {
        runs.addRecords(Long.parseLong(upload.runId()), result.summary().successful(), result.summary().failed());
      }
      return result;
    } catch (RuntimeException e) {
      ledger.release(batchId);
      throw e;
    }
  }

  private BulkUpsertResult replay(String batchId) {
    BatchLedger.Entry entry = ledger.find(batchId).orElseThrow(() -> new AlmanacGraphQLException(ErrorCode.CONFLICT,
        "Batch '" + batchId + "' was being written and failed; send it again", Map.of("argument", "input.batchId")));
    if (!entry.done()) {
      throw new AlmanacGraphQLException(ErrorCode.CONFLICT,
          "Batch '" + batchId + "' is being written by another request", Map.of("argument", "input.batchId"));
    }
    return entry.result().asReplay();
  }

  private BulkUpsertResult process(String batchId, OffsetDateTime receivedAt, Upload upload) {
    List<Map<String, Object>> points = upload.points();
    int total = points.size();
    Optional<PointError> runRefusal = checkRun(upload.runId());
    if (runRefusal.isPresent()) {
      return reject(batchId, receivedAt, upload, asReceived(points), runRefusal.get());
    }
    if (total == 0) {
      return reject(batchId, receivedAt, upload, List.of(),
          PointError.batch("EMPTY_BATCH", "The batch has no points"));
    }
    if (total > settings.maxPoints()) {
      return reject(batchId, receivedAt, upload, asReceived(points),
          PointError.batch("BATCH_TOO_LARGE", "The batch has " + total + " points; at most "
              + settings.maxPoints() + " are accepted per upload"));
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
        errors.add(PointError.batch("ATOMIC_BATCH_FAILED", validated.validRows().size()
            + " valid points were not written because the atomic batch has " + validated.errors().size()
            + " invalid points"));
      }
    } else {
      status = BatchStatus.PARTIAL;
      write = true;
    }
    CompletableFuture<Long> archived = writer.archive(
        new RawBatch(batchId, receivedAt, upload.runId(), upload.atomic(), status.name(), validated.received()));
    CompletableFuture<Long> appended = write
        ? writer.appendObservations(batchId, validated.validRows())
        : CompletableFuture.completedFuture(null);
    await(CompletableFuture.allOf(archived, appended), batchId);
    int successful = write ? validated.validRows().size() : 0;
    return new BulkUpsertResult(batchId, status, false, new Summary(total, successful, total - successful), errors);
  }

  private BulkUpsertResult reject(String batchId, OffsetDateTime receivedAt, Upload upload, List<RawPoint> received,
      PointError error) {
    List<RawPoint> archived = new ArrayList<>(received);
    archived.add(new RawPoint(null, null, null, null, null, null, null, error.code(), error.message()));
    await(writer.archive(new RawBatch(batchId, receivedAt, upload.runId(), upload.atomic(),
        BatchStatus.REJECTED.name(), archived)), batchId);
    int total = upload.points().size();
    return new BulkUpsertResult(batchId, BatchStatus.REJECTED, false, new Summary(total, 0, total), List.of(error));
  }

  /** Uploads may name a run only while it is RUNNING: its counts would otherwise change after it ended. */
  private Optional<PointError> checkRun(String runId) {
    if (runId == null) {
      return Optional.empty();
    }
    Long id = Ids.parse(runId);
    Optional<IngestionRun> run = id == null ? Optional.empty() : runs.find(id);
    if (run.isEmpty()) {
      return Optional.of(PointError.batch("UNKNOWN_RUN", "No run with id '" + runId + "'"));
    }
    if (!"RUNNING".equals(run.get().status())) {
      return Optional.of(PointError.batch("RUN_NOT_RUNNING",
          "Run " + runId + " already finished as " + run.get().status() + "; start a new run"));
    }
    return Optional.empty();
  }

  private static boolean isRunRefusal(BulkUpsertResult result) {
    return result.errors().stream().anyMatch(e -> e.index() == null
        && ("UNKNOWN_RUN".equals(e.code()) || "RUN_NOT_RUNNING".equals(e.code())));
  }

  private static List<RawPoint> asReceived(List<Map<String, Object>> points) {
    List<RawPoint> received = new ArrayList<>(points.size());
    for (int i = 0; i < points.size(); i++) {
      Map<String, Object> p = points.get(i);
      received.add(new RawPoint(i, text(p.get("seriesId")), text(p.get("providerId")), text(p.get("externalId")),
          text(p.get("date")), text(p.get("value")), text(p.get("revisionDate")), null, null));
    }
    return received;
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

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }
}
