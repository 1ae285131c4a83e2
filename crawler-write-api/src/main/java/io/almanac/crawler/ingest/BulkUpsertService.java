package io.almanac.crawler.ingest;

import io.almanac.crawler.generated.DgsConstants.BULKDATAPOINTSINPUT;
import io.almanac.crawler.generated.DgsConstants.MUTATION;
import io.almanac.crawler.generated.types.BatchStatus;
import io.almanac.crawler.generated.types.RunStatus;
import io.almanac.crawler.runs.IngestionRun;
import io.almanac.crawler.releases.Release;
import io.almanac.crawler.releases.ReleaseRepository;
import io.almanac.crawler.releases.ReleaseService;
import io.almanac.crawler.runs.RunRepository;
import io.almanac.crawler.series.SeriesRegistry;
import io.almanac.crawler.updates.SeriesUpdatesLog;
import io.almanac.crawler.webhooks.WebhookService;
import io.almanac.crawler.webhooks.WebhookWorker;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import io.almanac.graphql.Ids;
import io.almanac.store.RawBatch;
import io.almanac.store.RawPoint;
import io.almanac.store.TableKind;
import io.almanac.store.TimeseriesReader;
import io.almanac.store.TimeseriesWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Bulk uploads of observations. Order of work: claim the batch id ({@link BatchClaims}), record it in
 * the ledger as IN_PROGRESS, validate, archive the batch as received and append the valid rows (two
 * Iceberg commits, both before answering, each naming the batch in its snapshot summary), record the
 * result (with the run's counts, in one transaction). A batch re-sent with the same id gets the
 * recorded result and changes nothing; re-sent while its first request is still being written, it is
 * refused with CONFLICT.
 *
 * <p>Crash safety: if the process writing a batch dies, its claim dies with it, and the batch stays
 * IN_PROGRESS. A retry with the same id takes it over: it asks the tables which of the two commits
 * already happened ({@link TimeseriesWriter#tablesHolding}, or what maintenance recorded from them,
 * see {@link #settleAbandonedClaims}), makes only the missing ones, with the first attempt's receipt
 * time (so default revision dates are the same), and records and returns the result the first
 * attempt would have returned. So a batch is never committed twice, and never lost for a client
 * that retries.
 */
@Service
public class BulkUpsertService {

  /**
   * An upload, from the GraphQL mutation or the HTTP endpoint; {@code points.get(i).index() == i}.
   *
   * @param more whether the sender sent more points than {@code points}, which were not read (a streamed
   *     body stops at {@code almanac.ingest.max-points}): the batch is refused as too large
   */
  public record Upload(String batchId, String runId, boolean atomic, List<ReceivedPoint> points, boolean more,
      String releaseId) {
    public Upload(String batchId, String runId, boolean atomic, List<ReceivedPoint> points, boolean more) {
      this(batchId, runId, atomic, points, more, null);
    }

    public Upload(String batchId, String runId, boolean atomic, List<ReceivedPoint> points) {
      this(batchId, runId, atomic, points, false, null);
    }
  }

  /** The argument a refusal of the batch id names: the mutation's {@code input.batchId}. */
  private static final String BATCH_ID_ARGUMENT =
      MUTATION.BULKUPSERTDATAPOINTS_INPUT_ARGUMENT.Input + "." + BULKDATAPOINTSINPUT.BatchId;
  private static final String RELEASE_ID_ARGUMENT =
      MUTATION.BULKUPSERTDATAPOINTS_INPUT_ARGUMENT.Input + "." + BULKDATAPOINTSINPUT.ReleaseId;

  private static final Logger log = LoggerFactory.getLogger(BulkUpsertService.class);
  /** Unsettled claims settled per maintenance run at most. */
  private static final int SETTLE_LIMIT = 100;
  /**
   * Snapshots this much older than the oldest unsettled claim (or than now) are still kept: the
   * clocks of the processes that stamp claims and snapshots may differ by up to this much.
   */
  static final Duration CLOCK_MARGIN = Duration.ofSeconds(10);

  private final PointValidator validator;
  private final BatchClaims claims;
  private final BatchLedger ledger;
  private final TimeseriesWriter writer;
  private final TimeseriesReader reader;
  private final IngestSettings settings;
  private final RunRepository runs;
  private final TransactionTemplate transactions;
  private final ReleaseService releases;
  private final ReleaseRepository releaseDates;
  private final SeriesUpdatesLog updates;
  private final WebhookService webhooks;
  private final WebhookWorker webhookWorker;
  private final SeriesRegistry registry;

  BulkUpsertService(PointValidator validator, BatchClaims claims, BatchLedger ledger, TimeseriesWriter writer,
      TimeseriesReader reader, IngestSettings settings, RunRepository runs, TransactionTemplate transactions,
      ReleaseService releases, ReleaseRepository releaseDates, SeriesUpdatesLog updates, WebhookService webhooks,
      WebhookWorker webhookWorker, SeriesRegistry registry) {
    this.registry = registry;
    this.releases = releases;
    this.releaseDates = releaseDates;
    this.updates = updates;
    this.webhooks = webhooks;
    this.webhookWorker = webhookWorker;
    this.validator = validator;
    this.claims = claims;
    this.ledger = ledger;
    this.writer = writer;
    this.reader = reader;
    this.settings = settings;
    this.runs = runs;
    this.transactions = transactions;
  }

  public BulkUpsertResult upload(Upload upload) {
    String batchId = upload.batchId() == null ? UUID.randomUUID().toString() : upload.batchId();
    checkBatchId(batchId);
    Long release = releaseOf(upload);
    try (BatchClaims.Claim claim = claims.tryClaim(batchId).orElseThrow(() -> new AlmanacGraphQLException(
        ErrorCode.CONFLICT, "Batch '" + batchId + "' is being written by another request; send it again once that"
            + " one has answered", Map.of("argument", BATCH_ID_ARGUMENT)))) {
      Optional<BatchLedger.Entry> entry = ledger.find(batchId);
      if (entry.isPresent() && entry.get().retracted()) {
        // Neither a second write nor the stored result: the result describes rows that are gone.
        throw new AlmanacGraphQLException(ErrorCode.CONFLICT, "Batch '" + batchId + "' was retracted at "
            + entry.get().retraction().at() + "; its id cannot be used again, send the points with a new batchId",
            Map.of("argument", BATCH_ID_ARGUMENT));
      }
      if (entry.isPresent() && entry.get().done()) {
        return entry.get().result().asReplay();
      }
      OffsetDateTime receivedAt;
      Set<TableKind> committed;
      if (entry.isEmpty()) {
        receivedAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        ledger.start(batchId, receivedAt, upload.runId());
        committed = Set.of();
      } else {
        // Left IN_PROGRESS by a request that failed or a process that stopped (its claim is free): what
        // maintenance recorded, and what the retained snapshots say (the snapshots since an attempt
        // began are kept until maintenance records them).
        receivedAt = entry.get().receivedAt();
        committed = EnumSet.noneOf(TableKind.class);
        committed.addAll(entry.get().knownCommitted());
        committed.addAll(writer.tablesHolding(batchId));
        ledger.restart(batchId, OffsetDateTime.now(ZoneOffset.UTC));
        log.info("Batch {} received {} was left unfinished; completing it (already committed to: {})", batchId,
            receivedAt, committed);
      }
      Written written = process(batchId, receivedAt, upload, committed, claim);
      BulkUpsertResult result = written.result();
      transactions.executeWithoutResult(status -> {
        ledger.complete(batchId, result, written.ingestedAt(), written.seriesIds());
        if (upload.runId() != null && !isRunRefusal(result)) {
          runs.addRecords(Long.parseLong(upload.runId()), result.summary().getSuccessful(),
              result.summary().getFailed());
        }
        if (!written.writes().isEmpty()) {
          if (release != null) {
            Set<LocalDate> published = new TreeSet<>();
            // A vintage dated outside years 1 to 9999 is stored, but is no publication day of a calendar.
            written.writes().values().forEach(w -> w.vintageDates().stream().filter(ReleaseService::isCalendarDate)
                .forEach(published::add));
            releaseDates.publish(release, published);
          }
          webhooks.seriesRevised(batchId, release, written.writes());
          // Last: numbering takes the feed's lock, held until this transaction commits.
          Map<Long, SortedSet<LocalDate>> vintages = new TreeMap<>();
          written.writes().forEach((id, w) -> vintages.put(id, w.vintageDates()));
          updates.record(batchId, vintages);
        }
      });
      if (!written.writes().isEmpty()) {
        webhookWorker.wake();
      }
      return result;
    }
  }

  /**
   * For maintenance: records, for each IN_PROGRESS batch whose writer is gone, which tables hold its
   * commits (read from their snapshot summaries), so a retry no longer needs those snapshots and
   * expiry may remove them. Claims held by live requests are left alone. Returns how many were settled.
   */
  public int settleAbandonedClaims() {
    int settled = 0;
    for (String batchId : ledger.unsettled(SETTLE_LIMIT)) {
      Optional<BatchClaims.Claim> claim = claims.tryClaim(batchId);
      if (claim.isEmpty()) {
        continue;
      }
      try (BatchClaims.Claim held = claim.get()) {
        Set<TableKind> committed = writer.tablesHolding(batchId);
        ledger.settle(batchId, committed);
        log.info("Batch {} was left unfinished by a process that stopped; committed to: {}", batchId, committed);
        settled++;
      }
    }
    return settled;
  }

  /**
   * For snapshot expiry: snapshots committed since this instant must be kept, as evidence of what
   * unsettled batches (see {@link #settleAbandonedClaims}) and batches claimed from now on committed.
   */
  public Optional<Instant> retainSnapshotsSince() {
    Instant now = Instant.now();
    Instant since = ledger.oldestUnsettled().map(OffsetDateTime::toInstant).filter(t -> t.isBefore(now)).orElse(now);
    return Optional.of(since.minus(CLOCK_MARGIN));
  }

  /**
   * What writing a batch came to, for the ledger.
   *
   * @param ingestedAt the stamp of its observation rows (read back from the table when an earlier
   *     attempt committed them); null when it wrote none
   * @param seriesIds the series it wrote rows of
   * @param writes per series written: its rows' revision dates and count (for the updates feed, the
   *     release calendar and webhooks)
   */
  private record Written(BulkUpsertResult result, OffsetDateTime ingestedAt, Set<Long> seriesIds,
      Map<Long, WebhookService.SeriesWrite> writes) {
    static Written nothing(BulkUpsertResult result) {
      return new Written(result, null, Set.of(), Map.of());
    }
  }

  /**
   * Validates and writes the batch, leaving out the commits {@code committed} names (made by an earlier
   * attempt); the result is the same either way.
   */
  private Written process(String batchId, OffsetDateTime receivedAt, Upload upload,
      Set<TableKind> committed, BatchClaims.Claim claim) {
    // The day the batch was first received, so that a retry defaults revision dates as the first attempt did;
    // observations committed means the run was accepted then (it may have finished since).
    Verdict verdict = judge(upload, receivedAt.atZoneSameInstant(settings.zone()).toLocalDate(),
        !committed.contains(TableKind.OBSERVATIONS));
    if (verdict.refusal() != null) {
      return Written.nothing(reject(batchId, receivedAt, upload, verdict.refusal(), committed, claim));
    }
    ValidatedBatch validated = verdict.validated();
    BatchStatus status = verdict.status();
    boolean write = verdict.write();
    List<PointError> errors = verdict.errors();
    int total = upload.points().size();
    requireHeld(claim, batchId);
    CompletableFuture<Long> archived = committed.contains(TableKind.RAW_BATCHES)
        ? CompletableFuture.completedFuture(null)
        : writer.archive(batchId, () -> new RawBatch(batchId, receivedAt, upload.runId(), upload.atomic(),
            status.name(), rawPoints(validated.points())));
    CompletableFuture<TimeseriesWriter.Appended> appended = write && !committed.contains(TableKind.OBSERVATIONS)
        ? writer.appendBatch(batchId, validated.validRows())
        : CompletableFuture.completedFuture(null);
    await(CompletableFuture.allOf(archived, appended), batchId);
    int successful = write ? validated.validRows().size() : 0;
    Set<Long> seriesIds = new TreeSet<>();
    Map<Long, TreeSet<LocalDate>> vintages = new TreeMap<>();
    Map<Long, Integer> counts = new TreeMap<>();
    if (write) {
      validated.validRows().forEach(row -> {
        seriesIds.add(row.seriesId());
        vintages.computeIfAbsent(row.seriesId(), id -> new TreeSet<>()).add(row.revisionDate());
        counts.merge(row.seriesId(), 1, Integer::sum);
      });
    }
    Map<Long, WebhookService.SeriesWrite> writes = new TreeMap<>();
    vintages.forEach((id, dates) -> writes.put(id, new WebhookService.SeriesWrite(dates, counts.get(id))));
    TimeseriesWriter.Appended commit = appended.join();
    OffsetDateTime ingestedAt = commit != null ? commit.ingestedAt()
        : write ? reader.ingestedAtOf(batchId).orElse(null) : null; // committed by an earlier attempt
    return new Written(new BulkUpsertResult(batchId, status, false, BulkUpsertResult.summary(total, successful),
        errors), ingestedAt, seriesIds, writes);
  }

  /**
   * What validation decides for a batch, before anything is written.
   *
   * @param refusal an error about the whole batch (nothing else is set), or null
   * @param write whether the valid rows are to be written (COMMITTED or PARTIAL)
   * @param errors every point's error, then ATOMIC_BATCH_FAILED when it applies
   */
  private record Verdict(PointError refusal, ValidatedBatch validated, BatchStatus status, boolean write,
      List<PointError> errors) {
    static Verdict refused(PointError refusal) {
      return new Verdict(refusal, null, BatchStatus.REJECTED, false, List.of(refusal));
    }
  }

  /** Checks the run (when {@code checkRun}), the batch's size and every point; reads, never writes. */
  private Verdict judge(Upload upload, LocalDate today, boolean checkRun) {
    List<ReceivedPoint> points = upload.points();
    int total = points.size();
    Optional<PointError> runRefusal = checkRun ? checkRun(upload.runId()) : Optional.empty();
    if (runRefusal.isPresent()) {
      return Verdict.refused(runRefusal.get());
    }
    if (total == 0) {
      return Verdict.refused(PointError.batch(PointErrorCode.EMPTY_BATCH, "The batch has no points"));
    }
    if (upload.more() || total > settings.maxPoints()) {
      // A streamed body was read only up to the limit: its first points are archived, not all it held.
      return Verdict.refused(PointError.batch(PointErrorCode.BATCH_TOO_LARGE,
          "The batch has " + (upload.more() ? "more than " + total : total) + " points; at most "
          + settings.maxPoints() + " are accepted per upload"));
    }
    ValidatedBatch validated = validator.validate(points, today);
    List<PointError> errors = new ArrayList<>(validated.errors());
    if (errors.isEmpty()) {
      return new Verdict(null, validated, BatchStatus.COMMITTED, true, errors);
    }
    if (upload.atomic() || validated.validRows().isEmpty()) {
      if (upload.atomic() && !validated.validRows().isEmpty()) {
        errors.add(PointError.batch(PointErrorCode.ATOMIC_BATCH_FAILED, validated.validRows().size()
            + " valid points were not written because the atomic batch has " + validated.errors().size()
            + " invalid points"));
      }
      return new Verdict(null, validated, BatchStatus.REJECTED, false, errors);
    }
    return new Verdict(null, validated, BatchStatus.PARTIAL, true, errors);
  }

  /**
   * Validates an upload exactly as {@link #upload} would, today, and answers what it would answer
   * (status, summary, errors; {@code replayed} false), writing nothing: no claim, no ledger entry, no
   * archive, no commit, no run counts. The batch id is checked by the same rules and echoed (null when
   * none was given: none is assigned); a later upload with it is a first upload. The ledger is not
   * consulted: a batch id already applied is validated as if new.
   */
  public BulkUpsertResult dryRun(Upload upload) {
    if (upload.batchId() != null) {
      checkBatchId(upload.batchId());
    }
    releaseOf(upload);
    Verdict verdict = judge(upload, LocalDate.now(settings.zone()), true);
    int total = upload.points().size();
    int successful = verdict.write() ? verdict.validated().validRows().size() : 0;
    return new BulkUpsertResult(upload.batchId(), verdict.status(), false, BulkUpsertResult.summary(total, successful),
        verdict.errors());
  }

  /**
   * The numeric id of the release the upload names, or null when it names none.
   *
   * @throws AlmanacGraphQLException BAD_USER_INPUT (argument {@code input.releaseId}) for an unknown release,
   *     or one of another provider than a point's series (or the provider a point names)
   */
  private Long releaseOf(Upload upload) {
    if (upload.releaseId() == null) {
      return null;
    }
    Release release = releases.find(upload.releaseId()).orElseThrow(() ->
        AlmanacGraphQLException.badInput(RELEASE_ID_ARGUMENT, "No release with id '" + upload.releaseId() + "'"));
    // A release publishes its own provider's series (as upsertSeries requires): a point of another
    // provider's series would put a date in this release's calendar for data it does not publish.
    Set<Long> seriesIds = new TreeSet<>();
    for (ReceivedPoint point : upload.points()) {
      Long seriesId = point.seriesId() == null ? null : Ids.parse(point.seriesId());
      Long providerId = point.providerId() == null ? null : Ids.parse(point.providerId());
      if (seriesId != null) {
        seriesIds.add(seriesId);
      } else if (providerId != null && providerId != release.providerId()) {
        throw otherProvider(release, "point " + point.index() + " names provider " + providerId);
      }
    }
    registry.existing(seriesIds).forEach((seriesId, key) -> {
      if (key.providerId() != release.providerId()) {
        throw otherProvider(release, "series " + seriesId + " is of provider " + key.providerId());
      }
    });
    return release.numericId();
  }

  private static AlmanacGraphQLException otherProvider(Release release, String which) {
    return AlmanacGraphQLException.badInput(RELEASE_ID_ARGUMENT, "Release '" + release.id() + "' is of provider "
        + release.providerId() + " and publishes only its series; " + which + ". Nothing was written");
  }

  private static void checkBatchId(String batchId) {
    if (batchId.isBlank() || batchId.length() > 200 || batchId.indexOf('\u0000') >= 0) {
      // U+0000: PostgreSQL text cannot hold it, the ledger could not record the batch.
      throw AlmanacGraphQLException.badInput(BATCH_ID_ARGUMENT,
          "batchId must be 1 to 200 characters, without U+0000");
    }
  }

  /** Refuses the whole batch: archived as received (unchecked), followed by the batch error. */
  private BulkUpsertResult reject(String batchId, OffsetDateTime receivedAt, Upload upload, PointError error,
      Set<TableKind> committed, BatchClaims.Claim claim) {
    if (!committed.contains(TableKind.RAW_BATCHES)) {
      List<RawPoint> archived = new ArrayList<>(upload.points().size() + 1);
      archived.addAll(rawPoints(upload.points()));
      archived.add(error.toRawPoint());
      requireHeld(claim, batchId);
      await(writer.archive(new RawBatch(batchId, receivedAt, upload.runId(), upload.atomic(),
          BatchStatus.REJECTED.name(), archived)), batchId);
    }
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
    return archivedWithMark(batchId).map(Archived::batch);
  }

  /** An archived batch and its retraction mark (null unless retracted). */
  record Archived(RawBatch batch, BatchLedger.Retraction retraction) {}

  Optional<Archived> archivedWithMark(String batchId) {
    return ledger.find(batchId).flatMap(entry -> reader.readRawBatch(batchId, entry.receivedAt())
        .map(batch -> new Archived(batch, entry.retraction())));
  }

  /**
   * Refuses to commit once the claim is lost (its database session broke): another process may
   * already be completing the batch. The batch stays IN_PROGRESS for a retry.
   */
  private static void requireHeld(BatchClaims.Claim claim, String batchId) {
    if (!claim.held()) {
      throw new AlmanacGraphQLException(ErrorCode.UNAVAILABLE, "The database session that claimed batch '" + batchId
          + "' was lost; send it again", Map.of("argument", BATCH_ID_ARGUMENT));
    }
  }

  /**
   * Waits for the commits, uninterruptibly: the claim must outlive them, or a retry could take the
   * batch over while a commit of it is still on its way.
   */
  private static void await(CompletableFuture<?> commit, String batchId) {
    try {
      commit.join();
    } catch (CompletionException e) {
      throw new IllegalStateException("Committing batch " + batchId + " failed", e.getCause());
    }
  }
}
