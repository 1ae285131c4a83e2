package io.almanac.crawler.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.sql.DriverManager;
import java.util.Properties;
import jakarta.annotation.PreDestroy;
import io.almanac.graphql.db.DatabaseGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.stereotype.Component;

/**
 * Who is writing which batch, across every crawler-write-api process on the database. A claim is a
 * PostgreSQL session advisory lock on the batch id, held by this process's lock session (one
 * connection of its own, outside the pool, so that closing it really ends the session): when the
 * process dies, PostgreSQL closes the session and the claim is gone with it, so a retry can take over;
 * while the process lives (even paused), it holds.
 * Within the process a set of ids in flight keeps two requests apart (a session's advisory locks are
 * re-entrant).
 *
 * <p>If the lock session itself is lost (the database restarted, the network broke), every claim it
 * held is lost with it: {@link Claim#held} says so, and uploads check it before committing.
 */
@Component
class BatchClaims {

  private static final Logger log = LoggerFactory.getLogger(BatchClaims.class);
  private static final int VALID_CHECK_SECONDS = 2;

  private final String url;
  private final Properties credentials = new Properties();
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final DatabaseGate gate;
  /** Guarded by {@code this}. */
  private Connection session;
  /** Increases each time the lock session is replaced: claims of an older one are lost. Guarded by {@code this}. */
  private long generation;

  BatchClaims(@Value("${spring.datasource.url}") String url,
      @Value("${spring.datasource.username:}") String user,
      @Value("${spring.datasource.password:}") String password, DatabaseGate gate) {
    this.url = url;
    this.gate = gate;
    credentials.setProperty("user", user);
    credentials.setProperty("password", password);
    // A stopped or stalled server must not hang uploads on the claim session (whose monitor they
    // share): bounded connect, login and reads (seconds), as the pool's connections have; the
    // SQLException is then answered UNAVAILABLE.
    credentials.setProperty("connectTimeout", "3");
    credentials.setProperty("loginTimeout", "3");
    credentials.setProperty("socketTimeout", "5");
    credentials.setProperty("tcpKeepAlive", "true");
  }

  /** A claim of one batch id; closing it releases it. */
  final class Claim implements AutoCloseable {
    private final String batchId;
    private final long claimedIn;
    private boolean released;

    private Claim(String batchId, long claimedIn) {
      this.batchId = batchId;
      this.claimedIn = claimedIn;
    }

    /** True while the lock session that took this claim is alive (checked with the database). */
    boolean held() {
      synchronized (BatchClaims.this) {
        if (released || generation != claimedIn || session == null) {
          return false;
        }
        try {
          if (session.isValid(VALID_CHECK_SECONDS)) {
            return true;
          }
        } catch (SQLException e) {
          // invalid either way
        }
        dropSession();
        return false;
      }
    }

    @Override
    public void close() {
      synchronized (BatchClaims.this) {
        if (released) {
          return;
        }
        released = true;
        if (generation == claimedIn && session != null) {
          try (PreparedStatement unlock = session.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            unlock.setLong(1, key(batchId));
            unlock.execute();
          } catch (SQLException e) {
            // The session is broken, so its locks are gone with it.
            log.warn("Releasing the claim of batch {} failed: {}", batchId, e.toString());
            dropSession();
          }
        }
      }
      inFlight.remove(batchId);
    }
  }

  /**
   * Claims {@code batchId}; empty when a request of this or another live process holds it.
   *
   * @throws DataAccessResourceFailureException when the database cannot be reached, at once while the
   *     {@link DatabaseGate} is closed (a failure here trips it)
   */
  Optional<Claim> tryClaim(String batchId) {
    if (!inFlight.add(batchId)) {
      return Optional.empty();
    }
    try {
      synchronized (this) {
        try {
          gate.check();
        } catch (SQLException closed) {
          throw new DataAccessResourceFailureException("Claiming batch " + batchId + " refused: "
              + closed.getMessage(), closed);
        }
        Connection connection = session();
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
          lock.setLong(1, key(batchId));
          try (ResultSet result = lock.executeQuery()) {
            if (result.next() && result.getBoolean(1)) {
              return Optional.of(new Claim(batchId, generation));
            }
          }
        } catch (SQLException e) {
          dropSession();
          gate.observe(e);
          throw new DataAccessResourceFailureException("Claiming batch " + batchId + " failed: " + e.getMessage(), e);
        }
      }
    } catch (RuntimeException e) {
      inFlight.remove(batchId);
      throw e;
    }
    inFlight.remove(batchId);
    return Optional.empty();
  }

  private Connection session() {
    if (session == null) {
      try {
        session = DriverManager.getConnection(url, credentials);
        session.setAutoCommit(true);
        generation++;
      } catch (SQLException e) {
        gate.observe(e);
        throw new DataAccessResourceFailureException("No database session for batch claims: " + e.getMessage(), e);
      }
    }
    return session;
  }

  private void dropSession() {
    if (session != null) {
      try {
        session.close();
      } catch (SQLException ignored) {
        // already broken
      }
      session = null;
    }
  }

  /** 64 bits of the id's SHA-256: advisory locks take a bigint, and a collision is as likely as a UUID's. */
  static long key(String batchId) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(batchId.getBytes(StandardCharsets.UTF_8));
      long key = 0;
      for (int i = 0; i < 8; i++) {
        key = (key << 8) | (digest[i] & 0xff);
      }
      return key;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  @PreDestroy
  synchronized void close() {
    dropSession();
  }
}
