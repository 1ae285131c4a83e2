package io.almanac.store;

import java.time.OffsetDateTime;
import java.util.Objects;

/** One version of a series' metadata. */
public record SeriesRecord(
    long id,
    String providerId,
    String externalId,
    String title,
    String description,
    String units,
    String frequency,
    String seasonalAdjustment,
    boolean active,
    OffsetDateTime updatedAt) {

  public SeriesRecord {
    Objects.requireNonNull(providerId, "providerId");
    Objects.requireNonNull(externalId, "externalId");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(frequency, "frequency");
  }
}
