package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.GraphQLClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * An operator takes back a crawler's bad load through the gateway: a batch that overwrote a key,
 * added a date and added a vintage. Reads made before the retraction (which fill the financial
 * subgraph's cache) and after it are compared with values written out by hand from the uploads;
 * `vintages`, `revisions` and `changes` stop showing the batch; the archive keeps it, marked; only
 * admins may retract; the id stays taken. (Whether background compaction had dropped the overwritten
 * row first, so that it came back from the archive, depends on timing here; the crawler's
 * BatchRetractionApiTest covers that path deterministically.)
 */
@ExtendWith(RunningAlmanac.class)
class RetractBadLoadThroughGatewayTest {

  private static final String BULK = """
      mutation($input: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $input) { status } }""";

  private static final String RETRACT = """
      mutation($id: ID!, $reason: String!) { retractBatch(batchId: $id, reason: $reason) {
        batchId observationsRemoved keysRestored keysRestoredFromArchive filesRewritten
        retraction { reason retractedBy retractedAt } } }""";

  private static final String READS = """
      query($id: ID!) { series(id: $id) {
        now: data(asOf: "2024-12-31") { dates values }
        june: data(asOf: "2024-06-01") { dates values }
        early: data(asOf: "2024-04-30") { dates values }
        vintages
        revisions(date: "2024-07-01") { value revisionDate supersededOn }
        changes(since: "2024-06-01") { date value previousValue revisionDate } } }""";

  private static Map<String, Object> point(String seriesId, String date, String value, String revisionDate) {
    return Map.of("seriesId", seriesId, "date", date, "value", value, "revisionDate", revisionDate);
  }

  private static String keyFor(GraphQLClient admin, String role) {
    String userId = admin.data("mutation($e: String!, $r: Role!) { createUser(input: {email: $e, role: $r}) { id } }",
        Map.of("e", role.toLowerCase() + "-retract@example.com", "r", role)).path("createUser").path("id").asString();
    return "Bearer " + admin.data(
        "mutation($u: ID!, $r: Role!) { createApiKey(name: \"retract\", role: $r, userId: $u) { secret } }",
        Map.of("u", userId, "r", role)).path("createApiKey").path("secret").asString();
  }

  private static String code(JsonNode response) {
    return response.path("errors").get(0).path("extensions").path("code").asString();
  }

  /** "date=value" pairs of a `data` answer. */
  private static String view(JsonNode data) {
    List<String> pairs = new ArrayList<>();
    for (int i = 0; i < data.path("dates").size(); i++) {
      pairs.add(data.path("dates").get(i).asString() + "=" + data.path("values").get(i).asDouble());
    }
    return String.join(" ", pairs);
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asString()));
    return texts;
  }

  @Test
  void aBadLoadIsTakenBackAndEveryViewFollows() {
    RunningAlmanac.Almanac almanac = RunningAlmanac.get();
    GraphQLClient admin = almanac.gateway();
    String providerId = admin.data("mutation { createProvider(input: {name: \"Retract Bureau\", type: API}) { id } }")
        .path("createProvider").path("id").asString();
    String gdp = admin.data("""
        mutation($p: ID!) { upsertSeries(input: [{providerId: $p, externalId: "RETRACT_GDP", title: "Retract GDP",
          frequency: QUARTERLY}]) { series { id } } }""", Map.of("p", providerId))
        .path("upsertSeries").path("series").get(0).path("id").asString();
    assertThat(admin.data(BULK, Map.of("input", Map.of("batchId", "retract-first", "points", List.of(
        point(gdp, "2024-01-01", "1.1", "2024-05-01"), point(gdp, "2024-04-01", "1.2", "2024-05-01"),
        point(gdp, "2024-07-01", "1.3", "2024-05-01"))))).path("bulkUpsertDataPoints").path("status").asString())
        .isEqualTo("COMMITTED");
    // The bad load: overwrites Q1's May value, adds Q4 (a new date) and an August vintage of Q3.
    assertThat(admin.data(BULK, Map.of("input", Map.of("batchId", "retract-bad", "points", List.of(
        point(gdp, "2024-01-01", "91.1", "2024-05-01"), point(gdp, "2024-10-01", "91.4", "2024-05-01"),
        point(gdp, "2024-07-01", "91.3", "2024-08-01"))))).path("bulkUpsertDataPoints").path("status").asString())
        .isEqualTo("COMMITTED");

    JsonNode before = admin.data(READS, Map.of("id", gdp)).path("series");
    assertThat(view(before.path("now"))).isEqualTo("2024-01-01=91.1 2024-04-01=1.2 2024-07-01=91.3 2024-10-01=91.4");
    assertThat(texts(before.path("vintages"))).containsExactly("2024-05-01", "2024-08-01");
    assertThat(before.path("changes")).hasSize(1);
    assertThat(before.path("revisions")).hasSize(2);

    Map<String, Object> args = Map.of("id", "retract-bad", "reason", "test feed loaded by mistake");
    for (String role : List.of("VIEWER", "CRAWLER")) {
      JsonNode refused = new GraphQLClient(admin.endpoint(), keyFor(admin, role)).execute(RETRACT, args);
      assertThat(code(refused)).as(role).isEqualTo("FORBIDDEN");
    }
    assertThat(view(admin.data(READS, Map.of("id", gdp)).path("series").path("now")))
        .as("refused retractions change nothing").contains("2024-01-01=91.1");

    JsonNode result = admin.data(RETRACT, args).path("retractBatch");
    assertThat(result.path("observationsRemoved").asInt()).isEqualTo(3);
    assertThat(result.path("keysRestored").asInt()).as("Q1 reads as the first load again").isEqualTo(1);
    assertThat(result.path("keysRestoredFromArchive").asInt()).isBetween(0, 1);
    assertThat(result.path("filesRewritten").asInt()).isPositive();
    assertThat(result.path("retraction").path("reason").asString()).isEqualTo("test feed loaded by mistake");
    assertThat(result.path("retraction").path("retractedBy").isNull()).isFalse();

    JsonNode after = admin.data(READS, Map.of("id", gdp)).path("series");
    assertThat(view(after.path("now"))).isEqualTo("2024-01-01=1.1 2024-04-01=1.2 2024-07-01=1.3");
    assertThat(view(after.path("june"))).isEqualTo("2024-01-01=1.1 2024-04-01=1.2 2024-07-01=1.3");
    assertThat(view(after.path("early"))).as("as of before any load: unchanged, empty")
        .isEqualTo(view(before.path("early"))).isEmpty();
    assertThat(texts(after.path("vintages"))).containsExactly("2024-05-01");
    assertThat(after.path("changes")).isEmpty();
    assertThat(after.path("revisions")).hasSize(1);
    assertThat(after.path("revisions").get(0).path("value").asString()).isEqualTo("1.3");
    assertThat(after.path("revisions").get(0).path("supersededOn").isNull()).isTrue();

    JsonNode archived = admin.data("{ archivedBatch(batchId: \"retract-bad\") { status points { value } "
        + "retraction { reason retractedAt } } }").path("archivedBatch");
    assertThat(archived.path("status").asString()).isEqualTo("COMMITTED");
    assertThat(archived.path("points")).hasSize(3);
    assertThat(archived.path("retraction").path("reason").asString()).isEqualTo("test feed loaded by mistake");
    assertThat(archived.path("retraction").path("retractedAt").asString())
        .isEqualTo(result.path("retraction").path("retractedAt").asString());

    JsonNode resent = admin.execute(BULK, Map.of("input", Map.of("batchId", "retract-bad", "points", List.of(
        point(gdp, "2024-01-01", "91.1", "2024-05-01")))));
    assertThat(code(resent)).isEqualTo("CONFLICT");
    assertThat(code(admin.execute(RETRACT, args))).isEqualTo("CONFLICT");
    assertThat(code(admin.execute(RETRACT, Map.of("id", "retract-never-sent", "reason", "x")))).isEqualTo("NOT_FOUND");
    assertThat(view(admin.data(READS, Map.of("id", gdp)).path("series").path("now")))
        .isEqualTo("2024-01-01=1.1 2024-04-01=1.2 2024-07-01=1.3");
  }
}
