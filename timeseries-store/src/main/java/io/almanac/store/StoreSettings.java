package io.almanac.store;

import java.time.Duration;
import java.util.Map;

/**
 * Where the tables live and how writes are grouped.
 *
 * @param catalogName name of the Iceberg catalog
 * @param catalogProperties Iceberg catalog properties, passed through unchanged ({@code type} or
 *     {@code catalog-impl}, {@code uri}, {@code warehouse}, {@code io-impl}, ...), so JDBC, REST and
 *     S3-backed catalogs need no code change
 * @param namespace namespace of the {@code series} and {@code observations} tables
 * @param archiveNamespace namespace of the raw archive table
 * @param commitLinger how long a committer waits for more batches before committing what it has
 */
public record StoreSettings(
    String catalogName,
    Map<String, String> catalogProperties,
    String namespace,
    String archiveNamespace,
    Duration commitLinger) {

  /**
   * @throws IllegalArgumentException naming the first argument that is wrong: a name or namespace null
   *     or blank, catalog properties null or without {@code type} or {@code catalog-impl}, a linger
   *     null or negative
   */
  public StoreSettings {
    requireName("catalogName", catalogName);
    if (catalogProperties == null) {
      throw new IllegalArgumentException("catalogProperties must be a map of Iceberg catalog properties, was null");
    }
    catalogProperties = Map.copyOf(catalogProperties);
    if (!catalogProperties.containsKey("type") && !catalogProperties.containsKey("catalog-impl")) {
      throw new IllegalArgumentException(
          "Catalog properties need 'type' (jdbc, rest, hadoop, ...) or 'catalog-impl', got keys "
              + catalogProperties.keySet());
    }
    requireName("namespace", namespace);
    requireName("archiveNamespace", archiveNamespace);
    if (commitLinger == null || commitLinger.isNegative()) {
      throw new IllegalArgumentException("commitLinger must be zero or positive, was " + commitLinger);
    }
  }

  private static void requireName(String argument, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          argument + " must be a non-blank name, was " + (value == null ? "null" : "'" + value + "'"));
    }
  }
}
