package io.almanac.reliability;

import io.almanac.local.GraphQLClient;
import io.almanac.local.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * HTTP to a stack a reliability test started: GraphQL through the gateway with the time each answer took,
 * and plain GETs (health endpoints). Every call has a client-side deadline, so a hung service fails the
 * test instead of hanging it.
 */
final class StackHttp {

  static final JsonMapper JSON = JsonMapper.builder().build();

  /** A GraphQL answer (or {@code null} body when it was not JSON) and how long it took. */
  record Answer(int status, JsonNode body, Duration took) {

    JsonNode data() {
      return body.path("data");
    }

    JsonNode errors() {
      return body.path("errors");
    }

    boolean ok() {
      return status == 200 && (!errors().isArray() || errors().isEmpty());
    }

    /** {@code extensions.code} of the first error, or "" without errors. */
    String firstCode() {
      return errors().path(0).path("extensions").path("code").asString("");
    }
  }

  // HTTP/1.1: the JDK client's h2c upgrade header is taken for a WebSocket upgrade by the gateway.
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final URI graphql;
  private final String authorization;

  StackHttp(URI graphql, String authorization) {
    this.graphql = graphql;
    this.authorization = authorization;
  }

  /** A stack of its own under {@code target/<name>-*}, anonymous reads off (as in production). */
  static LocalStack startStack(String name, Map<String, String> settings) throws IOException {
    Path home = Path.of("..").toAbsolutePath().normalize();
    Path runDir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), name);
    return LocalStack.start(new LocalStack.Options(home, runDir, null, null, null, 0, 0, 0, 0, false, settings));
  }

  Answer graphql(String document, Map<String, Object> variables) {
    HttpRequest request = GraphQLClient.request(graphql, authorization, document, variables, Duration.ofSeconds(60));
    long started = System.nanoTime();
    HttpResponse<String> response = send(request);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    JsonNode parsed;
    try {
      parsed = JSON.readTree(response.body());
    } catch (RuntimeException notJson) {
      parsed = JSON.createObjectNode().put("unparsed", response.body());
    }
    return new Answer(response.statusCode(), parsed, took);
  }

  Answer graphql(String document) {
    return graphql(document, Map.of());
  }

  /** {@code data} of an answer that must have no errors. */
  JsonNode data(String document, Map<String, Object> variables) {
    Answer answer = graphql(document, variables);
    if (!answer.ok()) {
      throw new AssertionError("HTTP " + answer.status() + " from " + graphql + ": " + answer.body());
    }
    return answer.data();
  }

  /** Status and body of a GET (no authorization). */
  HttpResponse<String> get(URI uri) {
    return send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build());
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted: " + request.uri(), e);
    }
  }

  /** {@code http://127.0.0.1:<port>/actuator/health/<group>} of a subgraph given by its GraphQL URL. */
  static URI health(URI subgraphGraphql, String group) {
    return subgraphGraphql.resolve(group.isEmpty() ? "/actuator/health" : "/actuator/health/" + group);
  }
}
