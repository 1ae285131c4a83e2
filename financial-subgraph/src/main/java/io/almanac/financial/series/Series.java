package io.almanac.financial.series;

import io.almanac.store.SeriesRecord;
import io.almanac.store.SeriesTag;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The {@code Series} entity's stored fields. Hand-written rather than the generated type: it carries
 * the provider's id and the metadata's update time, which the schema shows only through
 * {@code provider} and {@code lastUpdated}, and observation-derived fields have their own fetchers.
 * The class is named like the GraphQL type because the federation entity resolver maps by simple
 * class name.
 */
public record Series(
    String id,
    String externalId,
    String title,
    String description,
    String units,
    String frequency,
    String seasonalAdjustment,
    boolean active,
    String providerId,
    OffsetDateTime updatedAt,
    List<SeriesTag> tags) {

  public static Series of(SeriesRecord r) {
    return new Series(String.valueOf(r.id()), r.externalId(), r.title(), r.description(), r.units(),
        r.frequency(), r.seasonalAdjustment(), r.active(), r.providerId(), r.updatedAt(), r.tags());
  }

  public long numericId() {
    return Long.parseLong(id);
  }
}
