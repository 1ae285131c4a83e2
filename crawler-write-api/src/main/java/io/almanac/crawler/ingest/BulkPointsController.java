package io.almanac.crawler.ingest;

import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import io.almanac.graphql.auth.Caller;
import io.almanac.graphql.auth.CallerAuthenticator;
import io.almanac.graphql.auth.Role;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /bulk/points?batchId=&runId=&atomic=}: the bulk upload for large batches, as NDJSON,
 * CSV or an Arrow IPC stream, with the semantics and result of {@code bulkUpsertDataPoints} (the
 * result's JSON is the mutation's). Refusals answer with the GraphQL error shape and code.
 */
@RestController
class BulkPointsController {

  private final BulkUpsertService service;
  private final CallerAuthenticator authenticator;

  BulkPointsController(BulkUpsertService service, CallerAuthenticator authenticator) {
    this.service = service;
    this.authenticator = authenticator;
  }

  @PostMapping(path = "/bulk/points", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Object> upload(
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @RequestHeader(value = HttpHeaders.CONTENT_TYPE, required = false) String contentType,
      @RequestParam(required = false) String batchId,
      @RequestParam(required = false) String runId,
      @RequestParam(defaultValue = "false") boolean atomic,
      InputStream body) throws IOException {
    try {
      Caller caller = authenticator.authenticate(authorization);
      if (caller.isAnonymous()) {
        throw new AlmanacGraphQLException(ErrorCode.UNAUTHENTICATED, "Send 'Authorization: Bearer <api key>' to upload");
      }
      if (!caller.has(Role.CRAWLER)) {
        throw new AlmanacGraphQLException(ErrorCode.FORBIDDEN, "Uploads need a CRAWLER or ADMIN key; this key has " + caller.role());
      }
      List<Map<String, Object>> points;
      try {
        points = BulkPointsParser.parse(contentType, body);
      } catch (IllegalArgumentException e) {
        throw new AlmanacGraphQLException(ErrorCode.BAD_USER_INPUT, e.getMessage(), Map.of("argument", "Content-Type"));
      } catch (IOException | RuntimeException e) {
        throw new AlmanacGraphQLException(ErrorCode.BAD_USER_INPUT,
            "The body is not a readable " + contentType + " stream: " + e.getMessage(), Map.of("argument", "body"));
      }
      return ResponseEntity.ok(service.upload(new BulkUpsertService.Upload(batchId, runId, atomic, points)));
    } catch (AlmanacGraphQLException e) {
      HttpStatus status = switch (e.code()) {
        case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
        case FORBIDDEN -> HttpStatus.FORBIDDEN;
        case CONFLICT -> HttpStatus.CONFLICT;
        case LIMIT_EXCEEDED -> HttpStatus.PAYLOAD_TOO_LARGE;
        default -> HttpStatus.BAD_REQUEST;
      };
      return ResponseEntity.status(status)
          .body(Map.of("errors", List.of(Map.of("message", e.getMessage(), "extensions", e.extensions()))));
    }
  }
}
