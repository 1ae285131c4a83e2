package io.almanac.crawler.providers;

import java.time.OffsetDateTime;
import java.util.Map;

/**
 * The {@code Provider} entity's stored fields; named like its GraphQL type for the federation
 * resolver. Run statistics and the next run time are derived by their own fetchers. Hand-written: the
 * generated type would carry those derived fields, never set, beside the stored ones.
 */
public record Provider(String id, String name, String type, String status, String description,
    Map<String, Object> config, String schedule, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

  public long numericId() {
    return Long.parseLong(id);
  }
}
