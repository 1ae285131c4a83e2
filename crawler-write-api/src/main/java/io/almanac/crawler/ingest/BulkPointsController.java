package io.almanac.crawler.ingest;

import io.almanac.crawler.generated.DgsConstants.BULKDATAPOINTSINPUT;
import io.almanac.crawler.generated.DgsConstants.BULKUPSERTRESULT;
import io.almanac.crawler.generated.DgsConstants.BULKUPSERTSUMMARY;
import io.almanac.crawler.generated.DgsConstants.MUTATION;
import io.almanac.crawler.generated.types.BatchStatus;
import io.almanac.crawler.generated.types.BulkUpsertSummary;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.audit.AuditInstrumentation;
import io.almanac.graphql.audit.AuditTrail;
import io.almanac.graphql.auth.Caller;
import io.almanac.graphql.auth.HttpCallers;
import io.almanac.graphql.auth.Role;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /bulk/points?batchId=&runId=&atomic=&releaseId=&delimiter=&dryRun=}: the bulk upload for large batches, as
 * NDJSON, CSV or an Arrow IPC stream, with the semantics and result of {@code bulkUpsertDataPoints} (the
 * result's JSON is the mutation's). Callers need a CRAWLER or ADMIN key ({@link HttpCallers}); refusals
 * are answered by {@link io.almanac.graphql.HttpErrorHandler} with the GraphQL error shape and code:
 * 415 for a Content-Type or charset not read, 400 {@code delimiter} or {@code body}, 413 for a body over
 * {@code almanac.http.max-streamed-body-size}, 429 when too many points are in flight.
 *
 * <p>The body is parsed as a stream up to {@code almanac.ingest.max-points} points plus one; a batch with
 * more is refused with {@code BATCH_TOO_LARGE}, archiving the points read, and the rest of the body is
 * read and dropped (up to the body limit) so that the sender gets the answer rather than a reset
 * connection.
 *
 * <p>{@code dryRun=true} reads and validates the body exactly as an upload (the same refusals, the same
 * result: status, summary and per-point errors as the upload would answer now, plus {@code "dryRun": true})
 * and writes nothing: no batch claim or ledger entry (the batch id stays free), no archive, no commit, no
 * run counts, no audit entry (nothing changed).
 *
 * <p>Each upload by an authenticated caller is recorded in the audit trail as {@value #AUDIT_ACTION}
 * (target: the batch id), with its outcome.
 */
@RestController
class BulkPointsController {

  /** The query parameter naming the CSV separator. */
  static final String DELIMITER = "delimiter";
  /** The query parameter asking for validation only. */
  static final String DRY_RUN = "dryRun";
  /** The audit trail's name of this write (its arguments: the query parameters, Content-Type and the counts). */
  static final String AUDIT_ACTION = "uploadPoints";

  private final BulkUpsertService service;
  private final HttpCallers callers;
  private final IngestSettings settings;
  private final UploadPermits permits;
  private final AuditTrail audit;

  BulkPointsController(BulkUpsertService service, HttpCallers callers, IngestSettings settings,
      UploadPermits permits, AuditTrail audit) {
    this.audit = audit;
    this.service = service;
    this.callers = callers;
    this.settings = settings;
    this.permits = permits;
  }

  @PostMapping(path = "/bulk/points", produces = MediaType.APPLICATION_JSON_VALUE)
  Object upload(HttpServletRequest request,
      @RequestHeader(value = HttpHeaders.CONTENT_TYPE, required = false) String contentType,
      @RequestParam(name = BULKDATAPOINTSINPUT.BatchId, required = false) String batchId,
      @RequestParam(name = BULKDATAPOINTSINPUT.RunId, required = false) String runId,
      @RequestParam(name = BULKDATAPOINTSINPUT.Atomic, defaultValue = "false") boolean atomic,
      @RequestParam(name = BULKDATAPOINTSINPUT.ReleaseId, required = false) String releaseId,
      @RequestParam(name = DELIMITER, required = false) String delimiter,
      @RequestParam(name = DRY_RUN, defaultValue = "false") boolean dryRun) throws IOException {
    Caller caller = callers.require(request, Role.CRAWLER);
    checkParameters(request.getQueryString());
    if (dryRun) {
      return DryRunResult.of(receive(request, contentType, batchId, runId, atomic, releaseId, delimiter, true));
    }
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put(BULKDATAPOINTSINPUT.BatchId, batchId);
    arguments.put(BULKDATAPOINTSINPUT.RunId, runId);
    arguments.put(BULKDATAPOINTSINPUT.Atomic, atomic);
    arguments.put(BULKDATAPOINTSINPUT.ReleaseId, releaseId);
    arguments.put(HttpHeaders.CONTENT_TYPE, contentType);
    String requestId = request.getHeader(AuditInstrumentation.REQUEST_ID);
    BulkUpsertResult result;
    try {
      result = receive(request, contentType, batchId, runId, atomic, releaseId, delimiter, false);
    } catch (IOException | RuntimeException e) {
      audit.record(caller, AUDIT_ACTION, batchId, arguments, AuditTrail.outcome(e), requestId);
      throw e;
    }
    arguments.put(BULKUPSERTRESULT.Replayed, result.replayed());
    arguments.put(BULKUPSERTSUMMARY.TotalProcessed, result.summary().getTotalProcessed());
    arguments.put(BULKUPSERTSUMMARY.Successful, result.summary().getSuccessful());
    arguments.put(BULKUPSERTSUMMARY.Failed, result.summary().getFailed());
    audit.record(caller, AUDIT_ACTION, result.batchId(), arguments, AuditTrail.OK, requestId);
    return result;
  }

  /** The query parameters this endpoint reads. */
  private static final java.util.Set<String> PARAMETERS =
      java.util.Set.of(BULKDATAPOINTSINPUT.BatchId, BULKDATAPOINTSINPUT.RunId, BULKDATAPOINTSINPUT.Atomic,
          BULKDATAPOINTSINPUT.ReleaseId, DELIMITER, DRY_RUN);
  private static final java.util.Set<String> FLAGS = java.util.Set.of(BULKDATAPOINTSINPUT.Atomic, DRY_RUN);

  /**
   * Refuses a query parameter this endpoint does not read, one given twice, or a flag without a value: Spring
   * would ignore the first, take the first of the second and read the third as false, so {@code ?dryrun=true},
   * {@code ?dryRun} or {@code ?dryRun=} wrote for real what the client meant to validate.
   *
   * @throws AlmanacGraphQLException BAD_USER_INPUT (400) naming the parameter
   */
  static void checkParameters(String query) {
    if (query == null || query.isEmpty()) {
      return;
    }
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = decode(equals < 0 ? pair : pair.substring(0, equals));
      String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
      String shown = name.length() > 40 ? name.substring(0, 40) + "..." : name;
      if (!PARAMETERS.contains(name)) {
        throw AlmanacGraphQLException.badInput(shown, "Unknown parameter '" + shown + "'; /bulk/points reads "
            + "batchId, runId, atomic, releaseId, delimiter and dryRun");
      }
      if (seen.merge(name, 1, Integer::sum) > 1) {
        throw AlmanacGraphQLException.badInput(name, name + " is given more than once; give it once");
      }
      if (FLAGS.contains(name) && value.isBlank()) {
        throw AlmanacGraphQLException.badInput(name, name + " needs a value: true or false");
      }
    }
  }

  private static String decode(String text) {
    try {
      return java.net.URLDecoder.decode(text, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text;
    }
  }

  private BulkUpsertResult receive(HttpServletRequest request, String contentType, String batchId, String runId,
      boolean atomic, String releaseId, String delimiter, boolean dryRun) throws IOException {
    BulkPointsParser.Dialect dialect;
    try {
      dialect = BulkPointsParser.dialect(contentType, delimiter);
    } catch (BulkPointsParser.UnsupportedBody e) {
      ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNSUPPORTED_MEDIA_TYPE, e.getMessage());
      problem.setProperty("argument", HttpHeaders.CONTENT_TYPE);
      throw new ErrorResponseException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, problem, null);
    } catch (IllegalArgumentException e) {
      throw AlmanacGraphQLException.badInput(DELIMITER, e.getMessage());
    }
    try (UploadPermits.Permit permit = permits.forBody(request.getContentLengthLong())) {
      InputStream body = request.getInputStream();
      BulkPointsParser.Parsed parsed;
      try {
        parsed = BulkPointsParser.parse(dialect, body, settings.maxPoints());
      } catch (BulkPointsParser.UnreadableBody e) {
        throw AlmanacGraphQLException.badInput("body", e.getMessage());
      }
      if (parsed.more()) {
        body.transferTo(OutputStream.nullOutputStream());
      }
      BulkUpsertService.Upload upload = new BulkUpsertService.Upload(batchId, runId, atomic, parsed.points(),
          parsed.more(),
          releaseId);
      try {
        return dryRun ? service.dryRun(upload) : service.upload(upload);
      } catch (AlmanacGraphQLException e) {
        // The service names the mutation's argument; here releaseId is a query parameter.
        if (RELEASE_ID_INPUT.equals(e.extensions().get("argument"))) {
          Map<String, Object> extensions = new LinkedHashMap<>(e.extensions());
          extensions.put("argument", BULKDATAPOINTSINPUT.ReleaseId);
          throw new AlmanacGraphQLException(e.code(), e.getMessage(), extensions);
        }
        throw e;
      }
    }
  }

  private static final String RELEASE_ID_INPUT =
      MUTATION.BULKUPSERTDATAPOINTS_INPUT_ARGUMENT.Input + "." + BULKDATAPOINTSINPUT.ReleaseId;

  /** A dry run's answer: an upload's result (its JSON fields) and {@code dryRun: true}. */
  record DryRunResult(String batchId, BatchStatus status, boolean replayed, BulkUpsertSummary summary,
      List<PointError> errors, boolean dryRun) {
    static DryRunResult of(BulkUpsertResult r) {
      return new DryRunResult(r.batchId(), r.status(), r.replayed(), r.summary(), r.errors(), true);
    }
  }
}
