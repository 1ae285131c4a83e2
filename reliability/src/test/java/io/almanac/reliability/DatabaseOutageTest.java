package io.almanac.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.LocalStack;
import io.almanac.local.ManagedProcess;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * PostgreSQL paused (SIGSTOP: a stalled server, connections accepted by the kernel and never answered)
 * and then stopped, under a stack of its own: writes, providers and {@code me} fail fast with UNAVAILABLE,
 * series reads the financial subgraph's caches hold keep being served, readiness is DOWN and liveness
 * UP, and once the database is back everything answers again with the same processes (no restart).
 * Also checks that the stack listens on loopback only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatabaseOutageTest {

  /** "Fail fast": far below the 30 s pool wait of before, and below the gateway's 10 s subgraph timeout. */
  private static final Duration FAST = Duration.ofSeconds(10);
  private static final Duration RECOVERY = Duration.ofSeconds(60);
  private static final List<String> SUBGRAPHS = List.of("financial-subgraph", "crawler-write-api", "user-subgraph");
  private static final String READ = """
      query($id: ID!) { series(id: $id) { title latest { date value } data { dates values } } }""";
  private static final String UPLOAD = """
      mutation($input: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $input) {
        batchId status summary { successful failed } errors { code message } } }""";
  private static final String PROVIDERS = "{ providers(first: 50) { nodes { id name } } }";
  private static final String ME = "{ me { id role } }";

  private static LocalStack stack;
  private static StackHttp gateway;
  private static String seriesId;
  private static String providerId;
  private static Map<String, Long> pids;
  /** What the series holds, date to exact value, as uploaded (the test's own record, not read back). */
  private static final Map<LocalDate, BigDecimal> uploaded = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws IOException {
    stack = StackHttp.startStack("database-outage", Map.of());
    gateway = new StackHttp(stack.gateway(), stack.adminAuthorization());
    providerId = gateway.data("mutation { createProvider(input: {name: \"Outage Bureau\", type: API}) { id } }",
        Map.of()).path("createProvider").path("id").asString();
    seriesId = gateway.data("""
        mutation($p: ID!) { upsertSeries(input: [{providerId: $p, externalId: "OUT", title: "Outage index",
          frequency: MONTHLY}]) { series { id } errors { code message } } }""", Map.of("p", providerId))
        .path("upsertSeries").path("series").path(0).path("id").asString();
    assertThat(upload("before-outage", LocalDate.of(2020, 1, 1), 24).path("status").asString()).isEqualTo("COMMITTED");
    // Read twice: the first loads the series' history into the cache, the second is served from it.
    assertServedFromCache(gateway.graphql(READ, Map.of("id", seriesId)));
    assertServedFromCache(gateway.graphql(READ, Map.of("id", seriesId)));
    pids = pids();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  void aPausedDatabaseFailsWritesFastServesCachedReadsAndRecoversWithoutRestart() throws Exception {
    stack.pauseDatabase();
    try {
      duringOutage("paused-write");
    } finally {
      stack.resumeDatabase();
    }
    afterOutage("paused-write", LocalDate.of(2022, 1, 1));
  }

  @Test
  @Order(2)
  void aStoppedDatabaseFailsWritesFastServesCachedReadsAndRecoversWithoutRestart() throws Exception {
    stack.stopDatabase();
    try {
      duringOutage("stopped-write");
    } finally {
      stack.startDatabase();
    }
    afterOutage("stopped-write", LocalDate.of(2023, 1, 1));
  }

  @Test
  @Order(3)
  void everyProcessListensOnLoopbackOnly() throws IOException {
    List<Integer> ports = List.of(stack.gateway().getPort(), stack.financial().getPort(), stack.crawler().getPort(),
        stack.users().getPort());
    Map<Integer, List<String>> listening = listeningAddresses();
    for (int port : ports) {
      assertThat(listening.get(port)).as("listening sockets on port " + port).isNotEmpty()
          .allSatisfy(address -> assertThat(address).as("port " + port).isIn("127.0.0.1", "::1"));
    }
    // And from outside: the machine's own non-loopback addresses get no connection.
    for (InetAddress address : nonLoopbackAddresses()) {
      for (int port : ports) {
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress(address, port), 2000);
          throw new AssertionError("Port " + port + " answered on " + address);
        } catch (ConnectException refused) {
          // expected: nothing listens there
        }
      }
    }
  }

  private static void duringOutage(String batchId) throws Exception {
    // Writes: the ledger and the catalog are in PostgreSQL.
    StackHttp.Answer write = gateway.graphql(UPLOAD, uploadVariables(batchId, LocalDate.of(2030, 1, 1), 3));
    assertThat(write.firstCode()).as("write during the outage: " + write.body()).isEqualTo("UNAVAILABLE");
    assertThat(write.took()).as("write answered within " + FAST).isLessThan(FAST);
    assertThat(write.body().toString()).doesNotContain("SQL", "Exception", "jdbc:");
    System.out.printf("%s: write refused with UNAVAILABLE in %d ms%n", batchId, write.took().toMillis());

    // Metadata in PostgreSQL (the crawler's providers).
    StackHttp.Answer providers = gateway.graphql(PROVIDERS);
    assertThat(providers.firstCode()).as("providers during the outage: " + providers.body()).isEqualTo("UNAVAILABLE");
    assertThat(providers.took()).as("providers answered within " + FAST).isLessThan(FAST);
    System.out.printf("%s: providers refused with UNAVAILABLE in %d ms%n", batchId, providers.took().toMillis());

    // Identities (the user subgraph's tables).
    StackHttp.Answer me = gateway.graphql(ME);
    assertThat(me.firstCode()).as("me during the outage: " + me.body()).isEqualTo("UNAVAILABLE");
    assertThat(me.took()).as("me answered within " + FAST).isLessThan(FAST);

    // Cached reads: the first read of the outage may wait for the database's timeouts once, then each is served.
    long detecting = System.nanoTime();
    await("a cached read served during the outage", Duration.ofSeconds(30),
        () -> gateway.graphql(READ, Map.of("id", seriesId)).ok());
    long slowest = 0;
    for (int i = 0; i < 5; i++) {
      StackHttp.Answer read = gateway.graphql(READ, Map.of("id", seriesId));
      assertServedFromCache(read);
      assertThat(read.took()).as("cached read during the outage").isLessThan(FAST);
      slowest = Math.max(slowest, read.took().toMillis());
    }
    System.out.printf("%s: cached reads served %d ms after the first try, then 5 reads (slowest %d ms)%n", batchId,
        Duration.ofNanos(System.nanoTime() - detecting).toMillis(), slowest);

    // Readiness DOWN (db), liveness UP: an orchestrator stops routing here but does not restart anything.
    for (String name : SUBGRAPHS) {
      URI graphql = graphqlOf(name);
      HttpResponse<String> readiness = gateway.get(StackHttp.health(graphql, "readiness"));
      assertThat(readiness.statusCode()).as(name + " readiness: " + readiness.body()).isEqualTo(503);
      assertThat(StackHttp.JSON.readTree(readiness.body()).path("components").path("db").path("status").asString())
          .as(name + " readiness db").isEqualTo("DOWN");
      HttpResponse<String> liveness = gateway.get(StackHttp.health(graphql, "liveness"));
      assertThat(liveness.statusCode()).as(name + " liveness: " + liveness.body()).isEqualTo(200);
    }
  }

  private static void afterOutage(String batchId, LocalDate from) throws Exception {
    for (String name : SUBGRAPHS) {
      URI readiness = StackHttp.health(graphqlOf(name), "readiness");
      await(name + " ready again", RECOVERY, () -> gateway.get(readiness).statusCode() == 200);
    }
    // The write refused during the outage, retried with its batch id, is written now.
    JsonNode retried = await("the refused write succeeds on retry", RECOVERY, () -> {
      StackHttp.Answer answer = gateway.graphql(UPLOAD, uploadVariables(batchId, from, 3));
      return answer.ok() ? answer.data().path("bulkUpsertDataPoints") : null;
    });
    assertThat(retried.path("status").asString()).isEqualTo("COMMITTED");
    assertThat(retried.path("summary").path("successful").asInt()).isEqualTo(3);
    record(from, 3);
    // Reads catch up once the financial subgraph's catalog probe (every second) finds the database back.
    await("the retried write readable", RECOVERY, () -> servesEverything(gateway.graphql(READ, Map.of("id", seriesId))));
    assertServedFromCache(gateway.graphql(READ, Map.of("id", seriesId)));
    JsonNode providers = gateway.data(PROVIDERS, Map.of()).path("providers").path("nodes");
    assertThat(providers.findValuesAsString("id")).contains(providerId);
    assertThat(gateway.data(ME, Map.of()).path("me").path("role").asString()).isEqualTo("ADMIN");
    assertThat(pids()).as("the same processes: none was restarted").isEqualTo(pids);
  }

  /** Uploads {@code months} monthly points from {@code from} and records them as expected. */
  private static JsonNode upload(String batchId, LocalDate from, int months) {
    JsonNode result = gateway.data(UPLOAD, uploadVariables(batchId, from, months)).path("bulkUpsertDataPoints");
    record(from, months);
    return result;
  }

  private static void record(LocalDate from, int months) {
    for (int i = 0; i < months; i++) {
      uploaded.put(from.plusMonths(i), value(from.plusMonths(i)));
    }
  }

  /** An exact value per date with 4 decimals, from the date alone. */
  private static BigDecimal value(LocalDate date) {
    return BigDecimal.valueOf(date.getYear() * 100L + date.getMonthValue(), 0).add(new BigDecimal("0.1234"));
  }

  private static Map<String, Object> uploadVariables(String batchId, LocalDate from, int months) {
    List<Map<String, Object>> points = new ArrayList<>();
    for (int i = 0; i < months; i++) {
      LocalDate date = from.plusMonths(i);
      points.add(Map.of("seriesId", seriesId, "date", date.toString(), "value", value(date).toPlainString(),
          "revisionDate", "2024-01-01"));
    }
    return Map.of("input", Map.of("batchId", batchId, "atomic", true, "points", points));
  }

  private static boolean servesEverything(StackHttp.Answer read) {
    try {
      assertServedFromCache(read);
      return true;
    } catch (AssertionError notYet) {
      return false;
    }
  }

  /** The read answered without errors, with every uploaded point (dates, values, latest). */
  private static void assertServedFromCache(StackHttp.Answer read) {
    assertThat(read.ok()).as("read: " + read.body()).isTrue();
    JsonNode series = read.data().path("series");
    assertThat(series.path("title").asString()).isEqualTo("Outage index");
    List<String> dates = new ArrayList<>();
    series.path("data").path("dates").forEach(d -> dates.add(d.asString()));
    List<Double> values = new ArrayList<>();
    series.path("data").path("values").forEach(v -> values.add(v.asDouble()));
    List<LocalDate> expectedDates = new ArrayList<>(uploaded.keySet());
    Collections.sort(expectedDates);
    assertThat(dates).isEqualTo(expectedDates.stream().map(LocalDate::toString).toList());
    assertThat(values).isEqualTo(expectedDates.stream().map(d -> uploaded.get(d).doubleValue()).toList());
    LocalDate last = expectedDates.get(expectedDates.size() - 1);
    assertThat(series.path("latest").path("date").asString()).isEqualTo(last.toString());
    assertThat(new BigDecimal(series.path("latest").path("value").asString())).isEqualByComparingTo(uploaded.get(last));
  }

  private static URI graphqlOf(String name) {
    return switch (name) {
      case "financial-subgraph" -> stack.financial();
      case "crawler-write-api" -> stack.crawler();
      case "user-subgraph" -> stack.users();
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static Map<String, Long> pids() {
    Map<String, Long> pids = new HashMap<>();
    for (String name : List.of("financial-subgraph", "crawler-write-api", "user-subgraph", "gateway")) {
      ManagedProcess process = stack.process(name);
      assertThat(process.isAlive()).as(name + " alive").isTrue();
      pids.put(name, process.pid());
    }
    return pids;
  }

  /** Polls {@code condition} until it holds or {@code timeout} passes (then fails, naming {@code what}). */
  private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    await(what, timeout, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
  }

  private static <T> T await(String what, Duration timeout, java.util.function.Supplier<T> attempt)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T result = attempt.get();
      if (result != null) {
        return result;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(what + ": not within " + timeout);
      }
      Thread.sleep(200);
    }
  }

  /** Local addresses of LISTEN sockets by port, from /proc/net/tcp and tcp6 (this network namespace). */
  private static Map<Integer, List<String>> listeningAddresses() throws IOException {
    Map<Integer, List<String>> byPort = new HashMap<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path path = Path.of(table);
      if (!Files.exists(path)) {
        continue;
      }
      for (String line : Files.readAllLines(path).subList(1, Files.readAllLines(path).size())) {
        String[] fields = line.trim().split("\\s+");
        if (!fields[3].equals("0A")) {
          continue;
        }
        String[] local = fields[1].split(":");
        byPort.computeIfAbsent(Integer.parseInt(local[1], 16), p -> new ArrayList<>()).add(address(local[0]));
      }
    }
    return byPort;
  }

  /** /proc/net's hex address (little-endian 32-bit words) as text: 0100007F is 127.0.0.1. */
  private static String address(String hex) throws IOException {
    byte[] bytes = new byte[hex.length() / 2];
    for (int word = 0; word < bytes.length / 4; word++) {
      for (int i = 0; i < 4; i++) {
        bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(word * 8 + (3 - i) * 2, word * 8 + (3 - i) * 2 + 2), 16);
      }
    }
    String text = InetAddress.getByAddress(bytes).getHostAddress();
    // An IPv4-mapped IPv6 loopback (::ffff:127.0.0.1) is the IPv4 one.
    return text.equals("0:0:0:0:0:0:0:1") ? "::1" : text;
  }

  private static List<InetAddress> nonLoopbackAddresses() throws IOException {
    List<InetAddress> addresses = new ArrayList<>();
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          if (address instanceof Inet4Address) {
            addresses.add(address);
          }
        }
      }
    }
    return addresses;
  }
}
