package io.almanac.store;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Iceberg catalog and Almanac's three tables, created on first use. Several processes may open
 * the store at once (the subgraphs start together), so creation tolerates losing a race.
 */
public final class TimeseriesStore implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(TimeseriesStore.class);
  private static final int OPEN_ATTEMPTS = 5;

  private final StoreSettings settings;
  private final Catalog catalog;
  private final TableIdentifier observationsId;
  private final TableIdentifier seriesId;
  private final TableIdentifier rawBatchesId;
  private Table observations;
  private Table series;
  private Table rawBatches;

  private TimeseriesStore(StoreSettings settings, Catalog catalog) {
    this.settings = settings;
    this.catalog = catalog;
    this.observationsId = TableIdentifier.of(settings.namespace(), ObservationLayout.TABLE_NAME);
    this.seriesId = TableIdentifier.of(settings.namespace(), SeriesLayout.TABLE_NAME);
    this.rawBatchesId = TableIdentifier.of(settings.archiveNamespace(), RawBatchLayout.TABLE_NAME);
  }

  /** Opens the catalog and creates any missing namespace or table. */
  public static TimeseriesStore open(StoreSettings settings) {
    RuntimeException last = null;
    for (int attempt = 1; attempt <= OPEN_ATTEMPTS; attempt++) {
      Catalog catalog = null;
      try {
        catalog =
            CatalogUtil.buildIcebergCatalog(
                settings.catalogName(), settings.catalogProperties(), new Configuration());
        TimeseriesStore store = new TimeseriesStore(settings, catalog);
        store.ensureTables();
        store.observations = store.loadObservations();
        store.series = store.loadSeries();
        store.rawBatches = store.loadRawBatches();
        return store;
      } catch (RuntimeException e) {
        // Catalog initialisation (the JDBC catalog creates its own tables) can race another process.
        last = e;
        closeQuietly(catalog);
        log.warn("Opening the Iceberg catalog failed (attempt {}/{}): {}", attempt, OPEN_ATTEMPTS, e.toString());
        try {
          Thread.sleep(200L * attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
    throw last;
  }

  private void ensureTables() {
    ensureNamespace(Namespace.of(settings.namespace()));
    ensureNamespace(Namespace.of(settings.archiveNamespace()));
    ensureTable(observationsId, TimeseriesTables.OBSERVATIONS, TimeseriesTables.OBSERVATIONS_ORDER,
        TimeseriesTables.OBSERVATIONS_PROPERTIES);
    ensureProperties(observationsId, TimeseriesTables.OBSERVATIONS_WRITE_RULES);
    ensureTable(seriesId, TimeseriesTables.SERIES, TimeseriesTables.SERIES_ORDER,
        TimeseriesTables.DEFAULT_PROPERTIES);
    ensureTable(rawBatchesId, TimeseriesTables.RAW_BATCHES, TimeseriesTables.RAW_BATCHES_ORDER,
        TimeseriesTables.DEFAULT_PROPERTIES);
    evolve(observationsId, TimeseriesTables.OBSERVATIONS);
    evolve(seriesId, TimeseriesTables.SERIES);
    evolve(rawBatchesId, TimeseriesTables.RAW_BATCHES);
  }

  /**
   * Brings a table written by an earlier Almanac to {@code schema} in place: adds the columns it lacks
   * (top-level, optional, in schema order, one metadata commit; no data file is rewritten, and older files
   * read the new columns as null). Iceberg numbers an added column and its nested fields after the table's
   * last id, which is how the layouts number them; the check after the commit refuses a table whose ids
   * came out otherwise (changed by hand or by another engine), since the layouts address columns by id.
   * Processes opening at once may race: the loser's commit fails and {@link #open} tries again, finding the
   * columns there.
   *
   * @throws IllegalStateException if a column the layout needs is in the table with another id or type, or
   *     a column it lacks is required (a required column cannot be added to a table with rows)
   */
  private void evolve(TableIdentifier id, Schema schema) {
    Table table = catalog.loadTable(id);
    List<Types.NestedField> missing = new ArrayList<>();
    for (Types.NestedField field : schema.columns()) {
      if (table.schema().findField(field.name()) == null) {
        if (field.isRequired()) {
          throw new IllegalStateException("Table " + id + " lacks required column " + field.name()
              + ", which cannot be added in place");
        }
        missing.add(field);
      }
    }
    if (!missing.isEmpty()) {
      UpdateSchema update = table.updateSchema();
      for (Types.NestedField field : missing) {
        update.addColumn(field.name(), field.type(), field.doc());
      }
      update.commit();
      log.info("Evolved Iceberg table {}: added columns {}", id,
          missing.stream().map(Types.NestedField::name).toList());
    }
    Schema actual = table.schema();
    for (Types.NestedField field : schema.columns()) {
      Types.NestedField found = actual.findField(field.name());
      if (found.fieldId() != field.fieldId() || !found.type().equals(field.type())) {
        throw new IllegalStateException("Table " + id + " has column " + found.name() + " as field " + found.fieldId()
            + " " + found.type() + "; this Almanac expects field " + field.fieldId() + " " + field.type());
      }
    }
  }

  private void ensureNamespace(Namespace namespace) {
    if (catalog instanceof SupportsNamespaces namespaces && !namespaces.namespaceExists(namespace)) {
      try {
        namespaces.createNamespace(namespace);
      } catch (AlreadyExistsException raced) {
        // another process created it first
      }
    }
  }

  private void ensureTable(TableIdentifier id, Schema schema, SortOrder order, Map<String, String> properties) {
    if (catalog.tableExists(id)) {
      return;
    }
    try {
      catalog.buildTable(id, schema)
          .withPartitionSpec(PartitionSpec.unpartitioned())
          .withSortOrder(order)
          .withProperties(properties)
          .create();
      log.info("Created Iceberg table {}", id);
    } catch (AlreadyExistsException raced) {
      // another process created it first
    }
  }

  /**
   * Sets those of {@code rules} the table does not already hold (one commit, only when one differs), so
   * a table created before a rule existed, or changed by hand, is brought back to what other engines
   * writing it must follow. Processes opening at once may both commit the same values, which is harmless.
   */
  private void ensureProperties(TableIdentifier id, Map<String, String> rules) {
    Table table = catalog.loadTable(id);
    Map<String, String> missing = new TreeMap<>();
    rules.forEach((key, value) -> {
      if (!value.equals(table.properties().get(key))) {
        missing.put(key, value);
      }
    });
    if (missing.isEmpty()) {
      return;
    }
    UpdateProperties update = table.updateProperties();
    missing.forEach(update::set);
    update.commit();
    log.info("Set {} on Iceberg table {}", missing, id);
  }

  /**
   * The shared, read-side instance of the observations table; call {@link Table#refresh()} to see new
   * commits (it only re-reads metadata when the catalog's pointer moved).
   */
  public Table observations() {
    return observations;
  }

  /** The shared, read-side instance of the series table; see {@link #observations()}. */
  public Table series() {
    return series;
  }

  /** The shared, read-side instance of the raw archive table; see {@link #observations()}. */
  public Table rawBatches() {
    return rawBatches;
  }

  /** A private instance for a committer, so writes never race reads on one metadata cache. */
  Table loadObservations() {
    return load(observationsId);
  }

  Table loadSeries() {
    return load(seriesId);
  }

  Table loadRawBatches() {
    return load(rawBatchesId);
  }

  private Table load(TableIdentifier id) {
    try {
      return catalog.loadTable(id);
    } catch (NoSuchTableException e) {
      throw new IllegalStateException("Table " + id + " disappeared from catalog " + settings.catalogName(), e);
    }
  }

  /**
   * Asks the catalog for the observations table's current metadata, as a reader would: a catalog round trip
   * (its database) and one metadata file read through the table's FileIO (its storage). For health checks;
   * nothing cached in this store changes.
   *
   * @return the table's current snapshot id, or -1 when it has none
   * @throws RuntimeException whatever the catalog or the storage threw
   */
  public long probe() {
    Table table = catalog.loadTable(observationsId);
    return table.currentSnapshot() == null ? -1 : table.currentSnapshot().snapshotId();
  }

  public StoreSettings settings() {
    return settings;
  }

  @Override
  public void close() throws IOException {
    if (catalog instanceof Closeable closeable) {
      closeable.close();
    }
  }

  private static void closeQuietly(Catalog catalog) {
    if (catalog instanceof Closeable closeable) {
      try {
        closeable.close();
      } catch (IOException | RuntimeException ignored) {
        // already failing; the original error is what matters
      }
    }
  }
}
