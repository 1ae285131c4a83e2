package io.almanac.crawler.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.crawler.Json;
import io.almanac.graphql.auth.ApiKeyStore;
import io.almanac.graphql.auth.Role;
import io.almanac.graphql.auth.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The subgraph's rate limit over real HTTP, with budgets small enough to run out: one token a minute, so no
 * token comes back while a test runs (a refill takes 60 s; the refusals are asserted right after the burst).
 * Each test uses keys of its own, each key having its own bucket.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = {
    "almanac.rate-limit.enabled=true",
    "almanac.rate-limit.viewer.requests-per-minute=1", "almanac.rate-limit.viewer.burst=2",
    "almanac.rate-limit.crawler.requests-per-minute=1", "almanac.rate-limit.crawler.burst=2",
    "almanac.rate-limit.admin.requests-per-minute=1", "almanac.rate-limit.admin.burst=4",
    "almanac.rate-limit.anonymous.requests-per-minute=1", "almanac.rate-limit.anonymous.burst=1",
    "almanac.auth.anonymous-reads=true"})
class RateLimitedCrawlerApiTest {

  private static final String QUERY = "{\"query\":\"{ a: providers(first: 1) { pageInfo { hasNextPage } } b: runs(first: 1) { pageInfo { hasNextPage } } }\"}";

  @LocalServerPort int port;
  @Autowired ApiKeyStore keys;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestDatabases.register(registry);
  }

  private String key(Role role) {
    return "Bearer " + keys.create(1, role, "rate " + role).secret();
  }

  private JsonNode graphql(String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/graphql"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(QUERY));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return Json.MAPPER.readTree(response.body());
  }

  private static boolean refused(JsonNode answer) {
    return answer.path("errors").size() > 0;
  }

  /** Requests answered before the first refusal (at most 20), and the refusal. */
  private JsonNode untilRefused(String authorization, int[] admitted) throws Exception {
    for (int i = 0; i < 20; i++) {
      JsonNode answer = graphql(authorization);
      if (refused(answer)) {
        return answer;
      }
      assertThat(answer.path("data").path("a").path("pageInfo").path("hasNextPage").isBoolean()).isTrue();
      admitted[0]++;
    }
    throw new AssertionError("never refused");
  }

  @Test
  void aViewerKeyGetsItsBurstThenLimitExceededWithRetryAfter() throws Exception {
    String viewer = key(Role.VIEWER);
    int[] admitted = {0};
    JsonNode refusal = untilRefused(viewer, admitted);
    // Two root fields per request, counted once: the burst of 2 is two requests.
    assertThat(admitted[0]).isEqualTo(2);
    JsonNode errors = refusal.path("errors");
    assertThat(errors.size()).isEqualTo(2); // each root field says so, once charged
    JsonNode error = errors.get(0);
    assertThat(error.path("extensions").path("code").asString()).isEqualTo("LIMIT_EXCEEDED");
    long retryAfter = error.path("extensions").path("retryAfter").asLong();
    assertThat(retryAfter).isBetween(1L, 60L);
    assertThat(error.path("message").asString()).contains("VIEWER key", "1 requests per minute",
        "almanac.rate-limit.viewer");
    assertThat(refusal.path("data").isNull()).isTrue(); // both fields are non-null: no data at all

    // Another viewer key has its own bucket; an admin's budget is larger.
    int[] other = {0};
    untilRefused(key(Role.VIEWER), other);
    assertThat(other[0]).isEqualTo(2);
    int[] admin = {0};
    untilRefused(key(Role.ADMIN), admin);
    assertThat(admin[0]).isEqualTo(4);
  }

  @Test
  void anonymousReadsAreLimitedPerClientAddress() throws Exception {
    int[] admitted = {0};
    JsonNode refusal = untilRefused(null, admitted);
    assertThat(admitted[0]).isEqualTo(1);
    assertThat(refusal.path("errors").get(0).path("message").asString()).contains("anonymous client address");
    // A key's requests from the same address are still admitted.
    assertThat(refused(graphql(key(Role.VIEWER)))).isFalse();
  }

  @Test
  void bulkPointsAnswers429WithRetryAfterInTheErrorShape() throws Exception {
    String crawler = key(Role.CRAWLER);
    int[] statuses = new int[3];
    HttpResponse<String> last = null;
    for (int i = 0; i < 3; i++) {
      // An empty CSV body: a cheap request that passes the gate (and is then refused or answered by the endpoint).
      last = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/bulk/points"))
          .header("Content-Type", "text/csv").header("Authorization", crawler)
          .POST(HttpRequest.BodyPublishers.ofString("seriesId,date,value\n", StandardCharsets.UTF_8)).build(),
          HttpResponse.BodyHandlers.ofString());
      statuses[i] = last.statusCode();
    }
    assertThat(statuses[0]).isNotEqualTo(429);
    assertThat(statuses[1]).isNotEqualTo(429);
    assertThat(statuses[2]).isEqualTo(429);
    long retryAfter = Long.parseLong(last.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 60L);
    JsonNode error = Json.MAPPER.readTree(last.body()).path("errors").get(0);
    assertThat(error.path("extensions").path("code").asString()).isEqualTo("LIMIT_EXCEEDED");
    assertThat(error.path("extensions").path("retryAfter").asLong()).isEqualTo(retryAfter);
    assertThat(error.path("message").asString()).contains("CRAWLER key", "almanac.rate-limit.crawler");
  }
}
