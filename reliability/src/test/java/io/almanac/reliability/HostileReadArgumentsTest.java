package io.almanac.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.GraphQLClient;
import io.almanac.local.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hostile values for every read argument (issue 14, item 9, read side), through the real gateway: dates
 * out of range (year 0, 10000, February 30), empty and giant strings, control and unicode characters,
 * SQL-like and path-like text, extreme and wrongly typed numbers, unknown enum values, deep nesting and
 * aliases multiplying expensive fields, and the export endpoints' path and query parameters. Every
 * answer must be below HTTP 500, every error must carry a documented code other than INTERNAL, and no
 * message may show a stack trace, SQL or a Java class name. Each try sends {@code Sizes.pick(1, 8)}
 * values; one stack for the class.
 */
class HostileReadArgumentsTest {

  /** The codes a client may see for a read it got wrong (README "Errors"); INTERNAL is not among them. */
  private static final Set<String> DOCUMENTED = Set.of("BAD_USER_INPUT", "NOT_FOUND", "UNAUTHENTICATED", "FORBIDDEN",
      "LIMIT_EXCEEDED", "GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED");
  private static final Pattern LEAK = Pattern.compile("Exception|\\bat [a-z]+\\.[a-z]+\\.|\\bjava\\.|\\bjavax\\."
      + "|\\bio\\.almanac|\\borg\\.(?:jooq|postgresql|apache|springframework)|\\bSELECT\\b|\\bFROM \"|\\bWHERE\\b"
      + "|[A-Z][a-zA-Z]+Value\\{|ArrayList|HashMap|\\bBigDecimal\\b|\\bNullPointer|/work/|\\.java:\\d");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final AtomicInteger REQUESTS = new AtomicInteger();

  private static LocalStack stack;
  private static String key;
  private static String seriesId;
  private static String providerId;

