package io.almanac.store;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;

/**
 * The {@code series} table in one place: its schema (the only place its column names are written),
 * sort order, typed column handles, the order of versions and the mapping to and from
 * {@link SeriesRecord}. Records handled here are records of {@link #SCHEMA}.
 */
final class SeriesLayout {

  static final String TABLE_NAME = "series";

  private static final NestedField ID_FIELD = required(1, "id", Types.LongType.get());
  private static final NestedField PROVIDER_ID_FIELD = required(2, "provider_id", Types.StringType.get());
  private static final NestedField EXTERNAL_ID_FIELD = required(3, "external_id", Types.StringType.get());
  private static final NestedField TITLE_FIELD = required(4, "title", Types.StringType.get());
  private static final NestedField DESCRIPTION_FIELD = optional(5, "description", Types.StringType.get());
  private static final NestedField UNITS_FIELD = optional(6, "units", Types.StringType.get());
  private static final NestedField FREQUENCY_FIELD = required(7, "frequency", Types.StringType.get());
  private static final NestedField SEASONAL_ADJUSTMENT_FIELD =
      optional(8, "seasonal_adjustment", Types.StringType.get());
  private static final NestedField ACTIVE_FIELD = required(9, "active", Types.BooleanType.get());
  private static final NestedField UPDATED_AT_FIELD = required(10, "updated_at", Types.TimestampType.withZone());
  private static final NestedField DELETED_FIELD = optional(11, "deleted", Types.BooleanType.get());
  private static final NestedField TAG_NAME_FIELD = required(14, "name", Types.StringType.get());
  private static final NestedField TAG_GROUP_FIELD = optional(15, "group", Types.StringType.get());
  private static final Types.StructType TAG_TYPE = Types.StructType.of(TAG_NAME_FIELD, TAG_GROUP_FIELD);
  /**
   * Added after the first release (issue 17), so optional: {@link TimeseriesStore#open} adds it to an older
   * table by schema evolution, and that table's files read it as null (no tags). Its ids (12, element 13,
   * struct fields 14 and 15) are the ones Iceberg assigns both when it creates the table from this schema and
   * when it adds the column to the eleven-column table.
   */
  private static final NestedField TAGS_FIELD = optional(12, "tags", Types.ListType.ofRequired(13, TAG_TYPE));

  /**
   * Series metadata, appended as versions: the row with the greatest {@code updated_at} per id wins; a
   * winning row with {@code deleted} set means the series was deleted.
   */
  static final Schema SCHEMA = new Schema(ID_FIELD, PROVIDER_ID_FIELD, EXTERNAL_ID_FIELD, TITLE_FIELD,
      DESCRIPTION_FIELD, UNITS_FIELD, FREQUENCY_FIELD, SEASONAL_ADJUSTMENT_FIELD, ACTIVE_FIELD, UPDATED_AT_FIELD,
      DELETED_FIELD, TAGS_FIELD);

  static final SortOrder SORT_ORDER =
      SortOrder.builderFor(SCHEMA).asc(ID_FIELD.name()).asc(UPDATED_AT_FIELD.name()).build();

  static final Column<Long> ID = Column.of(SCHEMA, ID_FIELD, Long.class);
  static final Column<String> PROVIDER_ID = Column.of(SCHEMA, PROVIDER_ID_FIELD, String.class);
  static final Column<String> EXTERNAL_ID = Column.of(SCHEMA, EXTERNAL_ID_FIELD, String.class);
  static final Column<String> TITLE = Column.of(SCHEMA, TITLE_FIELD, String.class);
  static final Column<String> DESCRIPTION = Column.of(SCHEMA, DESCRIPTION_FIELD, String.class);
  static final Column<String> UNITS = Column.of(SCHEMA, UNITS_FIELD, String.class);
  static final Column<String> FREQUENCY = Column.of(SCHEMA, FREQUENCY_FIELD, String.class);
  static final Column<String> SEASONAL_ADJUSTMENT = Column.of(SCHEMA, SEASONAL_ADJUSTMENT_FIELD, String.class);
  static final Column<Boolean> ACTIVE = Column.of(SCHEMA, ACTIVE_FIELD, Boolean.class);
  static final Column<OffsetDateTime> UPDATED_AT = Column.of(SCHEMA, UPDATED_AT_FIELD, OffsetDateTime.class);
  /** Optional: a null reads as not deleted. */
  static final Column<Boolean> DELETED = Column.of(SCHEMA, DELETED_FIELD, Boolean.class);
  /** Optional: a null reads as no tags. Elements are records of the tag struct ({@code name}, {@code group}). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static final Column<List<Record>> TAGS = (Column) Column.of(SCHEMA, TAGS_FIELD, List.class);

  /** Every column of the table, in schema order. */
  static final List<Column<?>> COLUMNS = List.of(ID, PROVIDER_ID, EXTERNAL_ID, TITLE, DESCRIPTION, UNITS, FREQUENCY,
      SEASONAL_ADJUSTMENT, ACTIVE, UPDATED_AT, DELETED, TAGS);

