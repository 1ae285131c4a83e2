package io.almanac.graphql.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.almanac.graphql.DependencyFailures;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate against a real PostgreSQL that is paused (SIGSTOP: connections accepted, nothing answered), through a
 * real HikariCP pool and jOOQ: the first statement waits out its socket timeout and trips the gate, every later
 * one is refused by the gate without reaching the pool, and once the server answers again a probe reopens it.
 */
class DatabaseGateTest {

  @TempDir
  Path data;
  private EmbeddedPostgres postgres;
  private HikariDataSource pool;
  private DatabaseGate gate;
  private final List<Long> paused = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    postgres = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).start();
  }

  @AfterEach
  void stop() throws IOException {
    resume();
    if (gate != null) {
      gate.close();
    }
    if (pool != null) {
      pool.close();
    }
    postgres.close();
  }

  private DSLContext gated(String options) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
    config.setUsername("postgres");
    config.setMaximumPoolSize(2);
    config.setConnectionTimeout(1000);
    config.setValidationTimeout(250);
    config.addDataSourceProperty("connectTimeout", "2");
    config.addDataSourceProperty("loginTimeout", "2");
    config.addDataSourceProperty("socketTimeout", "2");
    if (options != null) {
      config.addDataSourceProperty("options", options);
    }
    pool = new HikariDataSource(config);
    gate = new DatabaseGate();
    gate.attach(pool);
    return DSL.using(new DefaultConfiguration().set(new GatedDataSource(pool, gate)).set(SQLDialect.POSTGRES)
        .set(DatabaseGateConfiguration.listener(gate)));
  }

  @Test
  void aStalledDatabaseTripsTheGateAndLaterWorkIsRefusedByTheGateUntilAProbeFindsItBack() throws Exception {
    DSLContext db = gated(null);
    assertThat(db.fetchValue("select 41 + 1")).isEqualTo(42);
    assertThat(gate.isOpen()).isTrue();

    pause();
    Throwable first = catchThrowable(() -> db.fetchValue("select 1"));
    assertThat(first).as("the first statement on the stalled server").isNotNull();
    assertThat(DependencyFailures.isConnectionLost(first)).as(first.toString()).isTrue();
    assertThat(gate.isOpen()).as("tripped by the first failure").isFalse();

    for (int i = 0; i < 5; i++) {
      Throwable later = catchThrowable(() -> db.fetchValue("select 1"));
      SQLException refusal = sqlCause(later);
      assertThat(refusal != null).as("refused by the gate: " + later).isTrue();
      assertThat(refusal.getSQLState()).isEqualTo("08001");
      assertThat(refusal.getMessage()).contains("has not answered since", "refused at once");
      assertThat(DependencyFailures.isDependencyDown(later)).isTrue();
    }
    assertThat(gate.isOpen()).isFalse();

    resume();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!gate.isOpen() && System.nanoTime() < deadline) {
      Thread.sleep(50); // the poll interval of a condition with a deadline
    }
    assertThat(gate.isOpen()).as("reopened by a probe once the server answers").isTrue();
    assertThat(db.fetchValue("select 6 * 7")).isEqualTo(42);
  }

  @Test
  void aStatementTheServerCancelledDoesNotTripTheGate() {
    DSLContext db = gated("-c statement_timeout=50");
    Throwable cancelled = catchThrowable(() -> db.fetchValue("select pg_sleep(2)"));
    assertThat(DependencyFailures.isDependencyDown(cancelled)).as(String.valueOf(cancelled)).isTrue();
    assertThat(DependencyFailures.isConnectionLost(cancelled)).isFalse();
    assertThat(gate.isOpen()).isTrue();
    assertThat(db.fetchValue("select 1")).isEqualTo(1);
  }

  private static SQLException sqlCause(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && "08001".equals(sql.getSQLState())) {
        return sql;
      }
    }
    return null;
  }

  /** SIGSTOP to the postmaster and every backend, as a stalled server. */
  private void pause() throws Exception {
    long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
    ProcessHandle handle = ProcessHandle.of(postmaster).orElseThrow();
    signal("STOP", postmaster);
    paused.add(postmaster);
    for (ProcessHandle child : handle.descendants().toList()) {
      signal("STOP", child.pid());
      paused.add(child.pid());
    }
  }

  private void resume() {
    for (int i = paused.size() - 1; i >= 0; i--) {
      try {
        signal("CONT", paused.get(i));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    paused.clear();
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor()).as("kill -" + signal + " " + pid).isZero();
  }
}
