package io.almanac.crawler;

import io.almanac.graphql.Scalars;
import io.almanac.graphql.ScalarWiring;
import io.almanac.store.TimeseriesStore;
import io.almanac.store.TimeseriesWriter;
import io.almanac.store.spring.TimeseriesStoreConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import io.almanac.crawler.generated.DgsConstants;
import io.almanac.graphql.auth.AuthPolicy;
import java.util.Map;
import io.almanac.graphql.auth.Role;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Component;

/** Providers and the write path into the Iceberg tables. */
@SpringBootApplication(scanBasePackages = {"io.almanac.crawler", "io.almanac.graphql"})
@Import(TimeseriesStoreConfiguration.class)
@ConfigurationPropertiesScan
@EnableScheduling
public class CrawlerWriteApiApplication {

  public static void main(String[] args) {
    SpringApplication.run(CrawlerWriteApiApplication.class, args);
  }

  /** The only committer of Almanac's tables in this process. */
  @Bean(destroyMethod = "close")
  TimeseriesWriter timeseriesWriter(TimeseriesStore store) {
    return new TimeseriesWriter(store);
  }

  /** Every mutation here changes data: crawlers and admins only; taking a batch back, admins only. */
  @Bean
  AuthPolicy authPolicy() {
    return new AuthPolicy(Role.CRAWLER, Map.of(DgsConstants.MUTATION.RetractBatch, Role.ADMIN));
  }

  /** Upload payloads keep dates and values as text, so each bad point is reported and archived. */
  @Component
  static class CrawlerScalars extends ScalarWiring {
    CrawlerScalars() {
      super(Scalars.RAW_DATE, Scalars.DATE_TIME, Scalars.RAW_DECIMAL, Scalars.JSON);
    }
  }
}
