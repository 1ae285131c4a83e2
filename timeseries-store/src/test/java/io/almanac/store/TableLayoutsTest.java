package io.almanac.store;

import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.iceberg.types.Types;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.junit.jupiter.api.Test;

/**
 * The layouts against their schemas, checked through column names written out here (independently of
 * the layouts' handles): each value lands in the column of its name, rows sort and compare by the key.
 */
class TableLayoutsTest {

  private static final LocalDate DATE = LocalDate.parse("2024-01-01");
  private static final LocalDate REVISION = LocalDate.parse("2024-04-25");
  private static final OffsetDateTime T0 = OffsetDateTime.parse("2026-01-01T00:00:00Z");

  @Test
  void eachLayoutHasOneHandlePerColumnAtTheColumnsPosition() {
    assertHandlesCover(TimeseriesTables.OBSERVATIONS, ObservationLayout.COLUMNS);
    assertHandlesCover(TimeseriesTables.SERIES, SeriesLayout.COLUMNS);
    assertHandlesCover(TimeseriesTables.RAW_BATCHES, RawBatchLayout.COLUMNS);
    assertThat(ObservationLayout.DATE.position()).isNotEqualTo(ObservationLayout.REVISION_DATE.position());
  }

  static void assertHandlesCover(Schema schema, List<Column<?>> handles) {
    assertThat(handles).hasSameSizeAs(schema.columns());
    assertThat(handles.stream().map(Column::position).collect(Collectors.toSet())).hasSameSizeAs(handles);
    for (Column<?> handle : handles) {
      Types.NestedField field = schema.columns().get(handle.position());
      assertThat(field.fieldId()).as("field id of %s", handle.name()).isEqualTo(handle.fieldId());
      assertThat(field.name()).isEqualTo(handle.name());
    }
  }

  @Test
  void anObservationRecordHoldsEachValueInTheColumnOfItsName() {
    Record record =
        ObservationLayout.newRecord(new ObservationRow(42, DATE, REVISION, new BigDecimal("1.5")), T0, "b-1");
    assertThat(record.getField("series_id")).isEqualTo(42L);
    assertThat(record.getField("date")).isEqualTo(DATE);
    assertThat(record.getField("revision_date")).isEqualTo(REVISION);
    assertThat(record.getField("value")).isEqualTo(new BigDecimal("1.5000000000"));
    assertThat(record.getField("ingested_at")).isEqualTo(T0);
    assertThat(record.getField("batch_id")).isEqualTo("b-1");
    assertThat(ObservationLayout.DATE.get(record)).isEqualTo(DATE);
    assertThat(ObservationLayout.REVISION_DATE.get(record)).isEqualTo(REVISION);
  }

  @Test
  void aSeriesVersionRoundTripsThroughItsNamedColumns() {
    SeriesRecord version = new SeriesRecord(7, "p", "ext", "Title", "Desc", "Units", "MONTHLY", "SA", true, T0);
    Record record = SeriesLayout.newRecord(version);
    assertThat(record.getField("id")).isEqualTo(7L);
    assertThat(record.getField("provider_id")).isEqualTo("p");
    assertThat(record.getField("external_id")).isEqualTo("ext");
    assertThat(record.getField("title")).isEqualTo("Title");
    assertThat(record.getField("description")).isEqualTo("Desc");
    assertThat(record.getField("units")).isEqualTo("Units");
    assertThat(record.getField("frequency")).isEqualTo("MONTHLY");
    assertThat(record.getField("seasonal_adjustment")).isEqualTo("SA");
    assertThat(record.getField("active")).isEqualTo(true);
    assertThat(record.getField("updated_at")).isEqualTo(T0);
    assertThat(record.getField("deleted")).isEqualTo(false);
    assertThat(SeriesLayout.toSeriesRecord(record)).isEqualTo(version);

    SeriesRecord tombstone = version.tombstone(T0.plusDays(1));
    assertThat(SeriesLayout.toSeriesRecord(SeriesLayout.newRecord(tombstone))).isEqualTo(tombstone);
    record.setField("deleted", null);
    assertThat(SeriesLayout.toSeriesRecord(record).deleted()).isFalse();
  }

  @Test
  void anArchivedBatchRoundTripsThroughItsNamedColumns() {
    RawBatch batch = new RawBatch("b-9", T0, "run-1", true, "PARTIAL", List.of(
        new RawPoint(0, "5", null, null, "2024-01-01", "1.0", null, null, null),
        new RawPoint(1, null, "fred", "GDP", "2024-13-01", "x", null, "INVALID_DATE", "bad month")));
    Record record = RawBatchLayout.newRecord(batch);
    assertThat(record.getField("received_at")).isEqualTo(T0);
    assertThat(record.getField("batch_id")).isEqualTo("b-9");
    assertThat(record.getField("run_id")).isEqualTo("run-1");
    assertThat(record.getField("atomic")).isEqualTo(true);
    assertThat(record.getField("batch_status")).isEqualTo("PARTIAL");
    assertThat(record.getField("point_count")).isEqualTo(2);
    assertThat(RawPointCodec.decode((String) record.getField("points"))).isEqualTo(batch.points());
    assertThat(RawBatchLayout.toRawBatch(record)).isEqualTo(batch);
  }

