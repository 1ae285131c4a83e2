package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.GraphQLClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One request of every class of client mistake, through the real gateway: each must come back with its
 * documented code (and the argument at fault where one is), an HTTP status below 500, and a message
 * free of stack traces, SQL and Java class names; never INTERNAL or DOWNSTREAM_SERVICE_ERROR.
 */
@ExtendWith(RunningAlmanac.class)
class ClientErrorsThroughGatewayTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  /** What a client must never read in an error message. */
  private static final Pattern LEAK = Pattern.compile(
      "Exception|\\bat [a-z]+\\.[a-z]+\\.|\\bjava\\.|\\bio\\.almanac|\\bSELECT\\b|\\bINSERT\\b|[A-Z][a-zA-Z]+Value\\{"
          + "|ArrayList|HashMap|LinkedHashMap|\\bInteger\\b|\\bLong\\b|BigDecimal|\\bnull pointer");

  private record Answer(int status, JsonNode body) {}

  /** One mistake: what is sent, and the code and argument it must get ({@code argument} null: none). */
  private record Case(String name, Supplier<Answer> send, String code, String argument) {}

  private static URI gateway;
  private static String admin;
  private static String viewer;

  @BeforeAll
  static void keys() {
    RunningAlmanac.Almanac almanac = RunningAlmanac.get();
    gateway = almanac.stack().gateway();
    admin = almanac.stack().adminAuthorization();
    GraphQLClient client = almanac.gateway();
    String userId = client.data("mutation { createUser(input: {email: \"viewer-client-errors@example.com\", role: VIEWER}) { id } }")
        .path("createUser").path("id").asString();
    viewer = "Bearer " + client.data("mutation($u: ID!) { createApiKey(name: \"errors\", role: VIEWER, userId: $u) { secret } }",
        Map.of("u", userId)).path("createApiKey").path("secret").asString();
  }

  private static Answer post(String authorization, byte[] body) {
    return post(authorization, "application/json", body);
  }

  private static Answer post(String authorization, String contentType, byte[] body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(gateway).timeout(Duration.ofSeconds(60))
        .header("Content-Type", contentType)
        .header("Accept", "application/graphql-response+json, application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return send(request.build());
  }

  private static Answer graphql(String authorization, String query, Map<String, Object> variables) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("query", query);
    body.put("variables", variables);
    return post(authorization, JSON.writeValueAsBytes(body));
  }

  private static Answer graphql(String query, Map<String, Object> variables) {
    return graphql(admin, query, variables);
  }

  private static Answer graphql(String query) {
    return graphql(admin, query, Map.of());
  }

  private static Answer get(String pathAndQuery) {
    return send(HttpRequest.newBuilder(gateway.resolve(pathAndQuery)).timeout(Duration.ofSeconds(60))
        .header("Authorization", admin).GET().build());
  }

  private static Answer send(HttpRequest request) {
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), JSON.readTree(response.body()));
    } catch (IOException e) {
      throw new IllegalStateException(request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String nested(int depth) {
    StringBuilder query = new StringBuilder("{ series(id: \"1\") { ");
    for (int i = 0; i < depth; i++) {
      query.append("provider { series { nodes { ");
    }
    query.append("id");
    query.append(" } } }".repeat(depth));
    return query.append(" } }").toString();
  }

  private static String manyAliases(int count) {
    StringBuilder query = new StringBuilder("{");
    for (int i = 0; i < count; i++) {
      query.append(" a").append(i).append(": series(id: \"1\") { id }");
    }
    return query.append(" }").toString();
  }

  private static Map<String, Object> nullable(String key, Object value) {
    Map<String, Object> map = new HashMap<>();
    map.put(key, value);
    return map;
  }

  private static final String DATA_FROM = "query($d: Date) { series(id: \"1\") { data(from: $d) { dates } } }";

  private static List<Case> cases() {
    return List.of(
        // Custom scalars, as variables and as literals (the gateway cannot check them: the subgraph does).
        new Case("Date variable with month 13", () -> graphql(DATA_FROM, Map.of("d", "2024-13-45")),
            "BAD_USER_INPUT", "from"),
        new Case("Date variable given as a number", () -> graphql(DATA_FROM, Map.of("d", 20240101)),
            "BAD_USER_INPUT", "from"),
        new Case("Date literal Feb 29 of a non-leap year",
            () -> graphql("{ series(id: \"1\") { data(asOf: \"1900-02-29\") { dates } } }"), "BAD_USER_INPUT", "asOf"),
        new Case("Date literal given as a number",
            () -> graphql("{ series(id: \"1\") { data(to: 20240101) { dates } } }"), "BAD_USER_INPUT", "to"),
        new Case("Date in a list variable",
            () -> graphql("query($v: [Date!]!) { series(id: \"1\") { vintagePanel(vintageDates: $v) { dates } } }",
                Map.of("v", List.of("2024-02-30"))), "BAD_USER_INPUT", "vintageDates"),
        new Case("ID variable given as an object",
            () -> graphql("query($id: ID!) { series(id: $id) { title } }", Map.of("id", Map.of("a", 1))),
            "BAD_USER_INPUT", "id"),
        new Case("ID literal given as an object", () -> graphql("{ series(id: {a: 1}) { title } }"),
            "GRAPHQL_VALIDATION_FAILED", null),
        new Case("JSON config that is not an object",
            () -> graphql("mutation { createProvider(input: {name: \"json errors\", type: API, config: [1, 2]}) { id } }"),
            "BAD_USER_INPUT", "input.config"),
        // Wrong types, unknown names.
        new Case("Variable of the wrong type for the argument",
            () -> graphql("query($f: Int) { series(id: $f) { title } }", Map.of("f", 1)), "GRAPHQL_VALIDATION_FAILED", null),
        new Case("Int variable given text",
            () -> graphql("query($n: Int) { searchSeries(first: $n) { nodes { id } } }", Map.of("n", "abc")),
            "BAD_USER_INPUT", "first"),
        new Case("Int literal beyond 32 bits",
            () -> graphql("{ searchSeries(first: 99999999999) { nodes { id } } }"), "GRAPHQL_VALIDATION_FAILED", null),
        new Case("Unknown field", () -> graphql("{ series(id: \"1\") { nope } }"), "GRAPHQL_VALIDATION_FAILED", null),
        new Case("Unknown argument", () -> graphql("{ series(id: \"1\", nope: 1) { title } }"),
            "GRAPHQL_VALIDATION_FAILED", null),
        new Case("Unknown enum literal",
            () -> graphql("{ series(id: \"1\") { data(frequency: HOURLY) { dates } } }"), "GRAPHQL_VALIDATION_FAILED", null),
        new Case("Unknown enum value in a variable",
            () -> graphql("query($f: Frequency) { series(id: \"1\") { data(frequency: $f) { dates } } }",
                Map.of("f", "HOURLY")), "BAD_USER_INPUT", "frequency"),
        new Case("Unknown field of an input object variable",
            () -> graphql("query($f: SeriesFilter) { searchSeries(filter: $f) { nodes { id } } }",
                Map.of("f", Map.of("nope", 1))), "BAD_USER_INPUT", "filter"),
        new Case("Missing required variable",
            () -> graphql("query($id: ID!) { series(id: $id) { title } }", Map.of()), "BAD_USER_INPUT", "id"),
        new Case("Null for a non-null variable",
            () -> graphql("query($id: ID!) { series(id: $id) { title } }", nullable("id", null)), "BAD_USER_INPUT", "id"),
        new Case("Syntax error", () -> graphql("{ series(id: \"1\") { "), "GRAPHQL_PARSE_FAILED", null),
        new Case("Null for a variable a @skip condition uses (nullable, with a default)",
            () -> graphql("query($s: Boolean = true) { series(id: \"1\") { title @skip(if: $s) provider { name } } }",
                nullable("s", null)), "BAD_USER_INPUT", "if"),
        new Case("A subscription (the API has none)", () -> graphql("subscription { nope }"),
            "GRAPHQL_VALIDATION_FAILED", null),
        new Case("GET with variables that are not JSON",
            () -> get("/graphql?query=%7B__typename%7D&variables=%7Bbad"), "BAD_USER_INPUT", null),
        // Limits of the document and the body.
        new Case("Depth over the limit", () -> graphql(nested(6)), "LIMIT_EXCEEDED", null),
        new Case("Tokens over the limit", () -> graphql(manyAliases(1000)), "LIMIT_EXCEEDED", null),
        new Case("Body over the gateway's limit", () -> post(admin, hugeBody()), "LIMIT_EXCEEDED", null),
        new Case("Body that is not JSON", () -> post(admin, "{\"query\": ".getBytes()), "BAD_USER_INPUT", null),
        new Case("A JSON body sent as text/plain (HTTP 415)",
            () -> post(admin, "text/plain", "{\"query\": \"{ __typename }\"}".getBytes()), "BAD_USER_INPUT", null),
        new Case("A body sent as application/xml (HTTP 415)",
            () -> post(admin, "application/xml; charset=utf-8", "<query/>".getBytes()), "BAD_USER_INPUT", null),
        // Arguments the subgraph refuses.
        new Case("from after to",
            () -> graphql("{ series(id: \"1\") { data(from: \"2024-01-01\", to: \"2023-01-01\") { dates } } }"),
            "BAD_USER_INPUT", "from"),
        new Case("Negative first", () -> graphql("{ searchSeries(first: -1) { nodes { id } } }"), "BAD_USER_INPUT", "first"),
        new Case("Garbage cursor",
            () -> graphql("{ series(id: \"1\") { observations(after: \"garbage\") { nodes { date } } } }"),
            "BAD_USER_INPUT", "after"),
        new Case("Export with an impossible date", () -> get("/export/series/1.csv?from=2024-13-01"),
            "BAD_USER_INPUT", "from"),
        new Case("Export of a series that does not exist", () -> get("/export/series/987654.csv"), "NOT_FOUND", null),
        new Case("Export URL longer than the gateway forwards (70,000 characters of ids)",
            () -> get("/export/panel.csv?ids=1," + "9".repeat(70_000)), "LIMIT_EXCEEDED", null),
        new Case("Deleting a provider that still has series",
            () -> graphql("mutation { deleteProvider(id: \"1\") }"), "CONFLICT", null),
        // Keys and roles.
        new Case("Mutation without a key",
            () -> graphql(null, "mutation { createProvider(input: {name: \"no key\", type: API}) { id } }", Map.of()),
            "UNAUTHENTICATED", null),
        new Case("Read with a key that does not exist",
            () -> graphql("Bearer alm_00000000_000000000000000000000000000000000000000000000000",
                "{ series(id: \"1\") { title } }", Map.of()), "UNAUTHENTICATED", null),
        new Case("An Authorization header of 20,000 characters (forwarded, a subgraph's Tomcat would refuse it)",
            () -> graphql("Bearer " + "a".repeat(20_000), "{ series(id: \"1\") { title } }", Map.of()),
            "UNAUTHENTICATED", null),
        new Case("Mutation with a viewer's key",
            () -> graphql(viewer, "mutation { createProvider(input: {name: \"viewer\", type: API}) { id } }", Map.of()),
            "FORBIDDEN", null));
  }

  /** A syntactically valid request just over Yoga's 25,000,000-byte limit. */
  private static byte[] hugeBody() {
    String prefix = "{\"query\":\"{ __typename }\",\"variables\":{\"padding\":\"";
    String suffix = "\"}}";
    byte[] body = new byte[25_000_001 + prefix.length() + suffix.length()];
    java.util.Arrays.fill(body, (byte) 'a');
    System.arraycopy(prefix.getBytes(), 0, body, 0, prefix.length());
    System.arraycopy(suffix.getBytes(), 0, body, body.length - suffix.length(), suffix.length());
    return body;
  }

  @Test
  void everyClassOfMistakeGetsItsDocumentedCode() {
    List<String> failures = new ArrayList<>();
    for (Case c : cases()) {
      Answer answer = c.send().get();
      JsonNode errors = answer.body().path("errors");
      String problem = null;
      if (answer.status() >= 500) {
        problem = "HTTP " + answer.status();
      } else if (!errors.isArray() || errors.isEmpty()) {
        problem = "no error";
      } else {
        JsonNode first = errors.get(0).path("extensions");
        if (!c.code().equals(first.path("code").asString(""))) {
          problem = "code " + first.path("code").asString("(none)");
        } else if (c.argument() != null && !c.argument().equals(first.path("argument").asString(""))) {
          problem = "argument " + first.path("argument").asString("(none)");
        }
        for (JsonNode error : errors) {
          String code = error.path("extensions").path("code").asString("");
          if (code.isEmpty() || code.equals("INTERNAL") || code.equals("DOWNSTREAM_SERVICE_ERROR")
              || code.equals("INTERNAL_SERVER_ERROR")) {
            problem = "an error coded '" + code + "'";
          }
          if (LEAK.matcher(error.path("message").asString("")).find()) {
            problem = "message leaks internals";
          }
        }
      }
      if (problem != null) {
        failures.add(c.name() + ": " + problem + " in HTTP " + answer.status() + " " + answer.body());
      }
    }
    assertThat(failures).isEmpty();
  }

  /**
   * A body no GraphQL parser reads is 415 with the code and a message naming its type and what to send; another
   * method than GET or POST is 405.
   */
  @Test
  void aBodyOfAnotherMediaTypeIs415AndAnotherMethod405WithTheirCode() {
    Answer answer = post(admin, "text/plain; charset=utf-8", "{\"query\": \"{ __typename }\"}".getBytes());
    assertThat(answer.status()).isEqualTo(415);
    JsonNode error = answer.body().path("errors").path(0);
    assertThat(error.path("extensions").path("code").asString()).isEqualTo("BAD_USER_INPUT");
    assertThat(error.path("message").asString()).contains("text/plain").contains("application/json");
    // Another method than GET or POST is 405 in the same shape, naming the method.
    Answer put = send(HttpRequest.newBuilder(gateway).timeout(Duration.ofSeconds(60)).header("Authorization", admin)
        .header("Content-Type", "application/json")
        .method("PUT", HttpRequest.BodyPublishers.ofString("{\"query\": \"{ __typename }\"}")).build());
    assertThat(put.status()).isEqualTo(405);
    assertThat(put.body().path("errors").path(0).path("extensions").path("code").asString()).isEqualTo("BAD_USER_INPUT");
    assertThat(put.body().path("errors").path(0).path("message").asString()).startsWith("PUT is not allowed");
    // JSON in another charset than UTF-8 is refused, not read as UTF-8 (its accents would turn into U+FFFD).
    Answer latin1 = post(admin, "application/json; charset=ISO-8859-1",
        "{\"query\": \"{ __typename }\"}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    assertThat(latin1.status()).isEqualTo(415);
    assertThat(latin1.body().path("errors").path(0).path("extensions").path("argument").asString()).isEqualTo("Content-Type");
    assertThat(latin1.body().path("errors").path(0).path("message").asString()).contains("ISO-8859-1").contains("UTF-8");
    // The same request as JSON is answered: the refusal is about the media type alone.
    Answer json = post(admin, "application/json; charset=utf-8", "{\"query\": \"{ __typename }\"}".getBytes());
    assertThat(json.status()).isEqualTo(200);
    assertThat(json.body().path("data").path("__typename").asString()).isEqualTo("Query");
  }

  /**
   * A path the gateway serves nothing at is 404 NOT_FOUND in the same shape, naming what is served; an Accept
   * header no answer matches is 406 BAD_USER_INPUT naming it (Yoga answered both with an empty body).
   */
  @Test
  void aPathWithNoEndpointIs404AndAnAcceptNothingMatches406() {
    Answer xml = send(HttpRequest.newBuilder(gateway).timeout(Duration.ofSeconds(60)).header("Authorization", admin)
        .header("Content-Type", "application/json").header("Accept", "application/xml")
        .POST(HttpRequest.BodyPublishers.ofString("{\"query\": \"{ __typename }\"}")).build());
    assertThat(xml.status()).isEqualTo(406);
    assertThat(xml.body().path("errors").path(0).path("extensions").path("code").asString()).isEqualTo("BAD_USER_INPUT");
    assertThat(xml.body().path("errors").path(0).path("extensions").path("argument").asString()).isEqualTo("Accept");
    for (String path : List.of("/graphqlx", "/", "/bulk/points")) {
      Answer answer = get(path);
      assertThat(answer.status()).as(path).isEqualTo(404);
      JsonNode error = answer.body().path("errors").path(0);
      assertThat(error.path("extensions").path("code").asString()).as(path).isEqualTo("NOT_FOUND");
      assertThat(error.path("message").asString()).as(path).startsWith("No endpoint at " + path + ": GraphQL is at /graphql");
    }
  }

  /**
   * The crawler's Date and Decimal inputs keep the text as sent: a bad value in one point is that point's
   * error in the result (and archived), not a GraphQL error failing the request.
   */
  @Test
  void badValuesInsideAnUploadArePointErrorsNotRequestErrors() {
    Map<String, Object> point = new LinkedHashMap<>();
    point.put("seriesId", "1");
    point.put("date", "2024-02-30");
    point.put("value", "12,5");
    Answer answer = graphql("""
        mutation($input: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $input) {
          status errors { index code } } }""",
        Map.of("input", Map.of("atomic", true, "points", List.of(point))));
    assertThat(answer.status()).isLessThan(500);
    assertThat(answer.body().path("errors").isMissingNode()).as(answer.body().toString()).isTrue();
    JsonNode result = answer.body().path("data").path("bulkUpsertDataPoints");
    assertThat(result.path("status").asString()).isEqualTo("REJECTED");
    List<String> codes = new ArrayList<>();
    result.path("errors").forEach(e -> codes.add(e.path("code").asString()));
    assertThat(codes).contains("INVALID_DATE");
  }
}
