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
 * application's PostgreSQL database with the warehouse folder {@code almanac.store.warehouse}.
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
    Map<String, String> catalog = configuredCatalog(environment);
    if (!catalog.containsKey("type") && !catalog.containsKey("catalog-impl")) {
      catalog.putAll(defaultJdbcCatalog(environment, dataSource));
    }
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
    String warehouse = environment.getProperty("almanac.store.warehouse", "data/warehouse");
    catalog.put("warehouse", Path.of(warehouse).toAbsolutePath().normalize().toUri().toString());
    catalog.put("io-impl", LocalFileIO.class.getName());
    return catalog;
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