  @Test
  void observationsSortBySeriesDateRevisionThenIngestion() {
    List<Record> expected = List.of(
        observation(1, "2024-03-01", "2024-04-01", 0),
        observation(2, "2024-01-01", "2024-02-01", 0),
        observation(2, "2024-01-01", "2024-02-01", 5),
        observation(2, "2024-01-01", "2024-03-01", 0),
        observation(2, "2024-02-01", "2024-01-15", 0),
        observation(10, "2023-01-01", "2023-01-01", 0));
    List<Record> sorted = reversed(expected);
    sorted.sort(ObservationLayout.ORDER);
    assertThat(sorted).containsExactlyElementsOf(expected);
  }

  @Test
  void observationKeysIgnoreValueIngestionAndBatchOnly() {
    Record a = observation(2, "2024-01-01", "2024-02-01", 0);
    Record later = observation(2, "2024-01-01", "2024-02-01", 5);
    later.setField("value", new BigDecimal("9.0000000000"));
    later.setField("batch_id", "other");
    assertThat(ObservationLayout.sameKey(a, later)).isTrue();
    assertThat(ObservationLayout.sameKey(a, observation(2, "2024-01-01", "2024-03-01", 0))).isFalse();
    assertThat(ObservationLayout.sameKey(a, observation(2, "2024-02-01", "2024-02-01", 0))).isFalse();
    assertThat(ObservationLayout.sameKey(a, observation(3, "2024-01-01", "2024-02-01", 0))).isFalse();
    // Series ids above the Long cache compare by value, not by identity.
    assertThat(ObservationLayout.sameSeries(observation(1_000, "2024-01-01", "2024-01-01", 0),
        observation(1_000, "2025-01-01", "2025-01-01", 0))).isTrue();
  }

  @Test
  void seriesVersionsSortByIdThenUpdateAndArchivedBatchesByArrivalThenId() {
    SeriesRecord s = new SeriesRecord(2, "p", "e", "t", null, null, "DAILY", null, true, T0);
    List<SeriesRecord> versions = List.of(
        new SeriesRecord(1, "p", "e", "t", null, null, "DAILY", null, true, T0.plusDays(3)),
        s,
        new SeriesRecord(2, "p", "e", "t2", null, null, "DAILY", null, true, T0.plusDays(1)));
    List<Record> records = reversed(versions.stream().map(SeriesLayout::newRecord).toList());
    records.sort(SeriesLayout.ORDER);
    assertThat(records.stream().map(SeriesLayout::toSeriesRecord).toList()).containsExactlyElementsOf(versions);

    List<RawBatch> batches = List.of(
        new RawBatch("b", T0, null, false, "OK", List.of()),
        new RawBatch("c", T0, null, false, "OK", List.of()),
        new RawBatch("a", T0.plusSeconds(1), null, false, "OK", List.of()));
    List<Record> archived = reversed(batches.stream().map(RawBatchLayout::newRecord).toList());
    archived.sort(RawBatchLayout.ORDER);
    assertThat(archived.stream().map(RawBatchLayout::toRawBatch).toList()).containsExactlyElementsOf(batches);
  }

  @Test
  void aHandleRefusesAColumnOfAnotherTypeOrAMissingField() {
    Types.NestedField date = TimeseriesTables.OBSERVATIONS.findField("date");
    assertThatThrownBy(() -> Column.of(TimeseriesTables.OBSERVATIONS, date, OffsetDateTime.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Column date (field 2) is date, held as LocalDate in generic records, not as OffsetDateTime");
    assertThatThrownBy(() -> Column.of(TimeseriesTables.OBSERVATIONS, required(99, "nope", Types.LongType.get()),
        Long.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Schema has no top-level field 99 (nope)");
  }

  @Test
  void handlesFindParquetColumnsByFieldIdNotByName() {
    MessageType written = ParquetSchemaUtil.convert(TimeseriesTables.OBSERVATIONS, "table");
    assertThat(ObservationLayout.DATE.parquetColumn(written).getPath()).containsExactly("date");
    assertThat(ObservationLayout.REVISION_DATE.parquetColumn(written).getPath()).containsExactly("revision_date");

    // A file whose two date columns carry each other's names: the ids decide.
    MessageType renamed = org.apache.parquet.schema.Types.buildMessage()
        .required(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.dateType()).id(3).named("date")
        .required(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.dateType()).id(2).named("revision_date")
        .named("table");
    assertThat(ObservationLayout.DATE.parquetColumn(renamed).getPath()).containsExactly("revision_date");
    assertThat(ObservationLayout.REVISION_DATE.parquetColumn(renamed).getPath()).containsExactly("date");
    assertThatThrownBy(() -> ObservationLayout.SERIES_ID.parquetColumn(renamed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Parquet schema table has no field with Iceberg id 1 (series_id)");
  }

  private static List<Record> reversed(List<Record> records) {
    List<Record> copy = new ArrayList<>(records);
    Collections.reverse(copy);
    return copy;
  }

  private static Record observation(long seriesId, String date, String revision, int ingestSeconds) {
    GenericRecord record = GenericRecord.create(TimeseriesTables.OBSERVATIONS);
    record.setField("series_id", seriesId);
    record.setField("date", LocalDate.parse(date));
    record.setField("revision_date", LocalDate.parse(revision));
    record.setField("value", BigDecimal.ONE.setScale(TimeseriesTables.VALUE_SCALE));
    record.setField("ingested_at", T0.plusSeconds(ingestSeconds));
    record.setField("batch_id", "b");
    return record;
  }
}
