package io.almanac.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SchemaParser;
import org.apache.iceberg.SortOrderParser;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A warehouse written by the previous release (0.1.0: the three tables' schemas and sort orders as main had
 * them before issue 17, saved as JSON under {@code schemas-0.1.0/}, with rows written through Iceberg's own
 * generic writer in those schemas) opened by this code: the series table gains {@code tags} in place (no data
 * file rewritten), old rows read with no tags, new rows carry tags, and everything reads back.
 */
class SchemaEvolutionOnStartTest {

  private static final OffsetDateTime OLD_UPDATE = OffsetDateTime.parse("2024-01-01T00:00:00Z");

  private static EmbeddedCatalog catalog;
  private static StoreSettings settings;
  private static Set<String> dataFilesBefore;
  private static long seriesSchemaIdBefore;

  @BeforeAll
  static void previousReleaseWarehouse() throws Exception {
    catalog = new EmbeddedCatalog();
    settings = catalog.settings(Duration.ofMillis(20));
    Catalog iceberg = CatalogUtil.buildIcebergCatalog(settings.catalogName(), settings.catalogProperties(),
        new Configuration());
    try {
      ((SupportsNamespaces) iceberg).createNamespace(Namespace.of("almanac"));
      ((SupportsNamespaces) iceberg).createNamespace(Namespace.of("almanac_raw"));
      Table series = create(iceberg, TableIdentifier.of("almanac", "series"), "series");
      Table observations = create(iceberg, TableIdentifier.of("almanac", "observations"), "observations");
      create(iceberg, TableIdentifier.of("almanac_raw", "raw_batches"), "raw_batches");

      Record gdp = GenericRecord.create(series.schema());
      gdp.setField("id", 1L);
      gdp.setField("provider_id", "7");
      gdp.setField("external_id", "GDP");
      gdp.setField("title", "Gross Domestic Product");
      gdp.setField("units", "Percent");
      gdp.setField("frequency", "QUARTERLY");
      gdp.setField("active", true);
      gdp.setField("updated_at", OLD_UPDATE);
      Record cpi = gdp.copy();
      cpi.setField("id", 2L);
      cpi.setField("external_id", "CPI");
      cpi.setField("title", "Consumer Price Index");
      cpi.setField("frequency", "MONTHLY");
      append(series, List.of(gdp, cpi));

      Record point = GenericRecord.create(observations.schema());
      point.setField("series_id", 1L);
      point.setField("date", LocalDate.parse("2024-01-01"));
      point.setField("revision_date", LocalDate.parse("2024-04-25"));
      point.setField("value", new BigDecimal("1.6000000000"));
      point.setField("ingested_at", OLD_UPDATE);
      point.setField("batch_id", "old-batch");
      append(observations, List.of(point));

      dataFilesBefore = dataFiles(series);
      seriesSchemaIdBefore = series.schema().schemaId();
    } finally {
      ((java.io.Closeable) iceberg).close();
    }
  }

  @AfterAll
  static void close() throws Exception {
    catalog.close();
  }

  @Test
  void theSeriesTableGainsTagsInPlaceAndOldAndNewRowsReadBack() throws Exception {
    try (TimeseriesStore store = TimeseriesStore.open(settings);
        TimeseriesWriter writer = new TimeseriesWriter(store)) {
      Table series = store.loadSeries();
      assertThat(series.schema().sameSchema(TimeseriesTables.SERIES)).isTrue();
      assertThat(series.schema().schemaId()).isGreaterThan((int) seriesSchemaIdBefore);
      assertThat(series.schema().findField("tags").fieldId()).isEqualTo(12);
      // Evolution is a metadata commit: the old data file is still the table's only file.
      assertThat(dataFiles(series)).isEqualTo(dataFilesBefore);
      assertThat(store.loadObservations().schema().sameSchema(TimeseriesTables.OBSERVATIONS)).isTrue();
      assertThat(store.loadRawBatches().schema().sameSchema(TimeseriesTables.RAW_BATCHES)).isTrue();

      TimeseriesReader reader = new TimeseriesReader(store);
      Map<Long, SeriesRecord> old = reader.readSeries(reader.seriesSnapshot());
      assertThat(old.keySet()).containsExactlyInAnyOrder(1L, 2L);
      assertThat(old.get(1L).title()).isEqualTo("Gross Domestic Product");
      assertThat(old.get(1L).tags()).isEmpty();
      SeriesHistory history = reader.readHistories(List.of(1L), reader.observationsSnapshot()).get(1L);
      assertThat(history.size()).isEqualTo(1);
      assertThat(history.value(0)).isEqualByComparingTo("1.6");

      List<SeriesTag> tags = List.of(new SeriesTag("gdp", "concept"), new SeriesTag("usa", "geo"),
          new SeriesTag("nsa", null));
      writer.upsertSeries(List.of(new SeriesRecord(1, "7", "GDP", "Gross Domestic Product", null, "Percent",
          "QUARTERLY", null, true, OLD_UPDATE.plusDays(1), false, tags))).get();
      Map<Long, SeriesRecord> now = reader.readSeries(reader.seriesSnapshot());
      assertThat(now.get(1L).tags()).isEqualTo(tags);
      assertThat(now.get(2L).tags()).isEmpty();

      // Opening again finds nothing to add: no new schema.
      int evolvedSchemaId = series.schema().schemaId();
      try (TimeseriesStore again = TimeseriesStore.open(settings)) {
        assertThat(again.loadSeries().schema().schemaId()).isEqualTo(evolvedSchemaId);
        assertThat(new TimeseriesReader(again).readSeries(new TimeseriesReader(again).seriesSnapshot()).get(1L).tags())
            .isEqualTo(tags);
      }
    }
  }

  private static Table create(Catalog iceberg, TableIdentifier id, String name) {
    Schema schema = SchemaParser.fromJson(fixture(name + ".schema.json"));
    return iceberg.buildTable(id, schema)
        .withPartitionSpec(PartitionSpec.unpartitioned())
        .withSortOrder(SortOrderParser.fromJson(schema, fixture(name + ".sort-order.json")))
        .withProperties(Map.of("format-version", "2"))
        .create();
  }

  private static String fixture(String file) {
    try (InputStream in = SchemaEvolutionOnStartTest.class.getResourceAsStream("/schemas-0.1.0/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void append(Table table, List<Record> rows) throws IOException {
    OutputFile out = table.io().newOutputFile(table.locationProvider().newDataLocation(UUID.randomUUID() + ".parquet"));
    DataWriter<Record> writer = new GenericAppenderFactory(table.schema(), table.spec())
        .newDataWriter(EncryptedFiles.plainAsEncryptedOutput(out), FileFormat.PARQUET, null);
    try (writer) {
      rows.forEach(writer::write);
    }
    DataFile file = writer.toDataFile();
    table.newAppend().appendFile(file).commit();
  }

  private static Set<String> dataFiles(Table table) throws IOException {
    Set<String> paths = new HashSet<>();
    try (var tasks = table.newScan().planFiles()) {
      tasks.forEach(t -> paths.add(t.file().location()));
    }
    return paths;
  }
}
