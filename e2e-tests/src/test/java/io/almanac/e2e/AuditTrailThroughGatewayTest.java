package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.GraphQLClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * The audit trail end to end: mutations in crawler-write-api and user-subgraph (and an HTTP upload) made
 * by one admin are read back through the gateway's {@code auditLog}, by every filter and in pages, with
 * their outcome and without secrets; a viewer is refused. The expected entries are what this test did,
 * in its own order, not what the service reports elsewhere.
 */
@ExtendWith(RunningAlmanac.class)
class AuditTrailThroughGatewayTest {

  private static final String ENTRY = "id at actorId action target arguments outcome";
  private static final String LOG = "query($f: AuditFilter, $n: Int, $a: String) { auditLog(filter: $f, first: $n, after: $a) {"
      + " totalCount edges { cursor node { " + ENTRY + " } } nodes { id } pageInfo { hasNextPage endCursor } } }";

  /** The test's own admin: every entry of this actor is one this test caused. */
  private static GraphQLClient auditor;
  private static String auditorId;
  private static String viewerKey;
  private static String auditorKey;
  private static String providerId;
  /** Actions in the order the auditor did them, with the outcome each must have. */
  private static final List<String> done = new ArrayList<>();

  @BeforeAll
  static void act() throws Exception {
    RunningAlmanac.Almanac almanac = RunningAlmanac.get();
    GraphQLClient admin = almanac.gateway();
    auditorId = admin.data("mutation { createUser(input: {email: \"auditor@example.com\", role: ADMIN}) { id } }")
        .path("createUser").path("id").asString();
    auditorKey = admin.data("mutation($u: ID!) { createApiKey(name: \"audit\", role: ADMIN, userId: $u) { secret } }",
        Map.of("u", auditorId)).path("createApiKey").path("secret").asString();
    auditor = new GraphQLClient(almanac.stack().gateway(), "Bearer " + auditorKey);

    providerId = auditor.data("mutation { createProvider(input: {name: \"Audited Bureau\", type: API,"
        + " config: {url: \"https://example.com\", apiToken: \"tok-123-secret\"}}) { id } }")
        .path("createProvider").path("id").asString();
    done.add("createProvider OK");
    JsonNode refused = auditor.execute("mutation { createProvider(input: {name: \"\", type: API}) { id } }", Map.of());
    assertThat(refused.path("errors").get(0).path("extensions").path("code").asString()).isEqualTo("BAD_USER_INPUT");
    done.add("createProvider BAD_USER_INPUT");
    auditor.data("mutation($p: ID!) { upsertSeries(input: [{providerId: $p, externalId: \"AUD1\", title: \"Audited\","
        + " frequency: MONTHLY}]) { series { id } } }", Map.of("p", providerId));
    done.add("upsertSeries OK");
    String viewerId = auditor.data("mutation { createUser(input: {email: \"audited-viewer@example.com\"}) { id } }")
        .path("createUser").path("id").asString();
    done.add("createUser OK");
    viewerKey = auditor.data("mutation($u: ID!) { createApiKey(name: \"viewer\", role: VIEWER, userId: $u) { secret apiKey { id } } }",
        Map.of("u", viewerId)).path("createApiKey").path("secret").asString();
    done.add("createApiKey OK");
    List<Object> points = new ArrayList<>();
    for (int month = 0; month < 24; month++) {
      points.add(Map.of("providerId", providerId, "externalId", "AUD1",
          "date", LocalDate.of(2023, 1, 1).plusMonths(month).toString(), "value", String.valueOf(month)));
    }
    auditor.data("mutation($in: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $in) { batchId } }",
        Map.of("in", Map.of("batchId", "audit-graphql-batch", "points", points)));
    done.add("bulkUpsertDataPoints OK");
    URI upload = almanac.stack().crawler().resolve("/bulk/points?batchId=audit-http-batch");
    HttpResponse<String> http = HttpClient.newHttpClient().send(HttpRequest.newBuilder(upload)
        .header("Authorization", "Bearer " + auditorKey).header("Content-Type", "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"providerId\":\"" + providerId + "\",\"externalId\":\"AUD1\",\"date\":\"2025-01-01\",\"value\":\"1\"}\n"
                + "{\"providerId\":\"" + providerId + "\",\"externalId\":\"AUD1\",\"date\":\"2025-02-01\",\"value\":\"x\"}\n"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(http.statusCode()).isEqualTo(200);
    done.add("uploadPoints OK");
  }

  private static JsonNode log(GraphQLClient client, Map<String, Object> filter, Integer first, String after) {
    Map<String, Object> variables = new HashMap<>();
    variables.put("f", filter);
    variables.put("n", first);
    variables.put("a", after);
    return client.data(LOG, variables).path("auditLog");
  }

  private static List<JsonNode> nodes(JsonNode connection) {
    List<JsonNode> nodes = new ArrayList<>();
    connection.path("edges").forEach(edge -> nodes.add(edge.path("node")));
    return nodes;
  }

  private static List<String> actions(List<JsonNode> entries) {
    return entries.stream().map(e -> e.path("action").asString() + " " + e.path("outcome").asString()).toList();
  }

  @Test
  void everyChangeOfTheActorIsListedNewestFirstWithItsOutcome() {
    JsonNode all = log(auditor, Map.of("actorId", auditorId), 100, null);
    List<JsonNode> entries = nodes(all);
    List<String> newestFirst = new ArrayList<>(done);
    Collections.reverse(newestFirst);
    assertThat(actions(entries)).isEqualTo(newestFirst);
    assertThat(all.path("totalCount").asInt()).isEqualTo(done.size());
    assertThat(entries).allSatisfy(e -> assertThat(e.path("actorId").asString()).isEqualTo(auditorId));
    List<Long> ids = entries.stream().map(e -> Long.parseLong(e.path("id").asString())).toList();
    assertThat(ids).isSortedAccordingTo((a, b) -> Long.compare(b, a));

    JsonNode created = entries.get(entries.size() - 1);
    assertThat(created.path("target").asString()).isEqualTo(providerId);
    assertThat(created.path("arguments").path("input").path("name").asString()).isEqualTo("Audited Bureau");
    assertThat(created.path("arguments").path("input").path("config").path("url").asString())
        .isEqualTo("https://example.com");
    assertThat(created.path("arguments").path("input").path("config").path("apiToken").asString())
        .isEqualTo("[redacted]");
    JsonNode graphqlBatch = entries.get(1);
    assertThat(graphqlBatch.path("target").asString()).isEqualTo("audit-graphql-batch");
    assertThat(graphqlBatch.path("arguments").path("input").path("points").path("count").asInt()).isEqualTo(24);
    JsonNode httpBatch = entries.get(0);
    assertThat(httpBatch.path("target").asString()).isEqualTo("audit-http-batch");
    assertThat(httpBatch.path("arguments").path("totalProcessed").asInt()).isEqualTo(2);
    assertThat(httpBatch.path("arguments").path("successful").asInt()).isEqualTo(1);
    assertThat(httpBatch.path("arguments").path("failed").asInt()).isEqualTo(1);
  }

  @Test
  void secretsAreNeverRecorded() {
    StringBuilder everything = new StringBuilder();
    String after = null;
    do {
      JsonNode page = log(RunningAlmanac.get().gateway(), null, 1000, after);
      everything.append(page.path("edges"));
      after = page.path("pageInfo").path("hasNextPage").asBoolean() ? page.path("pageInfo").path("endCursor").asString() : null;
    } while (after != null);
    assertThat(everything.toString()).contains("\"createApiKey\"")
        .doesNotContain(viewerKey).doesNotContain(auditorKey).doesNotContain("tok-123-secret");
  }

  @Test
  void filtersByActionAndTime() {
    List<JsonNode> providers = nodes(log(auditor, Map.of("actorId", auditorId, "action", "createProvider"), 10, null));
    assertThat(actions(providers)).containsExactly("createProvider BAD_USER_INPUT", "createProvider OK");

    List<JsonNode> entries = nodes(log(auditor, Map.of("actorId", auditorId), 100, null));
    OffsetDateTime since = OffsetDateTime.parse(entries.get(4).path("at").asString());
    OffsetDateTime until = OffsetDateTime.parse(entries.get(1).path("at").asString());
    List<String> expected = entries.stream().filter(e -> {
      OffsetDateTime at = OffsetDateTime.parse(e.path("at").asString());
      return !at.isBefore(since) && at.isBefore(until);
    }).map(e -> e.path("id").asString()).toList();
    assertThat(expected).isNotEmpty();
    List<String> windowed = nodes(log(auditor, Map.of("actorId", auditorId, "since", since.toString(),
        "until", until.toString()), 100, null)).stream().map(e -> e.path("id").asString()).toList();
    assertThat(windowed).isEqualTo(expected);
  }

  @Test
  void pagesAreStableWhileNewEntriesArrive() {
    List<String> all = nodes(log(auditor, Map.of("actorId", auditorId), 100, null)).stream()
        .map(e -> e.path("id").asString()).toList();
    List<String> paged = new ArrayList<>();
    String after = null;
    boolean wroteMeanwhile = false;
    do {
      JsonNode page = log(auditor, Map.of("actorId", auditorId), 3, after);
      nodes(page).forEach(e -> paged.add(e.path("id").asString()));
      after = page.path("pageInfo").path("hasNextPage").asBoolean() ? page.path("pageInfo").path("endCursor").asString() : null;
      if (!wroteMeanwhile) {
        // A new entry of the same actor after the first page must not shift the next pages.
        auditor.data("mutation($p: ID!) { updateProvider(id: $p, input: {description: \"paged\"}) { id } }",
            Map.of("p", providerId));
        done.add("updateProvider OK");
        wroteMeanwhile = true;
      }
    } while (after != null);
    assertThat(paged).isEqualTo(all);
  }

  @Test
  void viewersAreRefusedAndTheirRefusedChangesRecorded() {
    GraphQLClient viewer = new GraphQLClient(RunningAlmanac.get().stack().gateway(), "Bearer " + viewerKey);
    JsonNode response = viewer.execute(LOG, Map.of());
    assertThat(response.path("errors").get(0).path("extensions").path("code").asString()).isEqualTo("FORBIDDEN");
    JsonNode direct = new GraphQLClient(RunningAlmanac.get().stack().users(), "Bearer " + viewerKey).execute(LOG, Map.of());
    assertThat(direct.path("errors").get(0).path("extensions").path("code").asString()).isEqualTo("FORBIDDEN");

    JsonNode forbidden = viewer.execute("mutation { createProvider(input: {name: \"not mine\", type: API}) { id } }", Map.of());
    assertThat(forbidden.path("errors").get(0).path("extensions").path("code").asString()).isEqualTo("FORBIDDEN");
    String viewerId = viewer.data("{ me { id } }").path("me").path("id").asString();
    List<JsonNode> viewerEntries = nodes(log(auditor, Map.of("actorId", viewerId), 10, null));
    assertThat(actions(viewerEntries)).containsExactly("createProvider FORBIDDEN");
  }
}
