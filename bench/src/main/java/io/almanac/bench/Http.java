package io.almanac.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Timed HTTP/1.1 requests (the JDK client's h2c upgrade breaks Hive Gateway). The time is from sending
 * the request to having the whole response body; parsing happens outside it.
 */
public final class Http {

  public static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String authorization;

  public Http(String authorization) {
    this.authorization = authorization;
  }

  public record Response(int status, byte[] body, long nanos) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public JsonNode json() {
      return JSON.readTree(body);
    }

    /** {@code data} of a GraphQL response, failing on HTTP or GraphQL errors. */
    public JsonNode data(URI where) {
      if (status != 200) {
        throw new IllegalStateException("HTTP " + status + " from " + where + ": " + abbreviate(text()));
      }
      JsonNode tree = json();
      JsonNode errors = tree.path("errors");
      if (errors.isArray() && !errors.isEmpty()) {
        throw new IllegalStateException("GraphQL errors from " + where + ": " + abbreviate(errors.toString()));
      }
      return tree.path("data");
    }
  }

  public static byte[] graphqlBody(String query, Map<String, Object> variables) {
    return JSON.writeValueAsBytes(Map.of("query", query, "variables", variables));
  }

  public Response post(URI uri, String contentType, byte[] body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(300))
        .header("Content-Type", contentType)
        .header("Accept", "application/graphql-response+json, application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpRequest built = request.build();
    try {
      long start = System.nanoTime();
      HttpResponse<byte[]> response = client.send(built, HttpResponse.BodyHandlers.ofByteArray());
      long nanos = System.nanoTime() - start;
      return new Response(response.statusCode(), response.body(), nanos);
    } catch (IOException e) {
      throw new IllegalStateException("POST " + uri + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted: POST " + uri, e);
    }
  }

  /** A timed GET of the whole body (exports). */
  public Response get(URI uri) {
    try {
      long start = System.nanoTime();
      HttpResponse<byte[]> response = client.send(getRequest(uri, Duration.ofSeconds(300)),
          HttpResponse.BodyHandlers.ofByteArray());
      return new Response(response.statusCode(), response.body(), System.nanoTime() - start);
    } catch (IOException e) {
      throw new IllegalStateException("GET " + uri + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted: GET " + uri, e);
    }
  }

  /**
   * A GET whose body is read as it arrives and only counted (a panel export larger than this client's
   * heap): its status, bytes, lines and time; {@code head} keeps the first bytes for error messages.
   */
  public record Streamed(int status, long bytes, long lines, long nanos, String head) {}

  public Streamed stream(URI uri) {
    try {
      long start = System.nanoTime();
      HttpResponse<java.io.InputStream> response = client.send(getRequest(uri, Duration.ofSeconds(900)),
          HttpResponse.BodyHandlers.ofInputStream());
      long bytes = 0;
      long lines = 0;
      byte last = '\n';
      StringBuilder head = new StringBuilder();
      byte[] buffer = new byte[1 << 16];
      try (java.io.InputStream in = response.body()) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          if (head.length() < 600) {
            head.append(new String(buffer, 0, Math.min(n, 600 - head.length()), StandardCharsets.UTF_8));
          }
          for (int i = 0; i < n; i++) {
            if (buffer[i] == '\n') {
              lines++;
            }
          }
          bytes += n;
          last = buffer[n - 1];
        }
      }
      if (last != '\n') {
        lines++; // a last line without its line break
      }
      return new Streamed(response.statusCode(), bytes, lines, System.nanoTime() - start, head.toString());
    } catch (IOException e) {
      throw new IllegalStateException("GET " + uri + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted: GET " + uri, e);
    }
  }

  private HttpRequest getRequest(URI uri, Duration timeout) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return request.build();
  }

  public Response graphql(URI uri, byte[] body) {
    return post(uri, "application/json", body);
  }

  public JsonNode data(URI uri, String query, Map<String, Object> variables) {
    return graphql(uri, graphqlBody(query, variables)).data(uri);
  }

  static String abbreviate(String text) {
    return text.length() <= 600 ? text : text.substring(0, 600) + "...";
  }
}
