package io.almanac.graphql.auth;

import io.almanac.graphql.SharedSchemas;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/** Migrates the {@code auth} schema at start-up in every subgraph, so that whichever starts first can verify keys. */
@Component
public class AuthSchemaMigration {

  public AuthSchemaMigration(DataSource dataSource) {
    SharedSchemas.migrate(dataSource, "auth");
  }
}
