package io.almanac.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.GraphQLClient;
import io.almanac.local.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 15's rate and cost limits on a real stack, through the real gateway: budgets small enough to run
 * out (one token a minute, so none comes back while the test runs; refusals are asserted, never timing).
 * A viewer key meets its role's limit in the subgraph first (burst 1: a GraphQL error with
 * {@code retryAfter}), then the gateway's per-key limit (burst 3: HTTP 429 with {@code Retry-After});
 * another key is unaffected; exports are counted by both; every request from this test's one address
 * counts against the gateway's per-address limit, reached last; and a query estimated past the response
 * limit is refused with the estimate and the limit. Setup (users, keys, series) goes straight to the
 * subgraphs with the admin key (a generous ADMIN budget), so the gateway counts only what the tests send.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LimitsThroughGatewayTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int KEY_BURST = 3;
  private static final int ADDRESS_BURST = 40;

  private static LocalStack stack;
  private static String seriesId;
  /** A series nothing reads before the estimate is asked for: its history is not cached, so ranges count. */
  private static String unreadSeriesId;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws IOException {
    stack = Stacks.start("limits", Map.ofEntries(
        Map.entry("ALMANAC_RATE_LIMIT_ENABLED", "true"),
        Map.entry("ALMANAC_RATE_LIMIT_VIEWER_PER_MINUTE", "1"),
        Map.entry("ALMANAC_RATE_LIMIT_VIEWER_BURST", "1"),
        Map.entry("ALMANAC_RATE_LIMIT_ADMIN_PER_MINUTE", "6000"),
        Map.entry("ALMANAC_RATE_LIMIT_ADMIN_BURST", "1000"),
        // Behind the gateway every anonymous request has the gateway's address: room for all of this test's.
        Map.entry("ALMANAC_RATE_LIMIT_ANONYMOUS_PER_MINUTE", "6000"),
        Map.entry("ALMANAC_RATE_LIMIT_ANONYMOUS_BURST", "1000"),
        Map.entry("ALMANAC_GATEWAY_RATE_LIMIT_ENABLED", "true"),
        Map.entry("ALMANAC_GATEWAY_RATE_LIMIT_PER_KEY", "1"),
        Map.entry("ALMANAC_GATEWAY_RATE_LIMIT_PER_KEY_BURST", String.valueOf(KEY_BURST)),
        Map.entry("ALMANAC_GATEWAY_RATE_LIMIT_PER_ADDRESS", "1"),
        Map.entry("ALMANAC_GATEWAY_RATE_LIMIT_PER_ADDRESS_BURST", String.valueOf(ADDRESS_BURST)),
        Map.entry("ALMANAC_MAX_RESPONSE_POINTS", "1000")));
    GraphQLClient crawler = new GraphQLClient(stack.crawler(), stack.adminAuthorization());
    List<Long> ids = Stacks.createSeries(crawler, "limits", 2);
    seriesId = String.valueOf(ids.get(0));
    unreadSeriesId = String.valueOf(ids.get(1));
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  /** A new viewer's key, made at the user subgraph directly. */
  private static String viewerKey(String name) {
    GraphQLClient users = new GraphQLClient(stack.users(), stack.adminAuthorization());
    String userId = users.data("mutation($e: String!) { createUser(input: {email: $e, role: VIEWER}) { id } }",
        Map.of("e", name + "@example.com")).path("createUser").path("id").asString();
    return "Bearer " + users.data("mutation($u: ID!) { createApiKey(name: \"limits\", role: VIEWER, userId: $u)"
        + " { secret } }", Map.of("u", userId)).path("createApiKey").path("secret").asString();
  }

  private static HttpResponse<String> graphql(String authorization, String query) throws Exception {
    return HTTP.send(GraphQLClient.request(stack.gateway(), authorization, query, Map.of(), Duration.ofSeconds(60)),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> export(String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(stack.gateway().resolve("/export/series/" + seriesId + ".csv"))
        .timeout(Duration.ofSeconds(60)).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode onlyError(HttpResponse<String> response) {
    JsonNode errors = JSON.readTree(response.body()).path("errors");
    assertThat(errors.size()).as(response.body()).isEqualTo(1);
    return errors.get(0);
  }

  /** A 429 in the gateway's shape: Retry-After equal to extensions.retryAfter, whole seconds, at least 1. */
  private static void assertGatewayRefusal(HttpResponse<String> response, String names) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(429);
    long retryAfter = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 60L);
    JsonNode error = onlyError(response);
    assertThat(error.path("extensions").path("code").asString()).isEqualTo("LIMIT_EXCEEDED");
    assertThat(error.path("extensions").path("retryAfter").asLong()).isEqualTo(retryAfter);
    assertThat(error.path("message").asString()).contains(names);
  }

  @Test
  @Order(1)
  void aKeyMeetsItsRoleLimitThenTheGatewaysPerKeyLimitAndOtherKeysDoNot() throws Exception {
    String viewer = viewerKey("viewer-a");
    String query = "{ series(id: \"" + seriesId + "\") { title } }";
    HttpResponse<String> first = graphql(viewer, query);
    assertThat(JSON.readTree(first.body()).path("data").path("series").path("title").asString())
        .isEqualTo("limits series 0");

    // The subgraph's VIEWER budget (burst 1) is spent: its refusal comes through the gateway as GraphQL.
    HttpResponse<String> second = graphql(viewer, query);
    assertThat(second.statusCode()).isEqualTo(200);
    JsonNode role = onlyError(second);
    assertThat(role.path("extensions").path("code").asString()).isEqualTo("LIMIT_EXCEEDED");
    assertThat(role.path("extensions").path("retryAfter").asLong()).isBetween(1L, 60L);
    assertThat(role.path("message").asString()).contains("VIEWER key", "almanac.rate-limit.viewer");

    // Three requests spent the gateway's per-key burst; the fourth is refused there, before any subgraph.
    graphql(viewer, query);
    assertGatewayRefusal(graphql(viewer, query), "a key may send 1 requests per minute");

    // Another key has budgets of its own at both levels.
    HttpResponse<String> other = graphql(viewerKey("viewer-b"), query);
    assertThat(JSON.readTree(other.body()).path("errors").isMissingNode()).as(other.body()).isTrue();
  }

  @Test
  @Order(2)
  void exportsCountAtBothLevels() throws Exception {
    String viewer = viewerKey("viewer-export");
    assertThat(export(viewer).statusCode()).isEqualTo(200);
    // The subgraph's HTTP gate: 429 with Retry-After, passed through the gateway.
    HttpResponse<String> role = export(viewer);
    assertThat(role.statusCode()).as(role.body()).isEqualTo(429);
    long retryAfter = Long.parseLong(role.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 60L);
    JsonNode roleError = onlyError(role);
    assertThat(roleError.path("extensions").path("code").asString()).isEqualTo("LIMIT_EXCEEDED");
    assertThat(roleError.path("message").asString()).contains("VIEWER key");
    export(viewer);
    assertGatewayRefusal(export(viewer), "a key may send");
  }

  @Test
  @Order(3)
  void aQueryEstimatedPastTheResponseLimitIsRefusedWithItsEstimate() throws Exception {
    // Three aliases of 2020 of a daily series: 3 x 366 = 1,098 points estimated, over the limit of 1,000.
    StringBuilder query = new StringBuilder("{");
    for (String alias : List.of("a", "b", "c")) {
      query.append(' ').append(alias).append(": series(id: \"").append(unreadSeriesId)
          .append("\") { data(from: \"2020-01-01\", to: \"2020-12-31\") { count } }");
    }
    HttpResponse<String> response = graphql(viewerKey("viewer-cost"), query.append(" }").toString());
    JsonNode errors = JSON.readTree(response.body()).path("errors");
    assertThat(errors.size()).as(response.body()).isEqualTo(3);
    for (JsonNode error : errors) {
      assertThat(error.path("extensions").path("code").asString()).isEqualTo("LIMIT_EXCEEDED");
      assertThat(error.path("extensions").path("estimate").asLong()).isEqualTo(1098);
      assertThat(error.path("extensions").path("limit").asLong()).isEqualTo(1000);
      assertThat(error.path("message").asString()).contains("1,098 points", "the limit is 1,000");
    }
  }

  @Test
  @Order(4)
  void everyRequestFromOneAddressCountsAgainstItsLimit() throws Exception {
    // Anonymous reads are off: admitted requests are refused by the subgraph (UNAUTHENTICATED); the address's
    // burst is shared with every request this test sent before, so the refusal comes within the burst.
    HttpResponse<String> refused = null;
    for (int i = 0; i <= ADDRESS_BURST && refused == null; i++) {
      HttpResponse<String> response = graphql(null, "{ series(id: \"" + seriesId + "\") { title } }");
      if (response.statusCode() == 429) {
        refused = response;
      } else {
        assertThat(onlyError(response).path("extensions").path("code").asString()).isEqualTo("UNAUTHENTICATED");
      }
    }
    assertThat(refused).as("refused within the address's burst of " + ADDRESS_BURST).isNotNull();
    assertGatewayRefusal(refused, "a client address may send 1 requests per minute");
    // A key does not get around it: its request from the same address is refused too.
    assertGatewayRefusal(graphql(viewerKey("viewer-late"), "{ __typename }"), "a client address");
    assertGatewayRefusal(export(null), "a client address");
  }
}
