package io.almanac.users;

import io.almanac.graphql.Scalars;
import io.almanac.graphql.ScalarWiring;
import io.almanac.graphql.auth.AuthPolicy;
import io.almanac.graphql.auth.Role;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

/**
 * Users, API keys and watchlists, one package per feature ({@code users}, {@code keys}, {@code watchlists}). The
 * series store comes in only through {@code watchlists.IcebergSeriesExistence}.
 */
@SpringBootApplication(scanBasePackages = {"io.almanac.users", "io.almanac.graphql"})
public class UserSubgraphApplication {

  public static void main(String[] args) {
    SpringApplication.run(UserSubgraphApplication.class, args);
  }

  /** Any authenticated caller may call a mutation here; each service checks its own rule (self or admin). */
  @Bean
  AuthPolicy authPolicy() {
    return new AuthPolicy(Role.VIEWER);
  }

  @Component
  static class UserScalars extends ScalarWiring {
    UserScalars() {
      super(Scalars.DATE_TIME, Scalars.JSON);
    }
  }
}
