package io.almanac.store;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

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

  public StoreSettings {
    Objects.requireNonNull(catalogName, "catalogName");
    catalogProperties = Map.copyOf(Objects.requireNonNull(catalogProperties, "catalogProperties"));
    if (!catalogProperties.containsKey("type") && !catalogProperties.containsKey("catalog-impl")) {
      throw new IllegalArgumentException(
          "Catalog properties need 'type' (jdbc, rest, hadoop, ...) or 'catalog-impl', got keys "
              + catalogProperties.keySet());
    }
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(archiveNamespace, "archiveNamespace");
    if (commitLinger == null || commitLinger.isNegative()) {
      throw new IllegalArgumentException("commitLinger must be zero or positive, got " + commitLinger);
    }
  }
}
