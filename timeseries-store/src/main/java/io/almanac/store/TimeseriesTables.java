package io.almanac.store;

import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.TableProperties;

/**
 * Schemas, sort orders and properties of Almanac's Iceberg tables. Each table's schema is defined by
 * its layout ({@link ObservationLayout}, {@link SeriesLayout}, {@link RawBatchLayout}), which also
 * holds its typed columns and row order; these constants are the public view of them.
 */
public final class TimeseriesTables {

  /**
   * Values are exact decimals; ten fractional digits cover every published statistic we know of. The
   * one check that a value fits is {@link ObservationRow#fitsStoredScale}.
   */
  public static final int VALUE_PRECISION = 38;
  public static final int VALUE_SCALE = 10;

  /**
   * Bitemporal observations, appended. Key {@code (series_id, date, revision_date)}; when a key is
   * written twice, the row with the greater {@code ingested_at} wins on read.
   */
  public static final Schema OBSERVATIONS = ObservationLayout.SCHEMA;

  public static final SortOrder OBSERVATIONS_ORDER = ObservationLayout.SORT_ORDER;

  /**
   * Series metadata, appended as versions: the row with the greatest {@code updated_at} per id wins; a
   * winning row with {@code deleted} set means the series was deleted.
   */
  public static final Schema SERIES = SeriesLayout.SCHEMA;

  public static final SortOrder SERIES_ORDER = SeriesLayout.SORT_ORDER;

  /** Every batch as the crawler sent it, one row per batch (see {@link RawBatchLayout}). */
  public static final Schema RAW_BATCHES = RawBatchLayout.SCHEMA;

  public static final SortOrder RAW_BATCHES_ORDER = RawBatchLayout.SORT_ORDER;

  /**
   * The rules another engine (Spark, Flink) must follow to write the observations table, as
   * table properties those engines read: deletes, updates and merges copy-on-write (readers here never
   * merge delete files, and the store itself never writes one: deleted series and retracted batches
   * rewrite their files), and rows range-distributed by the table's sort order, so each task writes
   * one sorted run of series ids and files do not overlap. Set when the table is created and, when an
   * existing table says otherwise (created by an older Almanac, or changed by hand), when it is opened.
   */
  public static final Map<String, String> OBSERVATIONS_WRITE_RULES =
      Map.of(
          TableProperties.DELETE_MODE, "copy-on-write",
          TableProperties.UPDATE_MODE, "copy-on-write",
          TableProperties.MERGE_MODE, "copy-on-write",
          TableProperties.WRITE_DISTRIBUTION_MODE, TableProperties.WRITE_DISTRIBUTION_MODE_RANGE);

  /**
   * Small row groups keep a one-series read cheap: {@link ObservationReader} decodes whole row groups
   * (those whose series-id statistics hold a wanted series), so their size bounds how many foreign
   * rows a read decodes (measured: 8 MiB groups decoded 118k rows for 181 matches, 256 KiB groups
   * about 10k). Engines writing the table read these too. With {@link #OBSERVATIONS_WRITE_RULES}.
   */
  static final Map<String, String> OBSERVATIONS_PROPERTIES = withRules(
      Map.of(
          TableProperties.FORMAT_VERSION, "2",
          TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, String.valueOf(256 * 1024),
          TableProperties.PARQUET_COMPRESSION, "zstd",
          TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true",
          TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "20"),
      OBSERVATIONS_WRITE_RULES);

  static final Map<String, String> DEFAULT_PROPERTIES =
      Map.of(
          TableProperties.FORMAT_VERSION, "2",
          TableProperties.PARQUET_COMPRESSION, "zstd",
          TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true",
          TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "20");

  private TimeseriesTables() {}

  private static Map<String, String> withRules(Map<String, String> properties, Map<String, String> rules) {
    Map<String, String> all = new HashMap<>(properties);
    all.putAll(rules);
    return Map.copyOf(all);
  }
}
