package io.almanac.graphql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Properties;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which failures are "the database is down or too slow" (UNAVAILABLE) and which are not, on exceptions
 * raised by the real pool, driver and jOOQ against a real PostgreSQL and a port nothing listens on.
 */
class DependencyFailuresTest {

  private static EmbeddedPostgres postgres;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  /** What jOOQ throws when the pool cannot hand out a connection within its wait (no server at all). */
  private static Throwable poolWaitTimedOut() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + port + "/postgres");
    config.setUsername("postgres");
    config.setConnectionTimeout(250);
    config.setInitializationFailTimeout(-1);
    try (HikariDataSource pool = new HikariDataSource(config)) {
      return catchThrowable(() -> DSL.using(pool, SQLDialect.POSTGRES).fetch("select 1"));
    }
  }

  private static Throwable failureOf(String sql, Properties properties) throws Exception {
    properties.setProperty("user", "postgres");
    try (Connection connection = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"), properties);
        Statement statement = connection.createStatement()) {
      return catchThrowable(() -> statement.execute(sql));
    }
  }

  @Test
  void aPoolWaitThatTimedOutIsTheDatabaseBeingDown() throws Exception {
    Throwable failure = poolWaitTimedOut();
    assertThat(failure).isInstanceOf(org.jooq.exception.DataAccessException.class);
    assertThat(DependencyFailures.isDependencyDown(failure)).isTrue();
  }

  @Test
  void aStatementTimeoutAndASocketReadTimeoutAreTheDatabaseBeingTooSlow() throws Exception {
    Properties statementTimeout = new Properties();
    statementTimeout.setProperty("options", "-c statement_timeout=50");
    Throwable cancelled = failureOf("select pg_sleep(2)", statementTimeout);
    assertThat(cancelled).isInstanceOf(java.sql.SQLException.class);
    assertThat(((java.sql.SQLException) cancelled).getSQLState()).isEqualTo("57014");
    assertThat(DependencyFailures.isDependencyDown(cancelled)).isTrue();

    Properties socketTimeout = new Properties();
    socketTimeout.setProperty("socketTimeout", "1");
    Throwable readTimedOut = failureOf("select pg_sleep(3)", socketTimeout);
    assertThat(readTimedOut).isInstanceOf(java.sql.SQLException.class);
    assertThat(DependencyFailures.isDependencyDown(readTimedOut)).isTrue();
  }

  @Test
  void statementsTheDatabaseRefusesAreNotUnavailability() throws Exception {
    Throwable syntax = failureOf("selec 1", new Properties());
    assertThat(syntax).isInstanceOf(java.sql.SQLException.class);
    assertThat(DependencyFailures.isDependencyDown(syntax)).isFalse();

    Throwable division = failureOf("select 1/0", new Properties());
    assertThat(division).isInstanceOf(java.sql.SQLException.class);
    assertThat(DependencyFailures.isDependencyDown(division)).isFalse();

    assertThat(DependencyFailures.isDependencyDown(new IllegalStateException("no cause"))).isFalse();
  }

  @RestController
  static class Endpoints {
    private final Throwable failure;

    Endpoints(Throwable failure) {
      this.failure = failure;
    }

    @GetMapping("/db")
    String db() throws Throwable {
      throw failure;
    }
  }

  @Test
  void overHttpTheDatabaseBeingDownIs503WithRetryAfterAndNoDriverText() throws Exception {
    Throwable failure = poolWaitTimedOut();
    MockMvc mvc = MockMvcBuilders.standaloneSetup(new Endpoints(failure))
        .setControllerAdvice(new HttpErrorHandler()).build();
    MockHttpServletResponse response = mvc.perform(get("/db")).andReturn().getResponse();

    assertThat(response.getStatus()).isEqualTo(503);
    assertThat(response.getHeader("Retry-After")).isEqualTo("5");
    String body = response.getContentAsString();
    assertThat(body).doesNotContain("select", "Hikari", "Exception", "127.0.0.1");
    JsonNode error = JsonMapper.builder().build().readTree(body).path("errors").get(0);
    assertThat(error.path("extensions").path("code").asString()).isEqualTo("UNAVAILABLE");
    assertThat(error.path("extensions").path("retryAfter").asLong()).isEqualTo(5);
    assertThat(error.path("message").asString()).contains("database");
  }
}
