package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.GraphQLClient;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Exact decimals in every encoding through the real gateway (issue 14, item 4), and hostile text in the
 * mutations of every subgraph (item 9): a {@code Decimal} sent as a string is stored exactly at any stored
 * precision, as a JSON number exactly up to 15 significant digits and refused past them (the gateway has
 * read it as a double), as an NDJSON number exactly; SQL-like, path-like, control and invalid-Unicode text
 * gets a result or a documented client code, never INTERNAL.
 */
@ExtendWith(RunningAlmanac.class)
class DecimalsAndHostileTextThroughGatewayTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String EXACT = "1234567890.1234567891";
  private static final String BULK = """
      mutation($input: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $input) {
        status errors { index code message } } }""";

  private static GraphQLClient gateway;
  private static String seriesId;
  private static String providerId;

  @BeforeAll
  static void series() {
    gateway = RunningAlmanac.get().gateway();
    providerId = gateway.data("mutation { createProvider(input: {name: \"Decimal Bureau\", type: FILE}) { id } }")
        .path("createProvider").path("id").asString();
    seriesId = gateway.data("""
        mutation($p: ID!) { upsertSeries(input: [{providerId: $p, externalId: "EXACT", title: "Exact decimals",
          frequency: DAILY}]) { series { id } } }""", Map.of("p", providerId))
        .path("upsertSeries").path("series").get(0).path("id").asString();
  }

  private static Map<String, Object> point(String date, Object value) {
    return Map.of("seriesId", seriesId, "date", date, "value", value, "revisionDate", "2024-01-01");
  }

  private static String stored(String date) {
    JsonNode nodes = gateway.data("query($id: ID!, $d: Date!) { series(id: $id) { observations(from: $d, to: $d) "
        + "{ nodes { value } } } }", Map.of("id", seriesId, "d", date)).path("series").path("observations")
        .path("nodes");
    return nodes.isEmpty() ? null : nodes.get(0).path("value").asString();
  }

  @Test
  void decimalsAreExactInEveryEncodingOrRefused() throws Exception {
    // A string: exact.
    JsonNode asString = gateway.data(BULK, Map.of("input", Map.of("points", List.of(point("2001-01-01", EXACT)))))
        .path("bulkUpsertDataPoints");
    assertThat(asString.path("status").asString()).isEqualTo("COMMITTED");
    assertThat(new BigDecimal(stored("2001-01-01"))).isEqualByComparingTo(EXACT);

    // A variable number: the gateway parsed it as a double, so 20 digits cannot be exact: refused.
    String body = "{\"query\": " + JSON.writeValueAsString(BULK) + ", \"variables\": {\"input\": {\"points\": [{"
        + "\"seriesId\": \"" + seriesId + "\", \"date\": \"2001-01-02\", \"value\": " + EXACT + "}, {"
        + "\"seriesId\": \"" + seriesId + "\", \"date\": \"2001-01-03\", \"value\": 123456789.012345}]}}}";
    JsonNode asNumber = post(RunningAlmanac.get().stack().gateway(), "application/json", body)
        .path("data").path("bulkUpsertDataPoints");
    assertThat(asNumber.path("status").asString()).isEqualTo("PARTIAL");
    assertThat(asNumber.path("errors")).hasSize(1);
    assertThat(asNumber.path("errors").get(0).path("index").asInt()).isZero();
    assertThat(asNumber.path("errors").get(0).path("code").asString()).isEqualTo("INVALID_VALUE");
    assertThat(asNumber.path("errors").get(0).path("message").asString()).contains("send decimals as strings");
    assertThat(stored("2001-01-02")).isNull();
    assertThat(new BigDecimal(stored("2001-01-03"))).isEqualByComparingTo("123456789.012345");

    // A literal number: refused the same way, whatever the gateway did with its text.
    JsonNode literal = gateway.data("""
        mutation { bulkUpsertDataPoints(input: {points: [
          {seriesId: "%s", date: "2001-01-04", value: %s, revisionDate: "2024-01-01"}]}) {
          status errors { index code message } } }""".formatted(seriesId, EXACT)).path("bulkUpsertDataPoints");
    assertThat(literal.path("status").asString()).isEqualTo("REJECTED");
    assertThat(literal.path("errors").get(0).path("code").asString()).isEqualTo("INVALID_VALUE");
    assertThat(stored("2001-01-04")).isNull();

    // NDJSON to the crawler API: the number's own text, exact.
    String ndjson = "{\"seriesId\": " + seriesId + ", \"date\": \"2001-01-05\", \"value\": " + EXACT
        + ", \"revisionDate\": \"2024-01-01\"}\n";
    JsonNode uploaded = post(RunningAlmanac.get().stack().crawler().resolve("/bulk/points"), "application/x-ndjson",
        ndjson);
    assertThat(uploaded.path("status").asString()).isEqualTo("COMMITTED");
    assertThat(new BigDecimal(stored("2001-01-05"))).isEqualByComparingTo(EXACT);
  }

  private static JsonNode post(URI uri, String contentType, String body) throws Exception {
    HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
        HttpRequest.newBuilder(uri).header("Content-Type", contentType)
            .header("Authorization", RunningAlmanac.get().stack().adminAuthorization())
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static final List<String> HOSTILE = List.of("'; DROP TABLE users.users; --", "../../etc/passwd",
      "a\u0000b", "\uD800", "\u202Eevil", "\u0007\u001b[2J", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "${jndi:ldap://x/a}", "", "x".repeat(10_000));

  /** Codes a client may see for text it sent: the README's error table. */
  private static final Set<String> CLIENT_CODES = Set.of("BAD_USER_INPUT", "CONFLICT", "GRAPHQL_VALIDATION_FAILED",
      "LIMIT_EXCEEDED");

  @Test
  void hostileTextInEveryTextMutationGetsAResultOrAClientCode() {
    int n = 0;
    for (String text : HOSTILE) {
      n++;
      Map<String, Object> series = new HashMap<>(Map.of("providerId", providerId, "externalId", text + n,
          "title", text, "frequency", "DAILY"));
      series.put("description", text);
      check("upsertSeries", gateway.execute("mutation($s: [SeriesInput!]!) { upsertSeries(input: $s) { "
          + "series { id } errors { code } } }", Map.of("s", List.of(series))));
      check("createProvider", gateway.execute("mutation($n: String!) { createProvider(input: {name: $n, type: API,"
          + " description: $n}) { id } }", Map.of("n", text + n)));
      check("createUser", gateway.execute("mutation($e: String!, $d: String) { createUser(input: {email: $e,"
          + " displayName: $d}) { id } }", Map.of("e", text + n + "@example.com", "d", text)));
      check("searchSeries", gateway.execute("query($q: String!) { searchSeries(query: $q) { nodes { id } } }",
          Map.of("q", text)));
    }
  }

  private static void check(String what, JsonNode response) {
    for (JsonNode error : response.path("errors")) {
      assertThat(error.path("extensions").path("code").asString()).as(what + ": " + error).isIn(CLIENT_CODES);
      assertThat(error.toString()).as(what).doesNotContain("Exception", "SELECT", "INSERT ");
    }
  }
}
