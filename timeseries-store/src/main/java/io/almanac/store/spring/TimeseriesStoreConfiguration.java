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
    // The catalog opens its own connections (DriverManager, not the pool): give them the pool's pgjdbc
    // timeouts, so a stalled database cannot hang a table refresh or commit either.
    pooledDriverProperties(environment).forEach((key, value) -> catalog.put("jdbc." + key, value));
    String warehouse = environment.getProperty("almanac.store.warehouse", "data/warehouse");
    catalog.put("warehouse", Path.of(warehouse).toAbsolutePath().normalize().toUri().toString());
    catalog.put("io-impl", LocalFileIO.class.getName());
    return catalog;
  }

  /** {@code spring.datasource.hikari.data-source-properties}: the driver properties of the pool's connections. */
  static Map<String, String> pooledDriverProperties(Environment environment) {
    return Binder.get(environment).bind("spring.datasource.hikari.data-source-properties",
        Bindable.mapOf(String.class, String.class)).orElse(Map.of());
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
