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
    OffsetDateTime updatedAt,
    boolean deleted) {

  /** A live version. */
  public SeriesRecord(long id, String providerId, String externalId, String title, String description, String units,
      String frequency, String seasonalAdjustment, boolean active, OffsetDateTime updatedAt) {
    this(id, providerId, externalId, title, description, units, frequency, seasonalAdjustment, active, updatedAt, false);
  }

  /** The version that deletes a series: it hides every earlier version. */
  public SeriesRecord tombstone(OffsetDateTime at) {
    return new SeriesRecord(id, providerId, externalId, title, description, units, frequency, seasonalAdjustment,
        false, at, true);
  }

  public SeriesRecord {
    Objects.requireNonNull(providerId, "providerId");
    Objects.requireNonNull(externalId, "externalId");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(frequency, "frequency");
  }
}
