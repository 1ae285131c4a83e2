package io.almanac.graphql.audit;

import io.almanac.graphql.SharedSchemas;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/** Migrates the {@code audit} schema at start-up in every subgraph (each writes its own mutations' entries). */
@Component
public class AuditSchemaMigration {

  public AuditSchemaMigration(DataSource dataSource) {
    SharedSchemas.migrate(dataSource, "audit");
  }
}