  /** Id, then {@code updated_at}: of one id's versions the last is the current one. */
  static final Comparator<Record> ORDER = Comparator.<Record>comparingLong(ID::get).thenComparing(UPDATED_AT::get);

  private SeriesLayout() {}

  static Record newRecord(SeriesRecord series) {
    GenericRecord record = GenericRecord.create(SCHEMA);
    ID.set(record, series.id());
    PROVIDER_ID.set(record, series.providerId());
    EXTERNAL_ID.set(record, series.externalId());
    TITLE.set(record, series.title());
    DESCRIPTION.set(record, series.description());
    UNITS.set(record, series.units());
    FREQUENCY.set(record, series.frequency());
    SEASONAL_ADJUSTMENT.set(record, series.seasonalAdjustment());
    ACTIVE.set(record, series.active());
    UPDATED_AT.set(record, series.updatedAt());
    DELETED.set(record, series.deleted());
    List<Record> tags = new ArrayList<>(series.tags().size());
    for (SeriesTag tag : series.tags()) {
      GenericRecord element = GenericRecord.create(TAG_TYPE);
      element.setField(TAG_NAME_FIELD.name(), tag.name());
      element.setField(TAG_GROUP_FIELD.name(), tag.group());
      tags.add(element);
    }
    TAGS.set(record, tags);
    return record;
  }

  static SeriesRecord toSeriesRecord(Record record) {
    return new SeriesRecord(ID.get(record), PROVIDER_ID.get(record), EXTERNAL_ID.get(record), TITLE.get(record),
        DESCRIPTION.get(record), UNITS.get(record), FREQUENCY.get(record), SEASONAL_ADJUSTMENT.get(record),
        ACTIVE.get(record), UPDATED_AT.get(record), deleted(record), tags(record));
  }

  private static List<SeriesTag> tags(Record record) {
    List<Record> stored = TAGS.get(record);
    if (stored == null) {
      return List.of();
    }
    List<SeriesTag> tags = new ArrayList<>(stored.size());
    for (Record tag : stored) {
      tags.add(new SeriesTag((String) tag.getField(TAG_NAME_FIELD.name()), (String) tag.getField(TAG_GROUP_FIELD.name())));
    }
    return tags;
  }

  /**
   * True when two versions of one series hold the same metadata: every column but {@code updated_at}
   * equal. Crawlers re-send unchanged metadata on every run; such a version adds nothing to the history.
   */
  static boolean sameMetadata(Record a, Record b) {
    for (Column<?> column : COLUMNS) {
      if (column != UPDATED_AT && !java.util.Objects.equals(column.get(a), column.get(b))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The metadata history of one series from its versions in {@link #ORDER}: each version whose metadata
   * differs from the one before it (the first of a run of equal ones, so {@code updated_at} is when that
   * metadata took effect); empty when the last version deletes the series.
   */
  static List<Record> history(List<Record> versionsInOrder) {
    if (versionsInOrder.isEmpty() || deleted(versionsInOrder.get(versionsInOrder.size() - 1))) {
      return List.of();
    }
    List<Record> kept = new java.util.ArrayList<>();
    for (Record version : versionsInOrder) {
      if (kept.isEmpty() || !sameMetadata(kept.get(kept.size() - 1), version)) {
        kept.add(version);
      }
    }
    return kept;
  }

  /** True when this version deletes its series. */
  static boolean deleted(Record record) {
    return Boolean.TRUE.equals(DELETED.get(record));
  }
}
