package io.almanac.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A minimal GraphQL-over-HTTP client: POSTs a document with variables and returns the parsed response. */
public final class GraphQLClient {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  // HTTP/1.1 only: the JDK client's h2c upgrade header is taken for a WebSocket upgrade by the gateway.
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final URI endpoint;
  private final String authorization;

  public GraphQLClient(URI endpoint) {
    this(endpoint, null);
  }

  public GraphQLClient(URI endpoint, String authorization) {
    this.endpoint = endpoint;
    this.authorization = authorization;
  }

  public URI endpoint() {
    return endpoint;
  }

  /** The whole response ({@code data} and {@code errors}). */
  public JsonNode execute(String document, Map<String, Object> variables) {
    try {
      HttpResponse<String> response = http.send(request(endpoint, authorization, document, variables,
          Duration.ofSeconds(120)), HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("POST " + endpoint + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while calling " + endpoint, e);
    }
  }

  /**
   * The GraphQL-over-HTTP POST of {@code document} with {@code variables} to {@code endpoint}, with the
   * caller's {@code Authorization} header value when not null and a client-side {@code timeout}; for
   * callers that need the status or timing as well as the body.
   */
  public static HttpRequest request(URI endpoint, String authorization, String document,
      Map<String, Object> variables, Duration timeout) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("query", document);
    body.put("variables", variables);
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header("Accept", "application/graphql-response+json, application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return request.build();
  }

  /** {@code data}, failing with the errors when the response has any. */
  public JsonNode data(String document, Map<String, Object> variables) {
    JsonNode response = execute(document, variables);
    JsonNode errors = response.path("errors");
    if (errors.isArray() && !errors.isEmpty()) {
      throw new IllegalStateException("GraphQL errors from " + endpoint + ": " + errors);
    }
    return response.path("data");
  }

  public JsonNode data(String document) {
    return data(document, Map.of());
  }

  public static List<Object> list(Object... items) {
    return List.of(items);
  }
}
