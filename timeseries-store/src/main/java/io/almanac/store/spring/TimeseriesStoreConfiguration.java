package io.almanac.store.spring;

import io.almanac.store.LocalFileIO;
import io.almanac.store.SeriesDirectory;
import io.almanac.store.StoreSettings;
import io.almanac.store.TimeseriesReader;
import io.almanac.store.TimeseriesStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Opens the store from Spring properties.
 *
 * <p>{@code almanac.store.catalog.*} are Iceberg catalog properties passed through as they are (for
 * example {@code type=rest}, {@code uri=...}, {@code io-impl=org.apache.iceberg.aws.s3.S3FileIO}).
 * Without a {@code type}, the default is a JDBC catalog in the {@code iceberg} schema of the
 * application's PostgreSQL database with the warehouse {@code almanac.store.warehouse}: a local folder
 * (read and written with {@link LocalFileIO}) or an {@code s3://bucket/prefix} URI (Iceberg's
 * {@code S3FileIO}, see {@link #warehouseProperties}), with any {@code almanac.store.catalog.*} given over it.
 */
@Configuration(proxyBeanMethods = false)
public class TimeseriesStoreConfiguration {

  static final String CATALOG_SCHEMA = "iceberg";

  /**
   * The catalog's statements are single-row lookups and updates by key, so its waits are shorter than the
   * pool's (seconds): a paused server costs a refresh at most about 5 s (one socket timeout, then one
   * login timeout when Iceberg retries on a new connection), after which reads use the last loaded state.
   */
  static final Map<String, String> CATALOG_DRIVER_DEFAULTS = Map.of(
      "connectTimeout", "3",
      "loginTimeout", "2",
      "socketTimeout", "3",
      "options", "-c statement_timeout=2s");

  @Bean(destroyMethod = "close")
  public TimeseriesStore timeseriesStore(Environment environment, DataSource dataSource) {
    Binder binder = Binder.get(environment);
    Map<String, String> catalog = withDefaults(configuredCatalog(environment),
        () -> defaultJdbcCatalog(environment, dataSource));
    requireFileIo(catalog);
    // Manifests are immutable: caching them makes scan planning of a hot table memory-only.
    catalog.putIfAbsent("io.manifest.cache-enabled", "true");
    StoreSettings settings = new StoreSettings(
        environment.getProperty("almanac.store.catalog-name", "almanac"),
        catalog,
        environment.getProperty("almanac.store.namespace", "almanac"),
        environment.getProperty("almanac.store.archive-namespace", "almanac_raw"),
        binder.bind("almanac.store.commit-linger", Duration.class).orElse(Duration.ofMillis(5)));
    return TimeseriesStore.open(settings);
  }

  /** {@code almanac.store.catalog.*} as Iceberg properties: nested keys keep their dots ({@code jdbc.user}). */
  static Map<String, String> configuredCatalog(Environment environment) {
    return new LinkedHashMap<>(Binder.get(environment)
        .bind("almanac.store.catalog", Bindable.mapOf(String.class, String.class)).orElse(Map.of()));
  }

  /**
   * The configured catalog properties; without a {@code type} or {@code catalog-impl}, the default JDBC
   * catalog with the configured properties over it (so {@code almanac.store.catalog.s3.sse.type} or
   * {@code io-impl} adjust the default instead of being replaced by it).
   */
  static Map<String, String> withDefaults(Map<String, String> configured,
      java.util.function.Supplier<Map<String, String>> defaultCatalog) {
    if (configured.containsKey("type") || configured.containsKey("catalog-impl")) {
      return new LinkedHashMap<>(configured);
    }
    Map<String, String> catalog = new LinkedHashMap<>(defaultCatalog.get());
    catalog.putAll(configured);
    return catalog;
  }

  /**
   * {@code iceberg} in {@code /actuator/health}; {@code almanac.store.health-timeout} (2 s) bounds one check.
   * Only where Actuator is (Spring Boot's health module on the classpath).
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  static class CatalogHealth {
    @Bean
    public CatalogHealthIndicator icebergHealthIndicator(TimeseriesStore store, Environment environment) {
      return new CatalogHealthIndicator(store, Binder.get(environment)
          .bind("almanac.store.health-timeout", Duration.class).orElse(Duration.ofSeconds(2)));
    }
  }

  @Bean
  public TimeseriesReader timeseriesReader(TimeseriesStore store) {
    return new TimeseriesReader(store);
  }

  @Bean
  public SeriesDirectory seriesDirectory(TimeseriesReader reader) {
    return new SeriesDirectory(reader);
  }

  private static Map<String, String> defaultJdbcCatalog(Environment environment, DataSource dataSource) {
    String url = environment.getRequiredProperty("spring.datasource.url");
    createCatalogSchema(dataSource);
    Map<String, String> catalog = new LinkedHashMap<>();
    catalog.put("type", "jdbc");
    catalog.put("uri", url + (url.contains("?") ? "&" : "?") + "currentSchema=" + CATALOG_SCHEMA);
    catalog.put("jdbc.user", environment.getProperty("spring.datasource.username", ""));
    catalog.put("jdbc.password", environment.getProperty("spring.datasource.password", ""));
    // The catalog opens its own connections (DriverManager, not the pool): bound their waits too, so a
    // stalled database cannot hang a table refresh or commit.
    catalogDriverProperties(environment).forEach((key, value) -> catalog.put("jdbc." + key, value));
    catalog.putAll(warehouseProperties(environment));
    return catalog;
  }

  /** Iceberg's FileIO for S3 and S3-compatible stores (module iceberg-aws; the AWS SDK from iceberg-aws-bundle). */
  static final String S3_FILE_IO = "org.apache.iceberg.aws.s3.S3FileIO";

  /**
   * The default catalog's {@code warehouse} and {@code io-impl}, and for object storage the S3 client's
   * settings. A warehouse {@code s3://bucket/prefix} (also {@code s3a://}, {@code s3n://}) is written with
   * {@code S3FileIO}: {@code almanac.store.s3.endpoint} ({@code s3.endpoint}: an S3-compatible store such as
   * MinIO; blank: AWS), {@code almanac.store.s3.path-style-access} ({@code s3.path-style-access}, false;
   * MinIO needs true) and {@code almanac.store.s3.region} ({@code client.region}; blank: the AWS SDK's
   * chain, {@code AWS_REGION} first, and {@code us-east-1} for an endpoint when that chain has nothing, as
   * S3-compatible stores ignore it). Credentials always come from the AWS SDK's default chain
   * ({@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, profiles, instance roles), never from here.
   * Anything else is a local folder, made absolute, with {@link LocalFileIO}.
   *
   * @throws IllegalArgumentException for an object-storage URI without a bucket
   */
  static Map<String, String> warehouseProperties(Environment environment) {
    String warehouse = environment.getProperty("almanac.store.warehouse", "data/warehouse").strip();
    Map<String, String> properties = new LinkedHashMap<>();
    if (!isObjectStorage(warehouse)) {
      properties.put("warehouse", Path.of(warehouse).toAbsolutePath().normalize().toUri().toString());
      properties.put("io-impl", LocalFileIO.class.getName());
      return properties;
    }
    String path = warehouse.substring(warehouse.indexOf("://") + 3);
    if (path.isEmpty() || path.startsWith("/")) {
      throw new IllegalArgumentException("almanac.store.warehouse (ALMANAC_WAREHOUSE) must name a bucket, as in "
          + "s3://bucket/prefix, was '" + warehouse + "'");
    }
    properties.put("warehouse", warehouse);
    properties.put("io-impl", S3_FILE_IO);
    String endpoint = environment.getProperty("almanac.store.s3.endpoint", "").strip();
    if (!endpoint.isEmpty()) {
      properties.put("s3.endpoint", endpoint);
    }
    properties.put("s3.path-style-access", String.valueOf(
        Binder.get(environment).bind("almanac.store.s3.path-style-access", Boolean.class).orElse(false)));
    String region = environment.getProperty("almanac.store.s3.region", "").strip();
    if (region.isEmpty() && !endpoint.isEmpty() && !environment.containsProperty("AWS_REGION")
        && !environment.containsProperty("aws.region")) {
      region = "us-east-1";
    }
    if (!region.isEmpty()) {
      properties.put("client.region", region);
    }
    return properties;
  }

  /** True for the URI schemes {@code S3FileIO} reads and writes. */
  static boolean isObjectStorage(String warehouse) {
    return warehouse.startsWith("s3://") || warehouse.startsWith("s3a://") || warehouse.startsWith("s3n://");
  }

  /** A clear start-up failure instead of Iceberg's "Cannot initialize FileIO" when a jar lacks iceberg-aws. */
  private static void requireFileIo(Map<String, String> catalog) {
    String fileIo = catalog.get("io-impl");
    if (fileIo == null) {
      return; // the catalog's own default
    }
    try {
      Class.forName(fileIo, false, TimeseriesStoreConfiguration.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("The warehouse " + catalog.get("warehouse") + " needs " + fileIo
          + ", which this process does not have: org.apache.iceberg:iceberg-aws and iceberg-aws-bundle must be on"
          + " its classpath (they are in financial-subgraph, crawler-write-api and user-subgraph)", e);
    }
  }

  /**
   * pgjdbc properties of the JDBC catalog's connections: {@link #CATALOG_DRIVER_DEFAULTS} overridden by
   * {@code almanac.store.catalog-driver.*}.
   */
  static Map<String, String> catalogDriverProperties(Environment environment) {
    Map<String, String> properties = new LinkedHashMap<>(CATALOG_DRIVER_DEFAULTS);
    properties.putAll(Binder.get(environment).bind("almanac.store.catalog-driver",
        Bindable.mapOf(String.class, String.class)).orElse(Map.of()));
    return properties;
  }

  /** Every subgraph starts at once; concurrent CREATE SCHEMA IF NOT EXISTS can still collide, so retry. */
  private static void createCatalogSchema(DataSource dataSource) {
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    for (int attempt = 1; ; attempt++) {
      try {
        jdbc.execute("CREATE SCHEMA IF NOT EXISTS " + CATALOG_SCHEMA);
        return;
      } catch (RuntimeException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }
}
