package io.almanac.users;

import io.almanac.graphql.Scalars;
import io.almanac.graphql.ScalarWiring;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Component;

/** Users and watchlists. */
@SpringBootApplication(scanBasePackages = {"io.almanac.users", "io.almanac.graphql"})
public class UserSubgraphApplication {

  public static void main(String[] args) {
    SpringApplication.run(UserSubgraphApplication.class, args);
  }

  @Component
  static class UserScalars extends ScalarWiring {
    UserScalars() {
      super(Scalars.DATE_TIME);
    }
  }
}
