package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.GraphQLClient;
import io.almanac.local.LocalStack;
import io.almanac.local.ManagedProcess;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The warehouse on S3, for real: Adobe S3Mock runs as a process of its own (a Spring Boot 3 application,
 * from its exec jar), and a stack of its own is started with {@code ALMANAC_WAREHOUSE=s3://...}, the
 * endpoint, path-style access and credentials in the environment, as docker-compose gives MinIO's. Uploads
 * and as-of reads go through the gateway; the bucket is listed with the AWS SDK to see that compaction,
 * snapshot expiry and orphan removal happened there, and the local warehouse folder stays empty.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WarehouseOnS3Test {

  private static final String BUCKET = "almanac-warehouse";
  private static final String WAREHOUSE_PREFIX = "tables";
  /** The observations table's location under the default JDBC catalog: warehouse/namespace/table. */
  private static final String TABLE_PREFIX = WAREHOUSE_PREFIX + "/almanac/observations/";
  private static final Duration AWAIT = Duration.ofSeconds(60);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String BULK = """
      mutation($input: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $input) { status summary { successful } } }""";

  private static Path runDir;
  private static ManagedProcess s3Server;
  private static S3Client s3;
  private static LocalStack stack;
  private static GraphQLClient gateway;
  private static String seriesId;
  /** Every data file of the observations table seen on S3 right after an upload's commit. */
  private static final Set<String> uploadedFiles = new HashSet<>();
  /** date -> (revision date -> value): what the test uploaded (the later write of a key wins). */
  private static final Map<LocalDate, NavigableMap<LocalDate, BigDecimal>> uploaded = new TreeMap<>();

  @BeforeAll
  static void startS3AndAlmanacOnIt() throws IOException {
    runDir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "almanac-s3");
    int http = freePort();
    String java = ProcessHandle.current().info().command().orElse("java");
    s3Server = ManagedProcess.start("s3mock", List.of(java, "-Xmx256m", "-jar",
            Path.of("target/s3mock/s3mock-exec.jar").toAbsolutePath().toString(),
            "--com.adobe.testing.s3mock.httpPort=" + http, "--server.port=" + freePort(),
            "--com.adobe.testing.s3mock.store.root=" + runDir.resolve("s3mock").toAbsolutePath(),
            "--com.adobe.testing.s3mock.store.initialBuckets=" + BUCKET),
        runDir, Map.of(), runDir.resolve("logs/s3mock.log"));
    URI endpoint = URI.create("http://127.0.0.1:" + http);
    s3Server.awaitReady(URI.create(endpoint + "/" + BUCKET + "?list-type=2"), Duration.ofSeconds(120));
    s3 = S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("almanac", "almanac-secret")))
        .build();

    Map<String, String> settings = new HashMap<>();
    settings.put("ALMANAC_WAREHOUSE", "s3://" + BUCKET + "/" + WAREHOUSE_PREFIX);
    settings.put("ALMANAC_S3_ENDPOINT", endpoint.toString());
    settings.put("ALMANAC_S3_PATH_STYLE", "true");
    // The AWS SDK's default chain, as in a container.
    settings.put("AWS_ACCESS_KEY_ID", "almanac");
    settings.put("AWS_SECRET_ACCESS_KEY", "almanac-secret");
    settings.put("AWS_REGION", "us-east-1");
    settings.put("ALMANAC_UPSTREAM_TIMEOUT", "60000");
    // Maintenance small enough to happen within the test: every second, any two files merged, a second of
    // quiet, snapshots kept one second, orphans deleted once 10 s old (longer than any commit here takes, even on a
    // loaded machine, so no upload's file is taken for an orphan).
    settings.put("ALMANAC_MAINTENANCE_INTERVAL", "1s");
    settings.put("ALMANAC_MAINTENANCE_MIN_FILES_TO_MERGE", "2");
    settings.put("ALMANAC_MAINTENANCE_QUIET_PERIOD", "1s");
    settings.put("ALMANAC_MAINTENANCE_SNAPSHOT_RETENTION", "1s");
    settings.put("ALMANAC_MAINTENANCE_ORPHAN_AGE", "10s");
    stack = LocalStack.start(new LocalStack.Options(Path.of("..").toAbsolutePath().normalize(), runDir,
        null, null, null, 0, 0, 0, 0, false, settings));
    gateway = new GraphQLClient(stack.gateway(), stack.adminAuthorization());
    uploadVintages();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (s3Server != null) {
      s3Server.close();
    }
  }

  /** Three vintages of 12 quarters, then a batch re-sending four keys of the last vintage with new values. */
  private static void uploadVintages() {
    String providerId = gateway.data("mutation { createProvider(input: {name: \"S3 Bureau\", type: FILE}) { id } }")
        .path("createProvider").path("id").asString();
    seriesId = gateway.data("""
        mutation($p: ID!) { upsertSeries(input: [{providerId: $p, externalId: "S3_GDP", title: "GDP on S3",
          frequency: QUARTERLY}]) { series { id } } }""", Map.of("p", providerId))
        .path("upsertSeries").path("series").get(0).path("id").asString();
    for (int vintage = 0; vintage < 4; vintage++) {
      List<Map<String, Object>> points = new ArrayList<>();
      for (int q = 0; q < 12; q++) {
        if (vintage == 3 && q % 3 != 0) {
          continue;
        }
        LocalDate date = LocalDate.of(2022, 1, 1).plusMonths(3L * q);
        LocalDate revision = date.plusMonths(1).plusMonths(Math.min(vintage, 2));
        BigDecimal value = new BigDecimal(100 + q + vintage * 10 + ".25");
        uploaded.computeIfAbsent(date, d -> new TreeMap<>()).put(revision, value);
        points.add(Map.of("seriesId", seriesId, "date", date.toString(), "value", value.toPlainString(),
            "revisionDate", revision.toString()));
      }
      JsonNode result = gateway.data(BULK, Map.of("input", Map.of("batchId", "s3-" + vintage, "points", points)))
          .path("bulkUpsertDataPoints");
      assertThat(result.path("status").asString()).isEqualTo("COMMITTED");
      assertThat(result.path("summary").path("successful").asInt()).isEqualTo(points.size());
      // Listed right after the commit: expiry removes a file only a second after a newer snapshot replaced it.
      uploadedFiles.addAll(dataFiles());
    }
  }

  @Test
  @Order(1)
  void uploadsLandInTheBucketAndReadBackAsOfThroughTheGateway() throws IOException {
    for (String asOf : List.of("2022-01-15", "2022-03-01", "2022-09-01", "2023-06-30", "2024-01-01")) {
      assertThat(observedView(asOf)).as("as of %s", asOf).isEqualTo(expectedView(LocalDate.parse(asOf)));
    }
    assertThat(observedView(null)).isEqualTo(expectedView(null));
    assertThat(expectedView(LocalDate.parse("2022-01-15"))).isEmpty();
    assertThat(uploadedFiles).as("one data file per upload commit").hasSizeGreaterThanOrEqualTo(4);
    assertThat(keys(WAREHOUSE_PREFIX + "/almanac_raw/raw_batches/data/")).isNotEmpty();
    try (Stream<Path> local = Files.walk(runDir.resolve("warehouse"))) {
      assertThat(local.filter(Files::isRegularFile)).as("nothing written to the local warehouse folder").isEmpty();
    }
  }

  @Test
  @Order(2)
  void compactionAndSnapshotExpiryRewriteAndDeleteObjectsInTheBucket() throws Exception {
    await("the observations compacted to one file and old snapshots expired on S3", () -> {
      JsonNode metadata = currentMetadata();
      JsonNode current = currentSnapshot(metadata);
      Set<String> files = dataFiles();
      return "replace".equals(current.path("summary").path("operation").asString())
          && metadata.path("snapshots").size() == 1
          && files.size() == 1
          && keys(TABLE_PREFIX + "metadata/").stream().filter(k -> k.contains("/snap-")).count() == 1;
    });
    // Expiry deleted the expired snapshots' manifest lists (one snap-*.avro left). The uploads' data files are
    // gone too: Iceberg's expiry deletes a file once the snapshot that removed it (here the current compaction)
    // expires, so until the next compaction's expiry it is the orphan removal that deletes them on S3.
    Set<String> files = dataFiles();
    assertThat(files).as("the compacted file is new").doesNotContainAnyElementsOf(uploadedFiles);
    JsonNode current = currentSnapshot(currentMetadata());
    assertThat(current.path("summary").path("total-data-files").asString()).isEqualTo("1");
    assertThat(current.path("manifest-list").asString())
        .isEqualTo("s3://" + BUCKET + "/" + keys(TABLE_PREFIX + "metadata/").stream()
            .filter(k -> k.contains("/snap-")).findFirst().orElseThrow());
    // The merge kept the later write of each re-sent key and every vintage.
    for (String asOf : List.of("2022-03-01", "2022-09-01", "2023-06-30")) {
      assertThat(observedView(asOf)).as("as of %s", asOf).isEqualTo(expectedView(LocalDate.parse(asOf)));
    }
    assertThat(observedView(null)).isEqualTo(expectedView(null));
  }

  @Test
  @Order(3)
  void anOldOrphanUnderTheTableIsDeletedAndAnObjectOfAnotherTableWithTheSamePrefixIsNot() throws Exception {
    String orphan = TABLE_PREFIX + "data/00000-0-from-a-crashed-writer.parquet";
    // Another table's file whose key starts with the observations table's location without its slash.
    String neighbour = WAREHOUSE_PREFIX + "/almanac/observations_old/data/kept.parquet";
    s3.putObject(b -> b.bucket(BUCKET).key(orphan), RequestBody.fromString("not referenced by any snapshot"));
    s3.putObject(b -> b.bucket(BUCKET).key(neighbour), RequestBody.fromString("not this table's"));
    assertThat(keys(TABLE_PREFIX + "data/")).contains(orphan);
    await("the orphan deleted once older than the orphan age", () -> !keys(TABLE_PREFIX + "data/").contains(orphan));
    assertThat(keys(WAREHOUSE_PREFIX + "/almanac/observations_old/")).containsExactly(neighbour);
    assertThat(dataFiles()).hasSize(1);
    assertThat(observedView("2023-06-30")).isEqualTo(expectedView(LocalDate.parse("2023-06-30")));
  }

  /** The ALFRED view of the test's own model. */
  private static Map<String, String> expectedView(LocalDate asOf) {
    Map<String, String> view = new TreeMap<>();
    uploaded.forEach((date, revisions) -> {
      Map.Entry<LocalDate, BigDecimal> entry = asOf == null ? revisions.lastEntry() : revisions.floorEntry(asOf);
      if (entry != null) {
        view.put(date.toString(), entry.getValue().stripTrailingZeros().toPlainString());
      }
    });
    return view;
  }

  private static Map<String, String> observedView(String asOf) {
    Map<String, Object> variables = new HashMap<>(Map.of("id", seriesId));
    if (asOf != null) {
      variables.put("asOf", asOf);
    }
    JsonNode nodes = gateway.data("""
        query($id: ID!, $asOf: Date) { series(id: $id) { observations(asOf: $asOf, first: 1000) { nodes { date value } } } }""",
        variables).path("series").path("observations").path("nodes");
    Map<String, String> view = new TreeMap<>();
    nodes.forEach(n -> view.put(n.path("date").asString(), n.path("value").asString()));
    return view;
  }

  /** Keys in the bucket under {@code prefix}, every page. */
  private static List<String> keys(String prefix) {
    return s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream()
        .map(S3Object::key).toList();
  }

  private static Set<String> dataFiles() {
    Set<String> files = new HashSet<>();
    keys(TABLE_PREFIX + "data/").stream().filter(k -> k.endsWith(".parquet")).forEach(files::add);
    return files;
  }

  /** The observations table's metadata file the JDBC catalog points at, read from the bucket. */
  private static JsonNode currentMetadata() throws SQLException {
    String location;
    try (Connection db = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
        Statement statement = db.createStatement();
        ResultSet result = statement.executeQuery("SELECT metadata_location FROM iceberg.iceberg_tables"
            + " WHERE table_namespace = 'almanac' AND table_name = 'observations'")) {
      assertThat(result.next()).isTrue();
      location = result.getString(1);
    }
    String prefix = "s3://" + BUCKET + "/";
    assertThat(location).startsWith(prefix + TABLE_PREFIX + "metadata/");
    return JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(location.substring(prefix.length())))
        .asUtf8String());
  }

  private static JsonNode currentSnapshot(JsonNode metadata) {
    long id = metadata.path("current-snapshot-id").asLong();
    for (JsonNode snapshot : metadata.path("snapshots")) {
      if (snapshot.path("snapshot-id").asLong() == id) {
        return snapshot;
      }
    }
    throw new AssertionError("No current snapshot in " + metadata);
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  /** Polls {@code condition} until it holds, failing after {@link #AWAIT}. */
  private static void await(String what, Condition condition) throws Exception {
    long deadline = System.nanoTime() + AWAIT.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not within " + AWAIT + ": " + what + "; data files " + dataFiles()
            + ", metadata " + keys(TABLE_PREFIX + "metadata/"));
      }
      Thread.sleep(250); // the poll interval of a condition with a deadline
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
