package io.almanac.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.GraphQLClient;
import io.almanac.local.LocalStack;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Apache Spark (local mode, Iceberg's Spark runtime) on the same JDBC catalog as a running Almanac.
 * Almanac is loaded through the gateway with several vintages and a re-sent key; Spark reads
 * {@code almanac.observations}, computes the ALFRED as-of view in Spark SQL and must get exactly what
 * GraphQL serves. Spark then appends a backfill (a new vintage and one re-sent key) following the
 * table's rules, and Almanac serves it through the gateway; a later Almanac write of a key Spark wrote
 * must still win, which holds only if Spark recorded its stamps as Almanac's commits do.
 */
class SparkOnAlmanacTablesTest {

  /** The catalog name: Iceberg's JDBC catalog keys its rows by it, so Spark must use Almanac's ("almanac"). */
  private static final String CATALOG = "almanac";
  private static final String TABLE = CATALOG + ".almanac.observations";
  private static final String BACKFILL_BATCH = "spark-backfill-2024-12-15";
  private static final LocalDate BACKFILL_REVISION = LocalDate.parse("2024-12-15");
  private static final Duration SERVED_WITHIN = Duration.ofSeconds(30);

  private static LocalStack stack;
  private static GraphQLClient gateway;
  private static SparkSession spark;
  private static String gdp;
  private static String other;
  private static final Map<String, Long> timingsMs = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    Path home = Path.of("..").toAbsolutePath().normalize();
    Path runDir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "almanac-spark");
    long started = System.nanoTime();
    // Maintenance every second, compacting once uploads pause for a second: the test awaits a compaction
    // over Spark's file (5 s and 10 s by default).
    stack = LocalStack.start(new LocalStack.Options(home, runDir, null, null, null, 0, 0, 0, 0, false,
        Map.of("ALMANAC_UPSTREAM_TIMEOUT", "60000", "ALMANAC_MAINTENANCE_INTERVAL", "1s",
            "ALMANAC_MAINTENANCE_QUIETPERIOD", "1s")));
    gateway = new GraphQLClient(stack.gateway(), stack.adminAuthorization());
    timingsMs.put("stack start", msSince(started));
    started = System.nanoTime();
    load();
    timingsMs.put("load through the gateway (5 uploads)", msSince(started));

    started = System.nanoTime();
    spark = SparkSession.builder()
        .master("local[2]")
        .appName("almanac-spark-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.datetime.java8API.enabled", "true")
        .config("spark.sql.warehouse.dir", runDir.resolve("spark-warehouse").toUri().toString())
        .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
        .config(catalogSettings(runDir))
        .getOrCreate();
    timingsMs.put("spark start", msSince(started));
  }

  /** The {@code spark.sql.catalog.almanac.*} settings the README gives, for this stack's database and warehouse. */
  private static Map<String, Object> catalogSettings(Path runDir) {
    Map<String, Object> settings = new LinkedHashMap<>();
    String prefix = "spark.sql.catalog." + CATALOG;
    settings.put(prefix, "org.apache.iceberg.spark.SparkCatalog");
    settings.put(prefix + ".catalog-impl", "org.apache.iceberg.jdbc.JdbcCatalog");
    // Almanac keeps its catalog tables in the `iceberg` schema of its database.
    String url = stack.jdbcUrl();
    settings.put(prefix + ".uri", url + (url.contains("?") ? "&" : "?") + "currentSchema=iceberg");
    settings.put(prefix + ".jdbc.user", stack.dbUser());
    settings.put(prefix + ".jdbc.password", stack.dbPassword());
    settings.put(prefix + ".warehouse", runDir.resolve("warehouse").toAbsolutePath().toUri().toString());
    settings.put(prefix + ".io-impl", "org.apache.iceberg.hadoop.HadoopFileIO");
    // Almanac commits all the time: a cached table would hide its commits from Spark for 30 s.
    settings.put(prefix + ".cache-enabled", "false");
    return settings;
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (stack != null) {
      stack.close();
    }
    System.out.println("Spark on Almanac's tables, timings (ms): " + timingsMs);
  }

  /**
   * Quarterly GDP in four uploads: May (Q1), August (Q1 revised, Q2, Q3 missing), November (Q1, Q2,
   * Q3 revised) and a correction re-sending August's Q2, which must win over the first August Q2 by
   * its later ingestion. Another series with a later vintage, so every read must keep to its series.
   */
  private static void load() {
    String provider = gateway.data("mutation { createProvider(input: {name: \"Spark bureau\", type: FILE}) { id } }")
        .path("createProvider").path("id").asString();
    JsonNode series = gateway.data("""
        mutation($input: [SeriesInput!]!) { upsertSeries(input: $input) { series { id } errors { code message } } }""",
        Map.of("input", List.of(
            Map.of("providerId", provider, "externalId", "GDP", "title", "GDP", "frequency", "QUARTERLY"),
            Map.of("providerId", provider, "externalId", "OTHER", "title", "Other", "frequency", "QUARTERLY"))))
        .path("upsertSeries");
    assertThat(series.path("errors").isEmpty()).as(series.toString()).isTrue();
    gdp = series.path("series").get(0).path("id").asString();
    other = series.path("series").get(1).path("id").asString();

    upload("may", point(gdp, "2024-01-01", "1.10", "2024-05-01"));
    upload("aug", point(gdp, "2024-01-01", "1.20", "2024-08-01"), point(gdp, "2024-04-01", "2.10", "2024-08-01"),
        point(gdp, "2024-07-01", null, "2024-08-01"));
    upload("nov", point(gdp, "2024-01-01", "1.25", "2024-11-01"), point(gdp, "2024-04-01", "2.20", "2024-11-01"),
        point(gdp, "2024-07-01", "3.10", "2024-11-01"));
    upload("aug-fix", point(gdp, "2024-04-01", "2.15", "2024-08-01"));
    upload("other", point(other, "2024-01-01", "99", "2024-12-31"));
  }

  private static Map<String, Object> point(String seriesId, String date, String value, String revisionDate) {
    Map<String, Object> point = new LinkedHashMap<>();
    point.put("seriesId", seriesId);
    point.put("date", date);
    point.put("value", value);
    point.put("revisionDate", revisionDate);
    return point;
  }

  @SafeVarargs
  private static void upload(String batchId, Map<String, Object>... points) {
    JsonNode result = gateway.data("""
        mutation($input: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $input) { status errors { code message } } }""",
        Map.of("input", Map.of("batchId", batchId, "atomic", true, "points", List.of(points))))
        .path("bulkUpsertDataPoints");
    assertThat(result.path("status").asString()).as(result.toString()).isEqualTo("COMMITTED");
  }

  @Test
  void sparkReadsTheAsOfViewGraphQLServesThenAlmanacServesSparksBackfill() throws Exception {
    // Expected views, worked out by hand from the uploads above: date=value@revision, "null" when missing.
    List<String> asOfJune = List.of("2024-01-01=1.1@2024-05-01");
    List<String> asOfSeptember = List.of("2024-01-01=1.2@2024-08-01", "2024-04-01=2.15@2024-08-01",
        "2024-07-01=null@2024-08-01");
    List<String> latest = List.of("2024-01-01=1.25@2024-11-01", "2024-04-01=2.2@2024-11-01",
        "2024-07-01=3.1@2024-11-01");

    long started = System.nanoTime();
    assertThat(sparkAsOf(gdp, LocalDate.parse("2024-06-01"))).isEqualTo(asOfJune);
    timingsMs.put("spark first read (catalog, plan, scan)", msSince(started));
    started = System.nanoTime();
    assertThat(sparkAsOf(gdp, LocalDate.parse("2024-09-01"))).isEqualTo(asOfSeptember);
    assertThat(sparkAsOf(gdp, null)).isEqualTo(latest);
    timingsMs.put("spark next two reads", msSince(started));
    // Almanac set the rules Spark follows when writing: copy-on-write, range-distributed by the sort order.
    Map<String, String> properties = new LinkedHashMap<>();
    spark.sql("SHOW TBLPROPERTIES " + TABLE).collectAsList().forEach(r -> properties.put(r.getString(0), r.getString(1)));
    assertThat(properties).containsEntry("write.delete.mode", "copy-on-write").containsEntry("write.update.mode",
        "copy-on-write").containsEntry("write.merge.mode", "copy-on-write").containsEntry("write.distribution-mode", "range");
    assertThat(graphqlAsOf(gdp, "2024-06-01")).isEqualTo(asOfJune);
    assertThat(graphqlAsOf(gdp, "2024-09-01")).isEqualTo(asOfSeptember);
    // Read (and so cached by the financial subgraph) before Spark writes.
    assertThat(graphqlAsOf(gdp, null)).isEqualTo(latest);
    assertThat(graphqlAsOf(other, null)).containsExactly("2024-01-01=99@2024-12-31");

    // The backfill: a new vintage of every quarter (Q4 new), and November's Q3 re-sent with a correction.
    started = System.nanoTime();
    long stamp = appendBackfill(List.of(
        RowFactory.create(Long.parseLong(gdp), LocalDate.parse("2024-07-01"), LocalDate.parse("2024-11-01"),
            new BigDecimal("3.15")),
        RowFactory.create(Long.parseLong(gdp), LocalDate.parse("2024-01-01"), BACKFILL_REVISION, new BigDecimal("1.30")),
        RowFactory.create(Long.parseLong(gdp), LocalDate.parse("2024-04-01"), BACKFILL_REVISION, new BigDecimal("2.25")),
        RowFactory.create(Long.parseLong(gdp), LocalDate.parse("2024-07-01"), BACKFILL_REVISION, new BigDecimal("3.20")),
        RowFactory.create(Long.parseLong(gdp), LocalDate.parse("2024-10-01"), BACKFILL_REVISION,
            new BigDecimal("4.05"))));
    timingsMs.put("spark write (5 rows, one commit)", msSince(started));

    // Found by its batch id: Almanac's maintenance may commit a compaction at any time.
    List<Row> commits = spark.sql("SELECT snapshot_id, operation, summary FROM " + TABLE + ".snapshots"
        + " WHERE summary['almanac.batch-ids'] = '" + BACKFILL_BATCH + "'").collectAsList();
    assertThat(commits).hasSize(1);
    Row commit = commits.get(0);
    assertThat(commit.<String>getAs("operation")).isEqualTo("append");
    scala.collection.Map<String, String> summary = commit.getAs("summary");
    assertThat(summary.get("total-delete-files").get()).isEqualTo("0");
    assertThat(summary.contains("added-delete-files")).isFalse();
    assertThat(summary.get("added-records").get()).isEqualTo("5");
    assertThat(summary.get("almanac.ingested-through").get()).isEqualTo(Long.toString(stamp));
    // Sorted as the table says: Spark marks each file it sorted by the table's order (its only one, id 1).
    // all_entries, not entries: Almanac's maintenance (every second here) may already have compacted Spark's file,
    // and the current snapshot's manifests then no longer hold it as added by Spark's snapshot.
    List<Row> added = spark.sql("SELECT data_file.sort_order_id, data_file.content FROM " + TABLE + ".all_entries"
        + " WHERE status = 1 AND snapshot_id = " + commit.<Long>getAs("snapshot_id")).collectAsList();
    assertThat(added).isNotEmpty().allSatisfy(file -> {
      assertThat(file.getInt(0)).as("sort order id").isEqualTo(1);
      assertThat(file.getInt(1)).as("content (0: data, never deletes)").isZero();
    });

    List<String> afterBackfill = List.of("2024-01-01=1.3@2024-12-15", "2024-04-01=2.25@2024-12-15",
        "2024-07-01=3.2@2024-12-15", "2024-10-01=4.05@2024-12-15");
    assertThat(sparkAsOf(gdp, null)).isEqualTo(afterBackfill);
    assertThat(sparkAsOf(gdp, LocalDate.parse("2024-11-30"))).containsExactly("2024-01-01=1.25@2024-11-01",
        "2024-04-01=2.2@2024-11-01", "2024-07-01=3.15@2024-11-01");

    // Almanac serves the backfill through the gateway: the cached history follows the new snapshot.
    started = System.nanoTime();
    awaitServed(() -> graphqlAsOf(gdp, null), afterBackfill);
    timingsMs.put("served through the gateway after the Spark commit", msSince(started));
    assertThat(graphqlAsOf(gdp, "2024-12-20")).isEqualTo(afterBackfill);
    assertThat(graphqlAsOf(gdp, "2024-11-30")).containsExactly("2024-01-01=1.25@2024-11-01",
        "2024-04-01=2.2@2024-11-01", "2024-07-01=3.15@2024-11-01");
    assertThat(graphqlAsOf(gdp, "2024-09-01")).isEqualTo(asOfSeptember);
    assertThat(graphqlAsOf(other, null)).containsExactly("2024-01-01=99@2024-12-31");

    // Almanac writes after Spark: its stamp must be above Spark's (read from the snapshot summary), so
    // its re-send of a key Spark wrote wins.
    upload("after-spark", point(gdp, "2024-10-01", "4.10", "2024-12-15"));
    assertThat(graphqlAsOf(gdp, null)).containsExactly("2024-01-01=1.3@2024-12-15", "2024-04-01=2.25@2024-12-15",
        "2024-07-01=3.2@2024-12-15", "2024-10-01=4.1@2024-12-15");
    assertThat(sparkAsOf(gdp, null)).last().isEqualTo("2024-10-01=4.1@2024-12-15");

    // Almanac's maintenance compacts Spark's file with its own: of the key both wrote, the row stamped
    // later (Almanac's) is the one kept, and both engines read the same views as before.
    started = System.nanoTime();
    String q4Rows = "SELECT CAST(value AS STRING), batch_id FROM " + TABLE + " WHERE series_id = " + gdp
        + " AND date = DATE '2024-10-01' AND revision_date = DATE '2024-12-15'";
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    List<Row> q4 = spark.sql(q4Rows).collectAsList();
    while (q4.size() > 1 && System.nanoTime() < deadline) {
      q4 = spark.sql(q4Rows).collectAsList();
    }
    timingsMs.put("until Almanac compacted Spark's file", msSince(started));
    assertThat(q4).extracting(r -> r.getString(0) + " " + r.getString(1)).containsExactly("4.1000000000 after-spark");
    assertThat(spark.sql("SELECT count(*) FROM " + TABLE + ".snapshots WHERE operation = 'replace' AND committed_at > "
        + "(SELECT committed_at FROM " + TABLE + ".snapshots WHERE summary['almanac.batch-ids'] = '" + BACKFILL_BATCH
        + "')").first().getLong(0)).as("compactions after Spark's append").isPositive();
    List<String> compacted = List.of("2024-01-01=1.3@2024-12-15", "2024-04-01=2.25@2024-12-15",
        "2024-07-01=3.2@2024-12-15", "2024-10-01=4.1@2024-12-15");
    assertThat(sparkAsOf(gdp, null)).isEqualTo(compacted);
    assertThat(graphqlAsOf(gdp, null)).isEqualTo(compacted);
    assertThat(sparkAsOf(gdp, LocalDate.parse("2024-09-01"))).isEqualTo(asOfSeptember);
    assertThat(graphqlAsOf(gdp, "2024-09-01")).isEqualTo(asOfSeptember);
  }

  /**
   * The ALFRED view in Spark SQL: for each date of the series, the row with the greatest revision date on
   * or before {@code asOf} (all revisions when null), of equal keys the one ingested last.
   */
  private static List<String> sparkAsOf(String seriesId, LocalDate asOf) {
    String asOfFilter = asOf == null ? "" : " AND revision_date <= DATE '" + asOf + "'";
    Dataset<Row> view = spark.sql("""
        SELECT date, value, revision_date FROM (
          SELECT date, value, revision_date,
                 row_number() OVER (PARTITION BY date ORDER BY revision_date DESC, ingested_at DESC) AS rank
          FROM %s WHERE series_id = %d%s)
        WHERE rank = 1 ORDER BY date""".formatted(TABLE, Long.parseLong(seriesId), asOfFilter));
    List<String> rows = new ArrayList<>();
    for (Row row : view.collectAsList()) {
      BigDecimal value = row.getAs("value");
      rows.add(row.<LocalDate>getAs("date") + "=" + plain(value) + "@" + row.<LocalDate>getAs("revision_date"));
    }
    return rows;
  }

  /** The same view as GraphQL serves it through the gateway ({@code observations}, exact decimals). */
  private static List<String> graphqlAsOf(String seriesId, String asOf) {
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put("id", seriesId);
    variables.put("asOf", asOf);
    JsonNode nodes = gateway.data("""
        query($id: ID!, $asOf: Date) { series(id: $id) { observations(asOf: $asOf, first: 100) {
          nodes { date value revisionDate } } } }""", variables)
        .path("series").path("observations").path("nodes");
    List<String> rows = new ArrayList<>();
    for (JsonNode node : nodes) {
      BigDecimal value = node.path("value").isNull() ? null : new BigDecimal(node.path("value").asString());
      rows.add(node.path("date").asString() + "=" + plain(value) + "@" + node.path("revisionDate").asString());
    }
    return rows;
  }

  private static String plain(BigDecimal value) {
    return value == null ? "null" : value.stripTrailingZeros().toPlainString();
  }

  /**
   * Appends {@code rows} (series, date, revision date, value) as a foreign writer must: every column
   * filled, {@code ingested_at} one stamp above every stamp committed so far (the greatest in the rows
   * and in the snapshots' {@code almanac.ingested-through}) and at least the clock, a batch id, and the
   * stamp and batch id recorded in the snapshot summary as Almanac's commits record them. Sorting and
   * copy-on-write come from the table's own sort order and properties. Returns the stamp (epoch µs).
   */
  private static long appendBackfill(List<Row> rows) throws Exception {
    Row highest = spark.sql("""
        SELECT (SELECT unix_micros(max(ingested_at)) FROM %1$s) AS in_rows,
               (SELECT max(CAST(summary['almanac.ingested-through'] AS BIGINT)) FROM %1$s.snapshots) AS in_summaries
        """.formatted(TABLE)).first();
    long committed = Math.max(highest.isNullAt(0) ? 0 : highest.getLong(0), highest.isNullAt(1) ? 0 : highest.getLong(1));
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    long stamp = Math.max(committed + 1, ChronoUnit.MICROS.between(Instant.EPOCH, now));
    Instant ingestedAt = Instant.EPOCH.plus(stamp, ChronoUnit.MICROS);

    List<Row> full = new ArrayList<>();
    for (Row row : rows) {
      full.add(RowFactory.create(row.get(0), row.get(1), row.get(2),
          ((BigDecimal) row.get(3)).setScale(10), ingestedAt, BACKFILL_BATCH));
    }
    Dataset<Row> backfill = spark.createDataFrame(full, spark.table(TABLE).schema());
    backfill.writeTo(TABLE)
        .option("snapshot-property.almanac.ingested-through", Long.toString(stamp))
        .option("snapshot-property.almanac.batch-ids", BACKFILL_BATCH)
        .append();
    return stamp;
  }

  private static void awaitServed(Supplier<List<String>> read, List<String> expected) {
    long deadline = System.nanoTime() + SERVED_WITHIN.toNanos();
    List<String> last = read.get();
    while (!last.equals(expected) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      last = read.get();
    }
    assertThat(last).as("served within %s", SERVED_WITHIN).isEqualTo(expected);
  }

  private static long msSince(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }
}
