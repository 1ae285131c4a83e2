package io.almanac.graphql;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Tells a dependency that is down or too slow (PostgreSQL stopped, paused or restarting, seen through the
 * connection pool, jOOQ, Spring's JDBC or the Iceberg JDBC catalog, whichever wraps it) from a fault of
 * Almanac's own, so both error mappers answer the first with {@link ErrorCode#UNAVAILABLE} (HTTP 503 with
 * {@code Retry-After}) rather than {@code INTERNAL}.
 */
public final class DependencyFailures {

  /** Seconds a client is asked to wait before retrying: about the pool's wait, so a retry can find it back. */
  static final long RETRY_AFTER_SECONDS = 5;

  private DependencyFailures() {}

  /**
   * True when {@code failure} or any of its causes says the database could not be reached or did not
   * answer in time: a pool wait that timed out ({@link SQLTransientConnectionException}, HikariCP's), a
   * refused or broken connection, a socket read or login timeout, a statement cancelled by
   * {@code statement_timeout}, or a server shutting down or starting up (SQLSTATE classes 08, 57P0x,
   * and 57014).
   */
  public static boolean isDependencyDown(Throwable failure) {
    return matches(failure, true);
  }

  /**
   * True when {@code failure} or any of its causes says the database could not be reached at all: a pool
   * wait that timed out, a refused, broken or timed-out connection (SQLSTATE class 08), or a server
   * shutting down or starting up (57P0x). Unlike {@link #isDependencyDown}, a statement the server itself
   * cancelled ({@code statement_timeout}, 57014) is not: that server answered. This is what trips the
   * {@link io.almanac.graphql.db.DatabaseGate}.
   */
  public static boolean isConnectionLost(Throwable failure) {
    return matches(failure, false);
  }

  private static boolean matches(Throwable failure, boolean slowStatements) {
    Set<Throwable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
          || t instanceof ConnectException || t instanceof NoRouteToHostException
          || t instanceof SocketTimeoutException) {
        return true;
      }
      if (slowStatements && t instanceof SQLTimeoutException) {
        return true;
      }
      if (t instanceof SQLException sql && unavailableState(sql.getSQLState(), slowStatements)) {
        return true;
      }
    }
    return false;
  }

  private static boolean unavailableState(String state, boolean slowStatements) {
    if (state == null) {
      return false;
    }
    // 08: connection exceptions; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now;
    // 57014: query cancelled (statement_timeout).
    return state.startsWith("08") || state.startsWith("57P0") || (slowStatements && state.equals("57014"));
  }

  /** What the client sees: {@code UNAVAILABLE}, naming the database, never the SQL or the driver's message. */
  static AlmanacGraphQLException refusal() {
    return new AlmanacGraphQLException(ErrorCode.UNAVAILABLE,
        "The database is unavailable (it did not answer in time); retry later",
        Map.of(AlmanacGraphQLException.RETRY_AFTER, RETRY_AFTER_SECONDS));
  }

  /** The innermost cause, for a one-line log message without the stack trace. */
  public static String rootCause(Throwable failure) {
    Set<Throwable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    Throwable root = failure;
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      root = t;
    }
    return root.toString();
  }
}
