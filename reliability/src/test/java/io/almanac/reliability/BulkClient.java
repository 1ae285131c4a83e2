package io.almanac.reliability;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A crawler as the README asks it to behave: POSTs NDJSON batches to {@code /bulk/points} with a
 * batch id, and re-sends a batch with the same id until it is acknowledged (HTTP 200), whatever went
 * wrong (refused connection, reset, 409 while the first attempt is still being written, 5xx).
 */
final class BulkClient {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** One point of a batch. */
  record Point(long seriesId, String date, String value, String revisionDate) {}

  /** An acknowledged batch: the result, and how many attempts it took. */
  record Ack(JsonNode result, int attempts, Instant sentFirst, Instant acknowledged) {}

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final URI crawler;
  private final String authorization;

  /** {@code crawler} is the process's GraphQL URL; the bulk path is beside it. */
  BulkClient(URI crawlerGraphql, String authorization) {
    this.crawler = crawlerGraphql.resolve("/bulk/points");
    this.authorization = authorization;
  }

  static String ndjson(List<Point> points) {
    StringBuilder body = new StringBuilder(points.size() * 90);
    for (Point p : points) {
      body.append("{\"seriesId\":\"").append(p.seriesId()).append("\",\"date\":\"").append(p.date())
          .append("\",\"value\":\"").append(p.value()).append("\",\"revisionDate\":\"").append(p.revisionDate())
          .append("\"}\n");
    }
    return body.toString();
  }

  /**
   * Sends until acknowledged or {@code deadline}; {@code onAttemptFailed} hears of each failed attempt.
   *
   * @throws IllegalStateException at the deadline, or when the batch is refused as the client's fault
   *     (4xx other than 409): a retry would not help
   */
  Ack sendUntilAcknowledged(String batchId, String body, Instant deadline, Runnable onAttemptFailed) {
    Instant first = Instant.now();
    String last = "no attempt";
    for (int attempt = 1; Instant.now().isBefore(deadline); attempt++) {
      try {
        HttpResponse<String> response = post(batchId, body);
        if (response.statusCode() == 200) {
          return new Ack(JSON.readTree(response.body()), attempt, first, Instant.now());
        }
        last = response.statusCode() + " " + response.body();
        if (response.statusCode() >= 400 && response.statusCode() < 500 && response.statusCode() != 409) {
          throw new IllegalStateException("Batch " + batchId + " refused: " + last);
        }
      } catch (IOException e) {
        last = e.toString();
      }
      onAttemptFailed.run();
      pause(attempt);
    }
    throw new IllegalStateException("Batch " + batchId + " not acknowledged by " + deadline + "; last: " + last);
  }

  private HttpResponse<String> post(String batchId, String body) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(crawler + "?batchId="
            + URLEncoder.encode(batchId, StandardCharsets.UTF_8)))
        .timeout(Duration.ofSeconds(120))
        .header("Content-Type", "application/x-ndjson")
        .header("Authorization", authorization)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** Back-off between attempts (the service is down or busy; this is a retry policy, not a wait for an event). */
  private static void pause(int attempt) {
    try {
      Thread.sleep(Math.min(1_000, 50L * attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
