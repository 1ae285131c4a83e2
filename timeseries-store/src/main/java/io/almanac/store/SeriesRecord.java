package io.almanac.store;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;

/**
 * One version of a series' metadata.
 *
 * @param tags the series' tags in the order the crawler gave them (names unique); empty when it has none,
 *     and for versions written before the column existed
 */
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
    boolean deleted,
    List<SeriesTag> tags) {

  /** A live version. */
  public SeriesRecord(long id, String providerId, String externalId, String title, String description, String units,
      String frequency, String seasonalAdjustment, boolean active, OffsetDateTime updatedAt) {
    this(id, providerId, externalId, title, description, units, frequency, seasonalAdjustment, active, updatedAt, false,
        List.of());
  }

  /** A version without tags. */
  public SeriesRecord(long id, String providerId, String externalId, String title, String description, String units,
      String frequency, String seasonalAdjustment, boolean active, OffsetDateTime updatedAt, boolean deleted) {
    this(id, providerId, externalId, title, description, units, frequency, seasonalAdjustment, active, updatedAt, deleted,
        List.of());
  }

  /** This version with {@code tags} instead of its own. */
  public SeriesRecord withTags(List<SeriesTag> tags) {
    return new SeriesRecord(id, providerId, externalId, title, description, units, frequency, seasonalAdjustment,
        active, updatedAt, deleted, tags);
  }

  /** The version that deletes a series: it hides every earlier version. */
  public SeriesRecord tombstone(OffsetDateTime at) {
    return new SeriesRecord(id, providerId, externalId, title, description, units, frequency, seasonalAdjustment,
        false, at, true, tags);
  }

  public SeriesRecord {
    Objects.requireNonNull(providerId, "providerId");
    Objects.requireNonNull(externalId, "externalId");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(frequency, "frequency");
    tags = tags == null ? List.of() : List.copyOf(tags);
  }
}
