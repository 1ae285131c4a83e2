package io.almanac.graphql.audit;

import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.DependencyFailures;
import io.almanac.graphql.ErrorCode;
import io.almanac.graphql.auth.Caller;
import io.almanac.graphql.http.BodyTooLargeException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one way an entry reaches the audit trail: {@link AuditInstrumentation} calls it for every GraphQL
 * mutation, HTTP writes ({@code /bulk/points}) call it themselves. Writing happens after the change
 * completed, on the request's thread (so the entry is readable when the response arrives); a failure to
 * write is logged at ERROR and never turns the change's answer into an error: the change happened, and
 * refusing to say so would make a client retry it.
 *
 * <p>Callers without identity (no or an invalid key: refused before anything changes) are not recorded:
 * an entry needs an actor.
 */
@Component
public class AuditTrail {

  /** The outcome of a change that succeeded. */
  public static final String OK = "OK";

  private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final AuditEntries entries;
  private final String subgraph;

  public AuditTrail(AuditEntries entries, @Value("${spring.application.name:unknown}") String subgraph) {
    this.entries = entries;
    this.subgraph = subgraph;
  }

  /**
   * Records one change.
   *
   * @param action the mutation's field name or the HTTP write's name
   * @param target what it acted on (an id, a batch id), or null
   * @param arguments as received: redacted and shortened here ({@link AuditArguments}); null for none
   * @param outcome {@link #OK} or an error code ({@link #outcome(Throwable)})
   * @param requestId the request's {@code X-Request-Id}, or null
   */
  public void record(Caller caller, String action, String target, Map<String, ?> arguments, String outcome,
      String requestId) {
    if (caller == null || caller.isAnonymous() || (caller.userId() == null && caller.subject() == null)) {
      return;
    }
    if (ErrorCode.LIMIT_EXCEEDED.name().equals(outcome)) {
      return; // refused before changing anything; a client flooding past its rate limit would flood the trail
    }
    try {
      String json = arguments == null ? null : JSON.writeValueAsString(AuditArguments.redact(arguments));
      entries.insert(caller.userId(), caller.userId() == null ? AuditArguments.storable(caller.subject()) : null,
          caller.keyId(), action, AuditArguments.storable(target), json, outcome, subgraph,
          AuditArguments.storable(requestId));
    } catch (RuntimeException e) {
      log.error("Audit entry not written: {} by user {} on {} (answered {}); the request's own outcome is unaffected", action,
          caller.userId(), target, outcome, e);
    }
  }

  /** {@link #OK} for no failure, else the error code the caller is answered with. */
  public static String outcome(Throwable failure) {
    if (failure == null) {
      return OK;
    }
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof AlmanacGraphQLException refusal) {
      return refusal.code().name();
    }
    // The HTTP endpoints' refusals, coded as HttpErrorHandler answers them.
    for (Throwable c = cause; c != null; c = c.getCause()) {
      if (c instanceof BodyTooLargeException) {
        return ErrorCode.LIMIT_EXCEEDED.name();
      }
    }
    if (cause instanceof ErrorResponse refused && refused.getStatusCode().is4xxClientError()) {
      return ErrorCode.forHttpStatus(refused.getStatusCode().value()).name();
    }
    return (DependencyFailures.isDependencyDown(cause) ? ErrorCode.UNAVAILABLE : ErrorCode.INTERNAL).name();
  }
}
