package io.almanac.graphql.db;

import io.almanac.graphql.DependencyFailures;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once this process has found PostgreSQL unreachable, database work fails at once instead of each step
 * waiting out its own timeout, until a probe reaches the database again.
 *
 * <p>Why: a stalled server (paused, or a network that drops packets) accepts TCP connections and answers
 * nothing, so every step of a request that touches it waits for a timeout of its own: the pool's wait (2 s),
 * a socket read (5 s), a login (3 s). An upload touches the database up to three times before it can answer
 * (the caller's key, the batch claim, the audit entry), and those waits added up past the gateway's 10 s
 * subgraph timeout. With the gate, the first step that finds the database gone trips it, and every later
 * step, of this request or any other, is refused at once with a {@link SQLTransientConnectionException}
 * (SQLSTATE 08001), which the error mappers answer {@code UNAVAILABLE} with {@code Retry-After}, as they
 * answer the pool's own timeout.
 *
 * <p>What trips it: a failure {@link DependencyFailures#isConnectionLost} calls a lost connection (a pool
 * wait that timed out, a broken or timed-out connection, a server shutting down), seen by
 * {@link GatedDataSource} (the pool), by jOOQ (every statement) or reported by code with connections of its
 * own. A statement the server cancelled ({@code statement_timeout}) does not: that server answered.
 *
 * <p>How it reopens: while tripped, a probe borrows a connection from the pool itself (bypassing the gate)
 * every {@link #PROBE_INTERVAL} and checks it; the first that succeeds reopens the gate. A pool wait that
 * timed out only because every connection was busy (the database healthy) is reopened by the first probe,
 * started at once. Each trip and each reopening is logged once.
 */
public final class DatabaseGate implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DatabaseGate.class);
  static final Duration PROBE_INTERVAL = Duration.ofMillis(500);
  private static final int PROBE_VALID_SECONDS = 2;

  /** Why and since when the gate is closed; null while the database answers. */
  private record Outage(Instant since, String cause) {}

  private volatile Outage outage;
  /** The pool, ungated; null until {@link #attach} (the gate never trips without a way to probe). */
  private volatile DataSource pool;
  private final ScheduledExecutorService prober = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "database-gate-probe");
    thread.setDaemon(true);
    return thread;
  });
  /** Guarded by {@code this}. */
  private ScheduledFuture<?> probing;

  /** The pool the probe borrows from, directly (not through {@link GatedDataSource}). */
  public void attach(DataSource pool) {
    this.pool = pool;
  }

  /** True while the database is taken to answer. */
  public boolean isOpen() {
    return outage == null;
  }

  /**
   * Returns at once while the database is taken to answer (a volatile read).
   *
   * @throws SQLTransientConnectionException SQLSTATE 08001, when this process found the database unreachable
   *     and no probe has reached it since; the message says since when and why
   */
  public void check() throws SQLTransientConnectionException {
    Outage current = outage;
    if (current != null) {
      throw new SQLTransientConnectionException("The database has not answered since " + current.since() + " ("
          + current.cause() + "); refused at once until it answers again", "08001");
    }
  }

  /** Trips the gate when {@code failure} says the connection to the database was lost; else does nothing. */
  public void observe(Throwable failure) {
    if (failure != null && pool != null && DependencyFailures.isConnectionLost(failure)) {
      trip(DependencyFailures.rootCause(failure));
    }
  }

  private synchronized void trip(String cause) {
    if (outage != null || prober.isShutdown()) {
      return;
    }
    outage = new Outage(Instant.now(), cause);
    log.warn("The database did not answer ({}); database work is refused at once with UNAVAILABLE until a probe"
        + " (every {} ms) reaches it", cause, PROBE_INTERVAL.toMillis());
    probing = prober.scheduleWithFixedDelay(this::probe, 0, PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void probe() {
    boolean answered;
    try (Connection connection = pool.getConnection()) {
      answered = connection.isValid(PROBE_VALID_SECONDS);
    } catch (SQLException | RuntimeException e) {
      answered = false;
    }
    if (answered) {
      reopen();
    }
  }

  private synchronized void reopen() {
    Outage ended = outage;
    if (ended == null) {
      return;
    }
    outage = null;
    if (probing != null) {
      probing.cancel(false);
      probing = null;
    }
    log.info("The database answers again, {} ms after it was found unreachable; the gate is open",
        Duration.between(ended.since(), Instant.now()).toMillis());
  }

  @Override
  public void close() {
    prober.shutdownNow();
  }
}