  @BeforeContainer
  static void start() throws IOException {
    Path home = Path.of("..").toAbsolutePath().normalize();
    Path runDir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "hostile-reads");
    // A generous gateway timeout: this test asserts codes, not latency, and a cold read of a giant argument
    // on a busy build machine must not turn into UNAVAILABLE (SubgraphDownTest tests timeouts).
    stack = LocalStack.start(new LocalStack.Options(home, runDir, null, null, null, 0, 0, 0, 0, false,
        Map.of("ALMANAC_UPSTREAM_TIMEOUT", "60000")));
    key = stack.adminAuthorization();
    GraphQLClient admin = new GraphQLClient(stack.gateway(), key);
    providerId = admin.data("mutation { createProvider(input: {name: \"Hostile Bureau\", type: API}) { id } }")
        .path("createProvider").path("id").asString();
    seriesId = admin.data("""
        mutation($p: ID!) { upsertSeries(input: [{providerId: $p, externalId: "HOSTILE", title: "Hostile reads",
          frequency: MONTHLY}]) { series { id } } }""", Map.of("p", providerId))
        .path("upsertSeries").path("series").get(0).path("id").asString();
    List<Map<String, Object>> points = new ArrayList<>();
    for (int month = 0; month < 36; month++) {
      String date = String.format("%d-%02d-01", 2020 + month / 12, month % 12 + 1);
      points.add(Map.of("seriesId", seriesId, "date", date, "value", String.valueOf(100 + month), "revisionDate",
          "2023-06-01"));
      points.add(Map.of("seriesId", seriesId, "date", date, "value", String.valueOf(101 + month), "revisionDate",
          "2024-06-01"));
    }
    assertThat(admin.data("mutation($i: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $i) { status } }",
        Map.of("i", Map.of("points", points))).path("bulkUpsertDataPoints").path("status").asString())
        .isEqualTo("COMMITTED");
    admin.data("mutation($p: ID!) { startRun(providerId: $p) { id } }", Map.of("p", providerId));
  }

  @AfterContainer
  static void stop() {
    if (stack != null) {
      System.out.println("HostileReadArgumentsTest: " + REQUESTS.get() + " hostile requests");
      stack.close();
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Values

  private static final List<String> CORPUS = List.of("", " ", "0000-01-01", "0000-00-00", "10000-01-01",
      "+10000-01-01", "-0001-01-01", "+999999999-12-31", "-999999999-01-01", "2024-02-30", "2023-02-29",
      "1900-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "9999-12-31", "0001-01-01", "2024-1-1", "20240101",
      "2024-01-01T00:00:00Z", "2024-01-01 ", "\u20122024-01-01", "２０２４-０１-０１", "\uFEFF2024-01-01",
      "'; DROP TABLE crawler.providers; --", "1 OR 1=1", "1' OR '1'='1", "\" OR \"\"=\"", "%' OR 1=1 --", "$1",
      "../../../../etc/passwd", "..\\..\\..\\windows\\win.ini", "/etc/passwd\u0000.csv", "%2e%2e%2f%2e%2e%2f",
      "file:///etc/passwd", "${jndi:ldap://127.0.0.1/a}", "{{7*7}}", "<script>alert(1)</script>", "\u0000",
      "\u0007\u001b[31mred", "\r\n\r\nHTTP/1.1 200 OK", "😀📈", "e\u0301", "\u202Egnp.exe", "NaN", "Infinity", "-1",
      "0", "9223372036854775808", "-9223372036854775809", "1e400", "null", "true", "[]", "{}",
      "YWZ0ZXI6MTAw", "cursor:-1", "0:0:0", "alm_00000000_", "*", "%", "_", "\\", "'", "\"");

  /** Text a client could send where a date, string, id or cursor is expected. */
  @Provide
  Arbitrary<List<String>> hostileTexts() {
    Arbitrary<String> dateShaped = Combinators.combine(Arbitraries.integers().between(-1, 100_000),
        Arbitraries.integers().between(-1, 14), Arbitraries.integers().between(-1, 33))
        .as((y, m, d) -> String.format("%04d-%02d-%02d", y, m, d));
    Arbitrary<String> text = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of(CORPUS)),
        Tuple.of(3, dateShaped),
        Tuple.of(2, Arbitraries.strings().withCharRange('\u0000', '\uD7FF').ofMaxLength(40)),
        Tuple.of(1, Arbitraries.strings().withChars("0123456789-+:TZ/.%_ '\"\\;*").ofMaxLength(30)),
        Tuple.of(1, Arbitraries.integers().between(1_000, 200_000).map(n -> "9".repeat(n))),
        Tuple.of(1, Arbitraries.integers().between(1_000, 200_000).map(n -> "x".repeat(n))));
    return text.list().ofSize(Sizes.pick(1, 8));
  }

  /** JSON values a client could send where an Int is expected: extremes, and values that are not Ints. */
  @Provide
  Arbitrary<List<Object>> hostileInts() {
    Arbitrary<Object> ints = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of(Integer.MIN_VALUE, -1, 0, 1, 10_000, 10_001, 1_000_001, Integer.MAX_VALUE)),
        Tuple.of(3, Arbitraries.integers().map(Object.class::cast)),
        Tuple.of(1, Arbitraries.of(2_147_483_648L, -2_147_483_649L, Long.MAX_VALUE, 1.5, 1e300, "10", "ten", true)));
    return ints.list().ofSize(Sizes.pick(1, 8));
  }

  // ---------------------------------------------------------------------------------------------------
  // Requests and checks

  private record Answer(int status, String contentType, String body) {}

  private static Answer send(HttpRequest request) {
    REQUESTS.incrementAndGet();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.headers().firstValue("content-type").orElse(""),
          response.body());
    } catch (IOException e) {
      throw new AssertionError(request.uri() + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static Answer graphql(String query, Map<String, Object> variables) {
    Map<String, Object> body = new HashMap<>();
    body.put("query", query);
    body.put("variables", variables);
    return send(HttpRequest.newBuilder(stack.gateway()).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").header("Authorization", key)
        .header("Accept", "application/graphql-response+json, application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
  }

  private static Answer get(String rawPathAndQuery) {
    return send(HttpRequest.newBuilder(URI.create(stack.gateway().resolve("/").toString() + rawPathAndQuery.substring(1)))
        .timeout(Duration.ofSeconds(60)).header("Authorization", key).GET().build());
  }

  /**
   * Below 500; when the body is JSON: every error coded with a documented code, and no message showing
   * internals (the hostile value itself, which messages may quote, is taken out before looking).
   */
  private static void assertNamedRefusalOrAnswer(String what, Answer answer, Object hostile) {
    String context = what + " with " + abbreviate(String.valueOf(hostile)) + " -> HTTP " + answer.status() + " "
        + abbreviate(answer.body());
    assertThat(answer.status()).as(context).isLessThan(500);
    if (answer.status() == 431) {
      // Node's HTTP parser refuses a request line over its limit (1 MiB: maxHeaderSize in gateway.config.mjs)
      // before any handler runs (empty body).
      return;
    }
    if (!answer.contentType().contains("json")) {
      assertThat(answer.status()).as("a refusal not in the GraphQL error shape: " + context).isLessThan(400);
      return;
    }
    JsonNode body = JSON.readTree(answer.body());
    if (answer.status() >= 400) {
      assertThat(body.path("errors").isEmpty()).as("a refusal without errors: " + context).isFalse();
    }
    for (JsonNode error : body.path("errors")) {
      String code = error.path("extensions").path("code").asString("");
      assertThat(DOCUMENTED).as(context).contains(code);
      String message = error.path("message").asString("");
      String text = String.valueOf(hostile);
      if (!text.isEmpty()) {
        message = message.replace(text, "").replace(JSON.writeValueAsString(text), "");
      }
      assertThat(LEAK.matcher(message).find()).as("leak in " + context).isFalse();
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 400 ? text : text.substring(0, 400) + "... (" + text.length() + " chars)";
  }

  /** A GraphQL string literal holding {@code value} (JSON's escapes are GraphQL's). */
  private static String literal(String value) {
    return JSON.writeValueAsString(value);
  }

  // ---------------------------------------------------------------------------------------------------
  // Properties

  // One request per argument: a refused non-null field nulls its parent, and the gateway then stops
  // collecting the other fields' errors, which would hide a failure of theirs.

  /** Every Date argument of Series (V: the value). */
  private static final List<String> DATE_READS = List.of(
      "observations(from: V) { nodes { date } }", "observations(to: V) { nodes { date } }",
      "observations(asOf: V) { nodes { date } }", "data(from: V) { dates }", "data(to: V) { dates }",
      "data(asOf: V) { dates }", "latest(asOf: V) { value }", "vintages(from: V)", "vintages(to: V)",
      "revisions(date: V) { value }", "vintagePanel(vintageDates: [V]) { dates }",
      "vintagePanel(vintageDates: [\"2024-01-01\"], from: V) { dates }",
      "vintagePanel(vintageDates: [\"2024-01-01\"], to: V) { dates }", "changes(since: V) { date }",
      "changes(since: \"2000-01-01\", until: V) { date }", "revisionStats(from: V) { observations }",
      "revisionStats(to: V) { observations }", "revisionStats(asOf: V) { observations }");

  @Property(tries = 10)
  void hostileDatesInEveryDateArgument(@ForAll("hostileTexts") List<String> values) {
    for (String value : values) {
      for (String read : DATE_READS) {
        assertNamedRefusalOrAnswer(read + " (variable)", graphql(
            "query($v: Date!) { series(id: \"" + seriesId + "\") { " + read.replace("V", "$v") + " } }",
            Map.of("v", value)), value);
        assertNamedRefusalOrAnswer(read + " (literal)", graphql(
            "{ series(id: \"" + seriesId + "\") { " + read.replace("V", literal(value)) + " } }", Map.of()), value);
      }
    }
  }

  /** Every String, ID and cursor argument of every read ($s: String!, $id: ID!; S and P: existing ids). */
  private static final List<String> TEXT_READS = List.of(
      "series(id: $id) { id }", "seriesByExternalId(providerId: $id, externalId: \"HOSTILE\") { id }",
      "seriesByExternalId(providerId: \"P\", externalId: $s) { id }", "searchSeries(query: $s) { nodes { id } }",
      "searchSeries(after: $s) { nodes { id } }", "searchSeries(filter: {providerId: $id}) { nodes { id } }",
      "series(id: \"S\") { observations(after: $s) { nodes { date } } }",
      "series(id: \"S\") { observations(before: $s) { nodes { date } } }", "provider(id: $id) { id }",
      "providers(search: $s) { nodes { id } }", "providers(after: $s) { nodes { id } }",
      "provider(id: \"P\") { series(after: $s) { nodes { id } } }",
      "provider(id: \"P\") { runs(after: $s) { nodes { id } } }", "run(id: $id) { id }",
      "runs(providerId: $id) { nodes { id } }", "runs(after: $s) { nodes { id } }",
      "archivedBatch(batchId: $id) { status }", "user(id: $id) { id }", "users(after: $s) { nodes { id } }");

  @Property(tries = 20)
  void hostileTextInEveryStringIdAndCursorArgument(@ForAll("hostileTexts") List<String> values) {
    for (String value : values) {
      for (String read : TEXT_READS) {
        String query = "query($s: String!, $id: ID!) { " + read.replace("\"S\"", "\"" + seriesId + "\"")
            .replace("\"P\"", "\"" + providerId + "\"") + " }";
        assertNamedRefusalOrAnswer(read, graphql(query, Map.of("s", value, "id", value)), value);
      }
    }
  }

  /** Every Int argument (page sizes, last; $n: Int!). */
  private static final List<String> INT_READS = List.of(
      "searchSeries(first: $n) { nodes { id } }", "series(id: \"S\") { observations(first: $n) { nodes { date } } }",
      "series(id: \"S\") { observations(last: $n) { nodes { date } } }", "series(id: \"S\") { data(last: $n) { dates } }",
      "providers(first: $n) { nodes { id } }", "runs(first: $n) { nodes { id } }", "users(first: $n) { nodes { id } }",
      "provider(id: \"P\") { series(first: $n) { nodes { id } } }", "provider(id: \"P\") { runs(first: $n) { nodes { id } } }");

  @Property(tries = 20)
  void hostileNumbersInEveryIntArgument(@ForAll("hostileInts") List<Object> values) {
    for (Object value : values) {
      for (String read : INT_READS) {
        String query = "query($n: Int!) { " + read.replace("\"S\"", "\"" + seriesId + "\"")
            .replace("\"P\"", "\"" + providerId + "\"") + " }";
        assertNamedRefusalOrAnswer(read, graphql(query, Map.of("n", value)), value);
      }
    }
  }

  /** Enum and Boolean arguments given text (as variables: the gateway checks them). */
  @Property(tries = 15)
  void hostileTextInEveryEnumAndBooleanArgument(@ForAll("hostileTexts") List<String> values) {
    String query = """
        query($f: Frequency, $t: Transform, $a: Aggregation, $w: DayOfWeek, $b: Boolean, $ps: ProviderStatus,
              $rs: RunStatus, $ro: RunOrder) {
          series(id: "S") { data(frequency: $f, transform: $t, aggregation: $a, weekEnding: $w, firstRelease: $b) { dates } }
          providers(status: $ps) { nodes { id } } runs(status: $rs, orderBy: $ro) { nodes { id } }
        }""".replace("\"S\"", "\"" + seriesId + "\"");
    for (String value : values) {
      for (String variable : List.of("f", "t", "a", "w", "b", "ps", "rs", "ro")) {
        assertNamedRefusalOrAnswer("enum variable $" + variable, graphql(query, Map.of(variable, value)), value);
      }
    }
  }

  /** Nesting from 1 to 40 levels: answered, or refused with LIMIT_EXCEEDED. */
  @Property(tries = 10)
  void deeplyNestedQueries(@ForAll("depths") int depth) {
    StringBuilder query = new StringBuilder("{ series(id: \"" + seriesId + "\") { ");
    query.append("provider { series { nodes { ".repeat(depth)).append("id").append(" } } }".repeat(depth));
    Answer answer = graphql(query.append(" } }").toString(), Map.of());
    assertNamedRefusalOrAnswer("depth " + depth, answer, depth);
  }

  @Provide
  Arbitrary<Integer> depths() {
    return Arbitraries.integers().between(1, 40);
  }

  /** Up to 3,000 aliases of the costliest reads: answered within the client timeout, or LIMIT_EXCEEDED. */
  @Property(tries = 10)
  void aliasesMultiplyingExpensiveFields(@ForAll("aliasCounts") int count, @ForAll("expensiveFields") String field) {
    StringBuilder query = new StringBuilder("{ series(id: \"" + seriesId + "\") { ");
    for (int i = 0; i < count; i++) {
      query.append('a').append(i).append(": ").append(field).append(' ');
    }
    assertNamedRefusalOrAnswer(count + " aliases of " + field, graphql(query.append("} }").toString(), Map.of()), count);
  }

  @Provide
  Arbitrary<Integer> aliasCounts() {
    return Arbitraries.integers().between(1, 3_000);
  }

  @Provide
  Arbitrary<String> expensiveFields() {
    return Arbitraries.of("data(transform: PERCENT_CHANGE_FROM_YEAR_AGO) { values }",
        "vintagePanel(vintageDates: [\"2023-06-01\", \"2024-06-01\"]) { values }", "revisionStats { meanRevision }",
        "changes(since: \"2000-01-01\") { date }", "observations(first: 10000) { nodes { value } }");
  }

  /** The export endpoints: hostile path ids, extensions and every query parameter. */
  @Property(tries = 25)
  void hostileExportPathsAndParameters(@ForAll("hostileTexts") List<String> values,
      @ForAll("exportParameters") String parameter, @ForAll("exportExtensions") String extension) {
    for (String value : values) {
      String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8);
      String base = switch (parameter) {
        case "ids" -> "/export/panel." + extension + "?";
        case "vintageDates" -> "/export/vintages/" + seriesId + "." + extension + "?";
        default -> "/export/series/" + seriesId + "." + extension + "?";
      };
      assertNamedRefusalOrAnswer("export " + parameter, get(base + parameter + "=" + encoded), value);
      assertNamedRefusalOrAnswer("export path id", get("/export/series/" + encoded + "." + extension), value);
      assertNamedRefusalOrAnswer("export panel ids", get("/export/panel." + extension + "?ids=" + seriesId + ","
          + encoded + "&layout=" + (value.length() % 2 == 0 ? "long" : encoded)), value);
    }
  }

  @Provide
  Arbitrary<String> exportParameters() {
    return Arbitraries.of("from", "to", "asOf", "firstRelease", "transform", "frequency", "aggregation", "weekEnding",
        "last", "decimals", "layout", "ids", "vintageDates", "unknownParameter");
  }

  @Provide
  Arbitrary<String> exportExtensions() {
    return Arbitraries.of("csv", "arrow", "parquet", "CSV", "xml", "csv.exe", "");
  }

  /** The document itself: giant or control-laden query text is refused by name, never a 5xx. */
  @Property(tries = 10)
  void hostileDocuments(@ForAll("hostileTexts") List<String> values) {
    for (String value : values) {
      assertNamedRefusalOrAnswer("document", graphql(value, Map.of()), value);
      assertNamedRefusalOrAnswer("operation name", send(HttpRequest.newBuilder(stack.gateway())
          .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json").header("Authorization", key)
          .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("query", "{ __typename }",
              "operationName", value)))).build()), value);
    }
  }
}
