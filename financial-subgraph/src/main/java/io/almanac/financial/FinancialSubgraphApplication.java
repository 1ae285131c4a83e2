package io.almanac.financial;

import io.almanac.graphql.Scalars;
import io.almanac.graphql.ScalarWiring;
import io.almanac.store.spring.TimeseriesStoreConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import io.almanac.graphql.auth.AuthPolicy;
import io.almanac.graphql.auth.Role;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Component;

/** Read-only series and observations, served from the Iceberg tables. */
@SpringBootApplication(scanBasePackages = {"io.almanac.financial", "io.almanac.graphql"})
@Import(TimeseriesStoreConfiguration.class)
public class FinancialSubgraphApplication {

  public static void main(String[] args) {
    SpringApplication.run(FinancialSubgraphApplication.class, args);
  }

  /** Read-only: no mutation is open to anyone below admin (and there are none). */
  @Bean
  AuthPolicy authPolicy() {
    return new AuthPolicy(Role.ADMIN);
  }

  @Component
  static class FinancialScalars extends ScalarWiring {
    FinancialScalars() {
      super(Scalars.DATE, Scalars.DATE_TIME, Scalars.DECIMAL);
    }
  }
}
