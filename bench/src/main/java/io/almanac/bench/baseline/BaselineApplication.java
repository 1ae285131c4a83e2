package io.almanac.bench.baseline;

import io.almanac.graphql.AlmanacExceptionHandler;
import io.almanac.graphql.ScalarWiring;
import io.almanac.graphql.Scalars;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Component;

/**
 * The PostgreSQL baseline of the benchmark: what a team would build instead of Almanac for the same
 * fields. One table {@code baseline.observations (series_id, date, revision_date, value)} with that
 * primary key, as-of views with {@code DISTINCT ON}, upserts with {@code INSERT ... ON CONFLICT} over
 * {@code unnest} arrays, and {@code COPY} for the HTTP bulk path. Runs as its own JVM, like Almanac's
 * subgraphs, against the same PostgreSQL server.
 */
@SpringBootApplication
@Import(AlmanacExceptionHandler.class)
public class BaselineApplication {

  public static void main(String[] args) {
    SpringApplication.run(BaselineApplication.class, args);
  }

  /** Almanac's own output scalars, so both sides serialize dates and decimals identically. */
  @Component
  static class BaselineScalars extends ScalarWiring {
    BaselineScalars() {
      super(Scalars.DATE, Scalars.DECIMAL);
    }
  }
}
