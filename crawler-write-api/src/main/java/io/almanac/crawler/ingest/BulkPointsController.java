package io.almanac.crawler.ingest;

import io.almanac.crawler.generated.DgsConstants.BULKDATAPOINTSINPUT;
import io.almanac.crawler.generated.DgsConstants.BULKUPSERTRESULT;
import io.almanac.crawler.generated.DgsConstants.BULKUPSERTSUMMARY;
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
 * {@code POST /bulk/points?batchId=&runId=&atomic=&releaseId=&delimiter=}: the bulk upload for large batches, as
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
 * <p>Each upload by an authenticated caller is recorded in the audit trail as {@value #AUDIT_ACTION}
 * (target: the batch id), with its outcome.
 */
@RestController
class BulkPointsController {

  /** The query parameter naming the CSV separator. */
  static final String DELIMITER = "delimiter";
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
  BulkUpsertResult upload(HttpServletRequest request,
      @RequestHeader(value = HttpHeaders.CONTENT_TYPE, required = false) String contentType,
      @RequestParam(name = BULKDATAPOINTSINPUT.BatchId, required = false) String batchId,
      @RequestParam(name = BULKDATAPOINTSINPUT.RunId, required = false) String runId,
      @RequestParam(name = BULKDATAPOINTSINPUT.Atomic, defaultValue = "false") boolean atomic,
      @RequestParam(name = BULKDATAPOINTSINPUT.ReleaseId, required = false) String releaseId,
      @RequestParam(name = DELIMITER, required = false) String delimiter) throws IOException {
    Caller caller = callers.require(request, Role.CRAWLER);
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put(BULKDATAPOINTSINPUT.BatchId, batchId);
    arguments.put(BULKDATAPOINTSINPUT.RunId, runId);
    arguments.put(BULKDATAPOINTSINPUT.Atomic, atomic);
    arguments.put(BULKDATAPOINTSINPUT.ReleaseId, releaseId);
    arguments.put(HttpHeaders.CONTENT_TYPE, contentType);
    String requestId = request.getHeader(AuditInstrumentation.REQUEST_ID);
    BulkUpsertResult result;
    try {
      result = receive(request, contentType, batchId, runId, atomic, releaseId, delimiter);
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

  private BulkUpsertResult receive(HttpServletRequest request, String contentType, String batchId, String runId,
      boolean atomic, String releaseId, String delimiter) throws IOException {
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
      return service.upload(new BulkUpsertService.Upload(batchId, runId, atomic, parsed.points(), parsed.more(),
          releaseId));
    }
  }
}
