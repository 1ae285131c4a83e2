package io.almanac.graphql.observability;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The correlation id of a request: header {@value #HEADER}, MDC key {@value #MDC_KEY}. The gateway creates
 * one per client request (or passes the client's on) and sends it to every subgraph it asks; a subgraph
 * called directly creates its own. An id is accepted only as 1 to {@value #MAX_LENGTH} characters of
 * {@code A-Z a-z 0-9 . _ : -} (a UUID, a trace id, a crawler's run tag): anything else (a newline that would
 * forge a log line, a huge value, other characters) is replaced by a new UUID, never cut or escaped.
 */
public final class CorrelationIds {

  public static final String HEADER = "X-Correlation-Id";
  public static final String MDC_KEY = "correlationId";
  public static final int MAX_LENGTH = 64;

  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_LENGTH + "}");

  private CorrelationIds() {}

  /** {@code sent} when it is an acceptable id, else a new random UUID. */
  public static String acceptOrCreate(String sent) {
    return isAcceptable(sent) ? sent : UUID.randomUUID().toString();
  }

  public static boolean isAcceptable(String sent) {
    return sent != null && SAFE.matcher(sent).matches();
  }
}
