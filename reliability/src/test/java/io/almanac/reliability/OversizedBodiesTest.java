package io.almanac.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.GraphQLClient;
import io.almanac.local.LocalStack;
import io.almanac.local.ManagedProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Item 8 of issue 14 on a real stack with small limits: bodies ten times a limit, declared and chunked,
 * to the upload endpoint and to every subgraph's GraphQL endpoint, and many limit-sized uploads at once.
 * The crawler API must stay up (the same process), answer every request with 413, BATCH_TOO_LARGE, 429 or
 * success, and every acknowledged batch must be readable afterwards point for point.
 */
class OversizedBodiesTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Points per upload (almanac.ingest.max-points). */
  private static final int MAX_POINTS = 2_000;
  /** Body limit of POST /bulk/points (almanac.http.max-streamed-body-size). */
  private static final long STREAMED_LIMIT = 1L << 20;
  /** Body limit of GraphQL requests (almanac.http.max-body-size). */
  private static final long GRAPHQL_LIMIT = 256L << 10;

  private static LocalStack stack;
  private static GraphQLClient gateway;
  private static URI upload;
  private static String seriesId;
  private static long crawlerPid;

  @BeforeAll
  static void start() throws IOException {
    Path home = Path.of("..").toAbsolutePath().normalize();
    Path runDir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "oversized");
    stack = LocalStack.start(new LocalStack.Options(home, runDir, null, null, null, 0, 0, 0, 0, false, Map.of(
        "ALMANAC_INGEST_MAXPOINTS", String.valueOf(MAX_POINTS),
        // Room for two full uploads at once; a third waits a second, then gets 429.
        "ALMANAC_INGEST_MAXPOINTSINFLIGHT", String.valueOf(2 * MAX_POINTS),
        "ALMANAC_INGEST_INFLIGHTWAIT", "1s",
        "ALMANAC_HTTP_MAXSTREAMEDBODYSIZE", STREAMED_LIMIT + "B",
        "ALMANAC_HTTP_MAXBODYSIZE", GRAPHQL_LIMIT + "B")));
    gateway = new GraphQLClient(stack.gateway(), stack.adminAuthorization());
    String provider = gateway.data("mutation { createProvider(input: {name: \"Oversized\", type: FILE}) { id } }")
        .path("createProvider").path("id").asString();
    seriesId = gateway.data("""
        mutation($p: ID!) { upsertSeries(input: [{providerId: $p, externalId: "BIG", title: "Big uploads",
          frequency: DAILY}]) { series { id } } }""", Map.of("p", provider))
        .path("upsertSeries").path("series").get(0).path("id").asString();
    upload = stack.crawler().resolve("/bulk/points");
    crawlerPid = stack.process("crawler-write-api").pid();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  private static Map<String, String> headers(String contentType) {
    return Map.of("Authorization", stack.adminAuthorization(), "Content-Type", contentType);
  }

  private static JsonNode json(RawHttp.Answer answer) {
    return JSON.readTree(answer.body());
  }

  private static String code(RawHttp.Answer answer) {
    return json(answer).path("errors").get(0).path("extensions").path("code").asString();
  }

  /** One NDJSON line per point; {@code first} numbers the dates. */
  private static byte[] ndjson(int first, int count, int batch) {
    StringBuilder out = new StringBuilder();
    for (int i = first; i < first + count; i++) {
      out.append("{\"seriesId\":\"").append(seriesId).append("\",\"date\":\"").append(date(i))
          .append("\",\"value\":\"").append(value(batch, i)).append("\",\"revisionDate\":\"2024-01-01\"}\n");
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String date(int n) {
    return LocalDate.of(1800, 1, 1).plusDays(n).toString();
  }

  /** A value with all ten stored fractional digits used, different for every batch and point. */
  private static String value(int batch, int n) {
    return batch + "." + String.format("%010d", n * 7L + 3);
  }

  private void assertCrawlerIsTheSameProcess() {
    ManagedProcess crawler = stack.process("crawler-write-api");
    assertThat(crawler.isAlive()).isTrue();
    assertThat(crawler.pid()).isEqualTo(crawlerPid);
  }

  @Test
  void bodiesTenTimesALimitAreRefusedWithoutBeingReadWhole() throws Exception {
    byte[] line = ndjson(0, 1, 0);
    long tenTimes = 10 * STREAMED_LIMIT;

    // Declared: answered on the headers alone, not one body byte needed.
    RawHttp.Answer declared = RawHttp.post(URI.create(upload + "?batchId=ten-declared"),
        headers("application/x-ndjson"), tenTimes, RawHttp.none());
    assertThat(declared.status()).isEqualTo(413);
    assertThat(code(declared)).isEqualTo("LIMIT_EXCEEDED");
    assertThat(json(declared).path("errors").get(0).path("extensions").path("requested").asLong()).isEqualTo(tenTimes);

    // Chunked: the parser stops after max-points + 1 lines, the rest is dropped up to the byte limit, then 413.
    RawHttp.Answer chunked = RawHttp.post(URI.create(upload + "?batchId=ten-chunked"),
        headers("application/x-ndjson"), -1, RawHttp.repeat(line, tenTimes, 16 * 1024));
    assertThat(chunked.status()).isEqualTo(413);
    assertThat(code(chunked)).isEqualTo("LIMIT_EXCEEDED");
    assertThat(json(chunked).path("errors").get(0).path("extensions").path("limit").asLong()).isEqualTo(STREAMED_LIMIT);

    // Ten times max-points but under the byte limit: BATCH_TOO_LARGE, the points read archived.
    StringBuilder csv = new StringBuilder("seriesId,date,value\n");
    for (int i = 0; i < 10 * MAX_POINTS; i++) {
      csv.append(seriesId).append(',').append(date(i)).append(",1\n");
    }
    byte[] csvBytes = csv.toString().getBytes(StandardCharsets.UTF_8);
    assertThat((long) csvBytes.length).isLessThan(STREAMED_LIMIT);
    for (boolean declaredLength : new boolean[] {true, false}) {
      String batch = "ten-points-" + declaredLength;
      RawHttp.Answer tooMany = RawHttp.post(URI.create(upload + "?batchId=" + batch), headers("text/csv"),
          declaredLength ? csvBytes.length : -1, RawHttp.of(csvBytes, 32 * 1024));
      assertThat(tooMany.status()).isEqualTo(200);
      assertThat(json(tooMany).path("status").asString()).isEqualTo("REJECTED");
      assertThat(json(tooMany).path("errors").get(0).path("code").asString()).isEqualTo("BATCH_TOO_LARGE");
      JsonNode archived = gateway.data("query($b: ID!) { archivedBatch(batchId: $b) { status points { index } "
          + "batchErrors { code } } }", Map.of("b", batch)).path("archivedBatch");
      assertThat(archived.path("status").asString()).isEqualTo("REJECTED");
      assertThat(archived.path("points").size()).isEqualTo(MAX_POINTS);
      assertThat(archived.path("batchErrors").get(0).path("code").asString()).isEqualTo("BATCH_TOO_LARGE");
    }

    // GraphQL of every subgraph: ten times the limit, declared and chunked.
    byte[] query = ("{\"query\":\"{ __typename }\",\"variables\":{\"pad\":\"" + "x".repeat((int) (10 * GRAPHQL_LIMIT))
        + "\"}}").getBytes(StandardCharsets.UTF_8);
    for (URI graphql : List.of(stack.crawler(), stack.financial(), stack.users())) {
      RawHttp.Answer big = RawHttp.post(graphql, headers("application/json"), query.length, RawHttp.none());
      assertThat(big.status()).as("declared to %s", graphql).isEqualTo(413);
      assertThat(code(big)).isEqualTo("LIMIT_EXCEEDED");
      RawHttp.Answer bigChunked = RawHttp.post(graphql, headers("application/json"), -1, RawHttp.of(query, 16 * 1024));
      assertThat(bigChunked.status()).as("chunked to %s", graphql).isEqualTo(413);
      assertThat(code(bigChunked)).isEqualTo("LIMIT_EXCEEDED");
    }
    assertCrawlerIsTheSameProcess();

    // And it still works: a small upload is committed.
    RawHttp.Answer small = RawHttp.post(URI.create(upload + "?batchId=after-big"), headers("application/x-ndjson"), -1,
        RawHttp.of(ndjson(15_000, 3, 9), 1024));
    assertThat(small.status()).isEqualTo(200);
    assertThat(json(small).path("status").asString()).isEqualTo("COMMITTED");
  }

  @Test
  void manyLimitSizedUploadsAtOnceAreAnsweredAndNothingAcknowledgedIsLost() throws Exception {
    int clients = Sizes.pick(6, 16);
    int rounds = Sizes.pick(2, 6);
    int firstDate = 20_000; // after the dates the other test writes
    Map<String, String> expected = new ConcurrentHashMap<>();
    AtomicInteger refusedBusy = new AtomicInteger();
    AtomicInteger acknowledged = new AtomicInteger();
    List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        done.add(pool.submit(() -> {
          for (int r = 0; r < rounds; r++) {
            int batch = client * rounds + r;
            int first = firstDate + batch * MAX_POINTS;
            byte[] body = ndjson(first, MAX_POINTS, batch);
            // Half the clients declare their length, half send chunked (permits for a whole batch then).
            long length = client % 2 == 0 ? body.length : -1;
            for (int attempt = 0; ; attempt++) {
              RawHttp.Answer answer = RawHttp.post(URI.create(upload + "?batchId=load-" + batch),
                  headers("application/x-ndjson"), length, RawHttp.of(body, 64 * 1024));
              if (answer.status() == 429 && attempt < 200) {
                assertThat(answer.headers()).containsKey("retry-after");
                assertThat(code(answer)).isEqualTo("LIMIT_EXCEEDED");
                refusedBusy.incrementAndGet();
                continue; // the server already waited in-flight-wait before refusing: send again
              }
              if (answer.status() != 200 || !json(answer).path("status").asString().equals("COMMITTED")) {
                unexpected.add(answer.status() + " " + answer.body());
                break;
              }
              acknowledged.incrementAndGet();
              for (int i = first; i < first + MAX_POINTS; i++) {
                expected.put(date(i), value(batch, i));
              }
              break;
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(unexpected).isEmpty();
    assertThat(acknowledged.get()).isEqualTo(clients * rounds);
    assertCrawlerIsTheSameProcess();

    // Every acknowledged point, read back exactly.
    Map<String, String> stored = new HashMap<>();
    String after = null;
    do {
      Map<String, Object> variables = new HashMap<>(Map.of("id", seriesId, "from", date(firstDate)));
      variables.put("after", after);
      JsonNode page = gateway.data("""
          query($id: ID!, $from: Date!, $after: String) { series(id: $id) {
            observations(from: $from, first: 10000, after: $after) {
              nodes { date value } pageInfo { hasNextPage endCursor } } } }""", variables)
          .path("series").path("observations");
      for (JsonNode node : page.path("nodes")) {
        stored.put(node.path("date").asString(), new java.math.BigDecimal(node.path("value").asString())
            .setScale(10).toPlainString());
      }
      after = page.path("pageInfo").path("hasNextPage").asBoolean() ? page.path("pageInfo").path("endCursor").asString()
          : null;
    } while (after != null);
    assertThat(stored).isEqualTo(expected);
    System.out.printf("OversizedBodiesTest: %d clients x %d uploads of %d points: %d acknowledged, %d refused 429 "
        + "and sent again%n", clients, rounds, MAX_POINTS, acknowledged.get(), refusedBusy.get());
  }
}
