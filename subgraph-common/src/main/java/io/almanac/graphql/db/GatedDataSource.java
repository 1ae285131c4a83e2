package io.almanac.graphql.db;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The application's pool behind a {@link DatabaseGate}: a connection is refused at once while the gate is
 * closed, and a pool wait that fails trips it. Everything else is the pool's (Spring Boot's health and metrics
 * unwrap a {@link DelegatingDataSource}).
 */
public final class GatedDataSource extends DelegatingDataSource {

  private final DatabaseGate gate;

  public GatedDataSource(DataSource pool, DatabaseGate gate) {
    super(pool);
    this.gate = gate;
  }

  @Override
  public Connection getConnection() throws SQLException {
    gate.check();
    try {
      return super.getConnection();
    } catch (SQLException e) {
      gate.observe(e);
      throw e;
    }
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    gate.check();
    try {
      return super.getConnection(username, password);
    } catch (SQLException e) {
      gate.observe(e);
      throw e;
    }
  }
}
