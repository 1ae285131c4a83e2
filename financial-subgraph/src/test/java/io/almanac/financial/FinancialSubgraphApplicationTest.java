package io.almanac.financial;

import static org.assertj.core.api.Assertions.assertThat;

import graphql.ExecutionResult;
import io.almanac.graphql.DocumentCache;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.apache.catalina.connector.Connector;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * How the application serves every operation: its read gate (the AuthPolicy it declares), the parsed-document cache,
 * the request timer per operation, and the correlation id on the storage readers' threads.
 */
class FinancialSubgraphApplicationTest extends FinancialSubgraphFixture {

  @Autowired DocumentCache documents;
  @Autowired MeterRegistry meters;
  @Autowired @Qualifier(StorageExecutorConfiguration.NAME) ExecutorService storageExecutor;

  @LocalServerPort int port;
  @Autowired WebServerApplicationContext server;

  /**
   * Responses leave in writes of up to 64 KiB (ResponseWriteSize): the connector's socket write size, and a
   * response buffer that holds a 20 KB answer whole, so Tomcat sends it with a Content-Length (with its default
   * 8 KiB buffer such an answer is sent chunked, without one).
   */
  @Test
  void responsesLeaveInWritesOfUpTo64KiB() throws Exception {
    seed();
    Connector connector = ((TomcatWebServer) server.getWebServer()).getTomcat().getConnector();
    assertThat(String.valueOf(connector.getProperty("socket.appWriteBufSize"))).isEqualTo("65536");
    StringBuilder query = new StringBuilder("{");
    for (int i = 0; i < 40; i++) {
      query.append(" s").append(i).append(": series(id: \"3\") { data(from: \"2024-01-01\", to: \"2024-01-30\") { dates values } }");
    }
    String body = "{\"query\": \"" + query.append(" }").toString().replace("\"", "\\\"") + "\"}";
    HttpResponse<byte[]> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/graphql"))
            .header("Content-Type", "application/json").header("Authorization", viewer())
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(200);
    assertThat(new String(response.body())).doesNotContain("\"errors\"");
    assertThat(response.body().length).isBetween(8 * 1024 + 1, 64 * 1024 - 1);
    assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(response.body().length);
  }

  @Test
  void eachOperationIsTimedUnderItsName() throws Exception {
    seed();
    String query = "query PanelRead($id: ID!) { series(id: $id) { data { count } } }";
    assertThat(callers().execute(viewer(), query, Map.of("id", "1")).getErrors()).isEmpty();
    assertThat(callers().execute(viewer(), query, Map.of("id", "2")).getErrors()).isEmpty();
    assertThat(meters.get("almanac.graphql.request").tags("operation", "PanelRead", "type", "query", "outcome", "ok")
        .timer().count()).isEqualTo(2);
  }

  @Test
  void storageReadsKeepTheRequestsCorrelationId() throws Exception {
    MDC.put("correlationId", "on-the-request-thread");
    try {
      assertThat(CompletableFuture.supplyAsync(() -> MDC.get("correlationId"), storageExecutor).get())
          .isEqualTo("on-the-request-thread");
    } finally {
      MDC.remove("correlationId");
    }
    assertThat(CompletableFuture.supplyAsync(() -> MDC.get("correlationId"), storageExecutor).get()).isNull();
  }

  @Test
  void operationsAreParsedAndValidatedOnceButInvalidOnesAreNotKept() throws Exception {
    String query = "query($id: ID!) { series(id: $id) { data { count } } }";
    seed();
    int before = documents.size();
    ExecutionResult first = callers().execute(viewer(), query, Map.of("id", "1"));
    assertThat(documents.size()).isEqualTo(before + 1);
    ExecutionResult second = callers().execute(viewer(), query, Map.of("id", "3"));
    assertThat(documents.size()).isEqualTo(before + 1);
    assertThat(first.getErrors()).isEmpty();
    assertThat(second.getErrors()).isEmpty();
    assertThat(((Map<String, Map<String, Map<String, Object>>>) second.getData()).get("series").get("data"))
        .containsEntry("count", 30);

    String invalid = "{ series(id: \"1\") { noSuchField } }";
    for (int i = 0; i < 2; i++) {
      assertThat(errors(invalid)).singleElement().satisfies(e -> assertThat(e.get("message").toString())
          .contains("noSuchField"));
    }
    assertThat(documents.size()).isEqualTo(before + 1);
  }

  @Test
  void aNullSkipOrIncludeConditionIsABadRequestNotACrash() throws Exception {
    seed();
    String query = "query($s: Boolean = true, $i: Boolean = false) { series(id: \"1\") { title @skip(if: $s) "
        + "...F @include(if: $i) } } fragment F on Series { units }";
    java.util.HashMap<String, Object> nullSkip = new java.util.HashMap<>(Map.of("i", true));
    nullSkip.put("s", null);
    assertThat(callers().execute(viewer(), query, nullSkip).getErrors()).singleElement().satisfies(e -> {
      assertThat(e.getExtensions()).containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "if")
          .containsEntry("variable", "s");
      assertThat(e.getMessage()).contains("'s' is null");
    });
    java.util.HashMap<String, Object> nullInclude = new java.util.HashMap<>();
    nullInclude.put("i", null);
    assertThat(callers().execute(viewer(), query, nullInclude).getErrors()).singleElement()
        .satisfies(e -> assertThat(e.getExtensions()).containsEntry("variable", "i"));
    // Left out, the defaults apply: title skipped, the fragment's units not included.
    ExecutionResult defaults = callers().execute(viewer(), query, Map.of());
    assertThat(defaults.getErrors()).isEmpty();
    assertThat(((Map<String, Map<String, Object>>) defaults.getData()).get("series")).isEmpty();
    ExecutionResult given = callers().execute(viewer(), query, Map.of("s", false, "i", true));
    assertThat(((Map<String, Map<String, Object>>) given.getData()).get("series")).containsKeys("title", "units");
  }

  @Test
  void readsNeedAValidKeyWhenAnonymousReadsAreOff() throws Exception {
    seed();
    String query = "{ series(id: \"1\") { title } }";
    assertThat(callers().execute(null, query, Map.of()).getErrors()).singleElement()
        .satisfies(e -> assertThat(e.getExtensions()).containsEntry("code", "UNAUTHENTICATED"));
    assertThat(callers().execute("Bearer alm_00000000_" + "0".repeat(48), query, Map.of()).getErrors()).singleElement()
        .satisfies(e -> assertThat(e.getExtensions()).containsEntry("code", "UNAUTHENTICATED"));
    assertThat(callers().execute("Basic dXNlcjpwdw==", query, Map.of()).getErrors()).singleElement()
        .satisfies(e -> assertThat(e.getExtensions()).containsEntry("code", "UNAUTHENTICATED"));
    // The schema stays public (federation tooling reads it without credentials).
    assertThat(callers().execute(null, "{ _service { sdl } }", Map.of()).getErrors()).isEmpty();
  }
}
