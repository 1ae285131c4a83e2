package io.almanac.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A PostgreSQL advisory lock (on the catalog's database) that table maintenance holds shared for each
 * run and a backup holds exclusively while it copies files: maintenance is what deletes files a catalog
 * snapshot references (snapshot expiry, orphan removal), so no file of the backed-up snapshot is deleted
 * until the backup has copied it. Session-level: released by the calls below or when the connection
 * closes (a crashed backup releases it).
 */
public final class MaintenanceLock {

  /** The lock's key ("AlmMaint"); one per database. */
  public static final long KEY = 0x416C6D4D61696E74L;

  private MaintenanceLock() {}

  /** Takes the lock shared unless a backup holds it; true when taken. */
  public static boolean tryShared(Connection connection) throws SQLException {
    return queryBoolean(connection, "SELECT pg_try_advisory_lock_shared(?)");
  }

  public static void releaseShared(Connection connection) throws SQLException {
    queryBoolean(connection, "SELECT pg_advisory_unlock_shared(?)");
  }

  /**
   * Takes the lock exclusively, waiting up to {@code wait} for running maintenance to finish.
   *
   * @throws SQLException (lock_not_available) when maintenance still runs after {@code wait}
   */
  public static void acquireExclusive(Connection connection, Duration wait) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET lock_timeout = " + Math.max(1, wait.toMillis()));
    }
    try (PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_lock(?)")) {
      statement.setLong(1, KEY);
      statement.execute();
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute("RESET lock_timeout");
    }
  }

  public static void releaseExclusive(Connection connection) throws SQLException {
    queryBoolean(connection, "SELECT pg_advisory_unlock(?)");
  }

  private static boolean queryBoolean(Connection connection, String sql) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setLong(1, KEY);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getBoolean(1);
      }
    }
  }
}
