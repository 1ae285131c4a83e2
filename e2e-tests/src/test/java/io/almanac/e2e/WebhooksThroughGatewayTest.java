package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.almanac.local.GraphQLClient;
import io.almanac.local.LocalStack;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Webhooks through the real processes: uploads through the gateway, crawler-write-api's worker POSTing
 * to a receiver on loopback. An upload's commit gives exactly one signed delivery to the matching webhook
 * and none to another; crawler-write-api SIGKILLed while a delivery is on its way (committed, sent, the
 * outcome not yet recorded) sends it again after its restart with the same delivery id, so a receiver
 * that drops ids it has seen gets each delivery exactly once.
 */
class WebhooksThroughGatewayTest {

  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static LocalStack stack;
  private static GraphQLClient admin;
  private static HttpServer receiver;
  private static final List<Map<String, String>> received = new CopyOnWriteArrayList<>();
  /** Set to make the receiver hold its next request until released (then it answers 200). */
  private static volatile CountDownLatch hold;
  private static final CountDownLatch arrivedWhileHeld = new CountDownLatch(1);

  @BeforeAll
  static void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    receiver.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      var h = exchange.getRequestHeaders();
      received.add(Map.of("path", exchange.getRequestURI().getPath(), "delivery", h.getFirst("X-Almanac-Delivery"),
          "signature", h.getFirst("X-Almanac-Signature"), "body", new String(body, StandardCharsets.UTF_8)));
      CountDownLatch held = hold;
      if (held != null) {
        hold = null;
        arrivedWhileHeld.countDown();
        try {
          held.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      try {
        exchange.sendResponseHeaders(200, -1);
      } catch (java.io.IOException gone) {
        // the sender was killed meanwhile
      }
      exchange.close();
    });
    receiver.start();
    Path home = Path.of("..").toAbsolutePath().normalize();
    Path runDir = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "almanac-webhooks");
    stack = LocalStack.start(new LocalStack.Options(home, runDir, null, null, null, 0, 0, 0, 0, false, Map.of(
        "ALMANAC_UPSTREAM_TIMEOUT", "60000",
        "ALMANAC_WEBHOOKS_ALLOWED_HOSTS", "127.0.0.1",
        // A short attempt timeout: the lease a killed process leaves is 2 x timeout + 5 s.
        "ALMANAC_WEBHOOKS_TIMEOUT", "2s",
        "ALMANAC_WEBHOOKS_POLL_INTERVAL", "200ms")));
    admin = new GraphQLClient(stack.gateway(), stack.adminAuthorization());
  }

  @AfterAll
  static void stop() {
    if (hold != null) {
      hold.countDown();
    }
    if (stack != null) {
      stack.close();
    }
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
  }

  private static String hmac(String secret, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static boolean await(BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(WAIT);
    while (Instant.now().isBefore(deadline)) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(100); // the pace of polling; the condition decides
    }
    return condition.getAsBoolean();
  }

  private static List<Map<String, String>> to(String path) {
    return received.stream().filter(r -> r.get("path").equals(path)).toList();
  }

  private static JsonNode deliveries(String webhookId) {
    for (JsonNode w : admin.data("{ webhooks(first: 100) { nodes { id deliveries { nodes { id status attempts } } } } }")
        .path("webhooks").path("nodes")) {
      if (w.path("id").asString().equals(webhookId)) {
        return w.path("deliveries").path("nodes");
      }
    }
    throw new AssertionError("no webhook " + webhookId);
  }

  private static void upload(String batchId, String seriesId, String revisionDate) {
    JsonNode result = admin.data("""
        mutation($input: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $input) { status } }""",
        Map.of("input", Map.of("batchId", batchId, "points", List.of(Map.of("seriesId", seriesId, "date", "2024-01-01",
            "value", "1.25", "revisionDate", revisionDate)))));
    assertThat(result.path("bulkUpsertDataPoints").path("status").asString()).isEqualTo("COMMITTED");
  }

  @Test
  void oneSignedDeliveryPerCommitAndRedeliveryAfterACrash() throws Exception {
    String provider = admin.data("mutation { createProvider(input: {name: \"Hooks\", type: API}) { id } }")
        .path("createProvider").path("id").asString();
    String other = admin.data("mutation { createProvider(input: {name: \"Elsewhere\", type: API}) { id } }")
        .path("createProvider").path("id").asString();
    String series = admin.data("""
        mutation($p: ID!) { upsertSeries(input: [{providerId: $p, externalId: "H", title: "Hooked", frequency: MONTHLY}]) {
          series { id title } } }""", Map.of("p", provider)).path("upsertSeries").path("series").get(0).path("id").asString();
    JsonNode created = admin.data("""
        mutation($u: String!, $s: ID!) { createWebhook(input: {url: $u, events: [SERIES_REVISED], seriesIds: [$s]}) {
          secret webhook { id } } }""", Map.of("u", url("/hook"), "s", series)).path("createWebhook");
    String hook = created.path("webhook").path("id").asString();
    String secret = created.path("secret").asString();
    String otherHook = admin.data("""
        mutation($u: String!, $p: ID!) { createWebhook(input: {url: $u, events: [SERIES_REVISED], providerId: $p}) {
          webhook { id } } }""", Map.of("u", url("/other"), "p", other)).path("createWebhook").path("webhook").path("id")
        .asString();
    // Not an allowed host: refused, naming the field.
    JsonNode refused = admin.execute("""
        mutation { createWebhook(input: {url: "http://10.1.2.3/x", events: [RUN_FINISHED]}) { secret } }""", Map.of());
    assertThat(refused.path("errors").get(0).path("extensions").path("code").asString()).isEqualTo("BAD_USER_INPUT");
    assertThat(refused.path("errors").get(0).path("extensions").path("argument").asString()).isEqualTo("input.url");

    upload("hooks-1", series, "2024-02-01");
    assertThat(await(() -> deliveries(hook).size() == 1
        && deliveries(hook).get(0).path("status").asString().equals("DELIVERED"))).isTrue();
    List<Map<String, String>> first = to("/hook");
    assertThat(first).hasSize(1);
    assertThat(first.get(0).get("signature")).isEqualTo(hmac(secret, first.get(0).get("body")));
    JsonNode body = JSON.readTree(first.get(0).get("body"));
    assertThat(body.path("event").asString()).isEqualTo("SERIES_REVISED");
    assertThat(body.path("batchId").asString()).isEqualTo("hooks-1");
    assertThat(body.path("deliveryId").asString()).isEqualTo(first.get(0).get("delivery"));
    assertThat(body.path("series").get(0).path("id").asString()).isEqualTo(series);
    assertThat(body.path("series").get(0).path("vintageDates").get(0).asString()).isEqualTo("2024-02-01");
    assertThat(deliveries(otherHook)).isEmpty();

    // The next delivery reaches the receiver, which holds it; crawler-write-api dies before it is answered.
    CountDownLatch release = new CountDownLatch(1);
    hold = release;
    upload("hooks-2", series, "2024-03-01");
    assertThat(arrivedWhileHeld.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    stack.process("crawler-write-api").kill();
    release.countDown();
    stack.restart("crawler-write-api");
    // After the lease the killed process held ran out, the restarted one sends it again.
    assertThat(await(() -> to("/hook").size() >= 3)).isTrue();
    assertThat(await(() -> deliveries(hook).size() == 2 && deliveries(hook).get(0).path("status").asString()
        .equals("DELIVERED"))).isTrue();
    List<Map<String, String>> all = to("/hook");
    Map<String, String> held = all.get(1);
    Map<String, String> again = all.get(2);
    assertThat(again.get("delivery")).isEqualTo(held.get("delivery"));
    assertThat(again.get("body")).isEqualTo(held.get("body"));
    assertThat(again.get("signature")).isEqualTo(hmac(secret, again.get("body")));
    assertThat(JSON.readTree(again.get("body")).path("batchId").asString()).isEqualTo("hooks-2");
    // Deduplicated by id, as a receiver does: each of the two commits exactly once.
    assertThat(all.stream().map(r -> r.get("delivery")).distinct().count()).isEqualTo(2);
    assertThat(all).hasSize(3);
    assertThat(deliveries(otherHook)).isEmpty();
    assertThat(to("/other")).isEmpty();
  }

  /**
   * The receiver example of the README ({@code examples/python/webhook_receiver.py}, run with {@code python3}, which
   * must be installed) gets a real delivery: it accepts Almanac's signature, prints the series, and the delivery is
   * DELIVERED; a body signed with another secret is refused with 401.
   */
  @Test
  void theReadmeReceiverExampleVerifiesAndAcceptsADelivery() throws Exception {
    String provider = admin.data("mutation { createProvider(input: {name: \"Example receiver\", type: API}) { id } }")
        .path("createProvider").path("id").asString();
    String series = admin.data("""
        mutation($p: ID!) { upsertSeries(input: [{providerId: $p, externalId: "R", title: "Received", frequency: MONTHLY}]) {
          series { id } } }""", Map.of("p", provider)).path("upsertSeries").path("series").get(0).path("id").asString();
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    JsonNode created = admin.data("""
        mutation($u: String!, $s: ID!) { createWebhook(input: {url: $u, events: [SERIES_REVISED], seriesIds: [$s]}) {
          secret webhook { id } } }""", Map.of("u", "http://127.0.0.1:" + port + "/", "s", series)).path("createWebhook");
    String hook = created.path("webhook").path("id").asString();
    Path log = Files.createTempFile(Path.of("target").toAbsolutePath(), "webhook-receiver", ".log");
    ProcessBuilder builder = new ProcessBuilder("python3", "examples/python/webhook_receiver.py", String.valueOf(port))
        .directory(Path.of("..").toAbsolutePath().normalize().toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("ALMANAC_WEBHOOK_SECRET", created.path("secret").asString());
    Process python = builder.start();
    try {
      assertThat(await(() -> read(log).contains("listening on"))).as("receiver started: %s", read(log)).isTrue();
      java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
      String forged = "{\"event\":\"SERIES_REVISED\",\"series\":[]}";
      var refused = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/"))
          .header("X-Almanac-Signature", hmac("another secret", forged))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(forged)).build(),
          java.net.http.HttpResponse.BodyHandlers.discarding());
      assertThat(refused.statusCode()).isEqualTo(401);

      upload("receiver-example-1", series, "2024-03-01");
      assertThat(await(() -> deliveries(hook).size() == 1
          && deliveries(hook).get(0).path("status").asString().equals("DELIVERED"))).as(read(log)).isTrue();
      assertThat(read(log)).contains("series " + series + ": 1 points, vintages ['2024-03-01']");
    } finally {
      python.destroy();
      python.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
