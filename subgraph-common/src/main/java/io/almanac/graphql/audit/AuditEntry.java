package io.almanac.graphql.audit;

import java.time.OffsetDateTime;

/**
 * One entry of the audit trail, as read back.
 *
 * @param id increasing in the order entries were written
 * @param at when the mutation completed
 * @param actorId the user of the caller's key or token (decimal), or, for a signed-in caller not linked to a
 *     user, {@link #SUBJECT_PREFIX} and the token's subject
 * @param action the mutation's field name ({@code createProvider}), or the HTTP write's name ({@code uploadPoints})
 * @param target what it acted on (an id or batch id), or null
 * @param arguments the arguments as JSON text (see {@link AuditArguments}), or null
 * @param outcome {@code OK} or the error code the caller got
 * @param subgraph the application that performed it
 * @param requestId the request's {@code X-Request-Id}, or null
 */
public record AuditEntry(long id, OffsetDateTime at, String actorId, String action, String target, String arguments,
    String outcome, String subgraph, String requestId) {

  /** How an actor that is a token subject without a user is named: {@code subject:<sub>}. */
  public static final String SUBJECT_PREFIX = "subject:";
}
