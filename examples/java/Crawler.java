import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal Almanac crawler in plain Java 17 (the JDK's HTTP client, no libraries): creates a provider and a
 * series if they do not exist, uploads a small batch of points with a batch id over the crawler API's HTTP bulk
 * path, and reads the series back through the gateway.
 *
 * <pre>
 * java examples/java/Crawler.java [--gateway URL] [--crawler URL] [--key KEY]
 * </pre>
 * Defaults: $ALMANAC_GATEWAY_URL or http://127.0.0.1:4000, $ALMANAC_CRAWLER_URL or http://127.0.0.1:4002,
 * $ALMANAC_KEY (a CRAWLER or ADMIN key; `./almanac start` prints one). Exits 0 when the points read back are
 * the points sent, 1 otherwise.
 */
public class Crawler {

  static final String PROVIDER = "Example Crawler (Java)";
  static final String SERIES = "EXAMPLE_JAVA";

  // HTTP/1.1: Hive Gateway takes the JDK client's h2c upgrade for a WebSocket upgrade.
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static String gateway = env("ALMANAC_GATEWAY_URL", "http://127.0.0.1:4000");
  static String crawler = env("ALMANAC_CRAWLER_URL", "http://127.0.0.1:4002");
  static String key = System.getenv("ALMANAC_KEY");

  public static void main(String[] args) throws Exception {
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--gateway" -> gateway = args[i + 1];
        case "--crawler" -> crawler = args[i + 1];
        case "--key" -> key = args[i + 1];
        default -> fail("unknown option " + args[i] + "; usage: java Crawler.java [--gateway URL] [--crawler URL] [--key KEY]");
      }
    }
    if (key == null || key.isBlank()) {
      fail("give --key KEY or set ALMANAC_KEY (a CRAWLER or ADMIN key)");
    }

    // 1. The provider: found by name, else created.
    String found = graphql("query($s: String) { providers(search: $s) { nodes { id name } } }",
        "{\"s\": " + json(PROVIDER) + "}");
    String providerId = idOfNamed(found, PROVIDER);
    if (providerId == null) {
      String created = graphql("mutation($n: String!) { createProvider(input: {name: $n, type: API}) { id } }",
          "{\"n\": " + json(PROVIDER) + "}");
      providerId = firstId(created);
    }

    // 2. The series: upsertSeries creates it or updates its metadata (identified by provider + external id).
    String upserted = graphql("mutation($p: ID!, $x: String!) { upsertSeries(input: [{providerId: $p, externalId: $x,"
        + " title: \"Example series (Java crawler)\", frequency: MONTHLY, units: \"Index\"}]) { series { id } } }",
        "{\"p\": " + json(providerId) + ", \"x\": " + json(SERIES) + "}");
    String seriesId = firstId(upserted);

    // 3. A small batch over HTTP, as NDJSON. The batch id makes a retry safe: re-sent, it writes nothing
    //    and answers the first result ("replayed": true).
    LocalDate today = LocalDate.now();
    StringBuilder ndjson = new StringBuilder();
    String[] values = {"100.5", "101.25", "99.75"};
    for (int i = 0; i < values.length; i++) {
      ndjson.append("{\"providerId\": ").append(json(providerId)).append(", \"externalId\": ").append(json(SERIES))
          .append(", \"date\": \"").append(LocalDate.of(2024, 1 + i, 1)).append("\", \"value\": \"").append(values[i])
          .append("\", \"revisionDate\": \"").append(today).append("\"}\n");
    }
    String batchId = "example-java-" + today;
    HttpResponse<String> upload = HTTP.send(HttpRequest.newBuilder(URI.create(crawler + "/bulk/points?batchId="
            + URLEncoder.encode(batchId, StandardCharsets.UTF_8)))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofString(ndjson.toString())).build(), HttpResponse.BodyHandlers.ofString());
    System.out.println("Upload " + batchId + ": HTTP " + upload.statusCode() + " " + upload.body());
    if (upload.statusCode() != 200 || upload.body().contains("\"REJECTED\"")) {
      fail("the upload was refused");
    }

    // 4. Read it back through the gateway, as of today.
    String read = graphql("query($id: ID!) { series(id: $id) { title observations(from: \"2024-01-01\","
        + " to: \"2024-03-01\") { nodes { date value } } } }", "{\"id\": " + json(seriesId) + "}");
    System.out.println("Read back: " + read);
    for (String value : values) {
      if (!read.contains("\"value\":\"" + value + "\"")) {
        fail("value " + value + " was not read back");
      }
    }
    System.out.println("OK: series " + seriesId + " holds the " + values.length + " points sent.");
  }

  /** POSTs a GraphQL request to the gateway; returns the response body, or fails on errors. */
  static String graphql(String query, String variables) throws Exception {
    String body = "{\"query\": " + json(query) + ", \"variables\": " + variables + "}";
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/graphql"))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200 || response.body().contains("\"errors\"")) {
      fail("GraphQL answered HTTP " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  /** The first "id" in a response. */
  static String firstId(String response) {
    Matcher m = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(response);
    return m.find() ? m.group(1) : null;
  }

  /** The id of the node {"id": ..., "name": name} in a response (ids come first: the query selects them first). */
  static String idOfNamed(String response, String name) {
    Matcher m = Pattern.compile("\\{\"id\":\"([^\"]+)\",\"name\":" + Pattern.quote(json(name)) + "\\}")
        .matcher(response);
    return m.find() ? m.group(1) : null;
  }

  /** A JSON string literal. */
  static String json(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    return out.append('"').toString();
  }

  static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  static void fail(String message) {
    System.err.println("crawler: " + message);
    System.exit(1);
  }
}
