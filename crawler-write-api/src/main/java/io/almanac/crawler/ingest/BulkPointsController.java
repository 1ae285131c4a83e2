package io.almanac.crawler.ingest;

import io.almanac.crawler.generated.DgsConstants.BULKDATAPOINTSINPUT;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.auth.HttpCallers;
import io.almanac.graphql.auth.Role;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /bulk/points?batchId=&runId=&atomic=}: the bulk upload for large batches, as NDJSON,
 * CSV or an Arrow IPC stream, with the semantics and result of {@code bulkUpsertDataPoints} (the
 * result's JSON is the mutation's). Callers need a CRAWLER or ADMIN key ({@link HttpCallers}); refusals
 * are answered by {@link io.almanac.graphql.HttpErrorHandler} with the GraphQL error shape and code.
 */
@RestController
class BulkPointsController {

  private final BulkUpsertService service;
  private final HttpCallers callers;

  BulkPointsController(BulkUpsertService service, HttpCallers callers) {
    this.service = service;
    this.callers = callers;
  }

  @PostMapping(path = "/bulk/points", produces = MediaType.APPLICATION_JSON_VALUE)
  BulkUpsertResult upload(HttpServletRequest request,
      @RequestHeader(value = HttpHeaders.CONTENT_TYPE, required = false) String contentType,
      @RequestParam(name = BULKDATAPOINTSINPUT.BatchId, required = false) String batchId,
      @RequestParam(name = BULKDATAPOINTSINPUT.RunId, required = false) String runId,
      @RequestParam(name = BULKDATAPOINTSINPUT.Atomic, defaultValue = "false") boolean atomic,
      InputStream body) {
    callers.require(request, Role.CRAWLER);
    List<ReceivedPoint> points;
    try {
      points = BulkPointsParser.parse(contentType, body);
    } catch (IllegalArgumentException e) {
      throw AlmanacGraphQLException.badInput(HttpHeaders.CONTENT_TYPE, e.getMessage());
    } catch (IOException | RuntimeException e) {
      throw AlmanacGraphQLException.badInput("body",
          "The body is not a readable " + contentType + " stream: " + e.getMessage());
    }
    return service.upload(new BulkUpsertService.Upload(batchId, runId, atomic, points));
  }
}
