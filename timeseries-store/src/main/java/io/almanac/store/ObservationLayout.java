package io.almanac.store;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;

/**
 * The {@code observations} table in one place: its schema (the only place its column names are
 * written), sort order, typed column handles, row order and key equality. Every reader and writer of
 * the table's rows goes through these, so {@code date} and {@code revision_date} (both dates) are
 * always named, never positions.
 *
 * <p>Records handled with these handles are records of {@link #SCHEMA}: made by {@link #newRecord},
 * or read from data files projected to {@link #SCHEMA}.
 */
public final class ObservationLayout {

  static final String TABLE_NAME = "observations";

  private static final NestedField SERIES_ID_FIELD = required(1, "series_id", Types.LongType.get());
  private static final NestedField DATE_FIELD = required(2, "date", Types.DateType.get());
  private static final NestedField REVISION_DATE_FIELD = required(3, "revision_date", Types.DateType.get());
  private static final NestedField VALUE_FIELD = optional(4, "value",
      Types.DecimalType.of(TimeseriesTables.VALUE_PRECISION, TimeseriesTables.VALUE_SCALE));
  private static final NestedField INGESTED_AT_FIELD = required(5, "ingested_at", Types.TimestampType.withZone());
  private static final NestedField BATCH_ID_FIELD = optional(6, "batch_id", Types.StringType.get());

  /**
   * Bitemporal observations, appended. Key {@code (series_id, date, revision_date)}; when a key is
   * written twice, the row with the greater {@code ingested_at} wins on read.
   */
  static final Schema SCHEMA = new Schema(
      SERIES_ID_FIELD, DATE_FIELD, REVISION_DATE_FIELD, VALUE_FIELD, INGESTED_AT_FIELD, BATCH_ID_FIELD);

  static final SortOrder SORT_ORDER = SortOrder.builderFor(SCHEMA)
      .asc(SERIES_ID_FIELD.name()).asc(DATE_FIELD.name()).asc(REVISION_DATE_FIELD.name()).build();

  static final Column<Long> SERIES_ID = Column.of(SCHEMA, SERIES_ID_FIELD, Long.class);
  /** The observed period (epoch day in Parquet). */
  static final Column<LocalDate> DATE = Column.of(SCHEMA, DATE_FIELD, LocalDate.class);
  /** When this value was published (epoch day in Parquet). */
  static final Column<LocalDate> REVISION_DATE = Column.of(SCHEMA, REVISION_DATE_FIELD, LocalDate.class);
  /** Exact value at scale {@link TimeseriesTables#VALUE_SCALE}, null when missing. */
  static final Column<BigDecimal> VALUE = Column.of(SCHEMA, VALUE_FIELD, BigDecimal.class);
  /** Commit order of writes (microseconds in Parquet): of equal keys the greater wins. */
  static final Column<OffsetDateTime> INGESTED_AT = Column.of(SCHEMA, INGESTED_AT_FIELD, OffsetDateTime.class);
  static final Column<String> BATCH_ID = Column.of(SCHEMA, BATCH_ID_FIELD, String.class);

  /** Every column of the table, in schema order. */
  static final List<Column<?>> COLUMNS = List.of(SERIES_ID, DATE, REVISION_DATE, VALUE, INGESTED_AT, BATCH_ID);

  /** Key (series, date, revision date), then ingestion time: of rows with equal keys the last is the winner. */
  static final Comparator<Record> ORDER = ObservationLayout::compare;

  private ObservationLayout() {}

  /** A row of {@code row}'s observation, its value already at the stored scale (see {@link ObservationRow}). */
  static Record newRecord(ObservationRow row, OffsetDateTime ingestedAt, String batchId) {
    GenericRecord record = GenericRecord.create(SCHEMA);
    SERIES_ID.set(record, row.seriesId());
    DATE.set(record, row.date());
    REVISION_DATE.set(record, row.revisionDate());
    VALUE.set(record, row.value());
    INGESTED_AT.set(record, ingestedAt);
    BATCH_ID.set(record, batchId);
    return record;
  }

  private static int compare(Record a, Record b) {
    int c = Long.compare(SERIES_ID.get(a), SERIES_ID.get(b));
    if (c == 0) {
      c = DATE.get(a).compareTo(DATE.get(b));
    }
    if (c == 0) {
      c = REVISION_DATE.get(a).compareTo(REVISION_DATE.get(b));
    }
    return c != 0 ? c : INGESTED_AT.get(a).compareTo(INGESTED_AT.get(b));
  }

  /** True when both rows have the same key (series, date, revision date): the later one supersedes the other. */
  static boolean sameKey(Record a, Record b) {
    return sameSeries(a, b) && DATE.get(a).equals(DATE.get(b)) && REVISION_DATE.get(a).equals(REVISION_DATE.get(b));
  }

  static boolean sameSeries(Record a, Record b) {
    return SERIES_ID.get(a).longValue() == SERIES_ID.get(b).longValue();
  }

  /** Filter of the rows of one series, for scan planning. */
  public static Expression seriesIdEquals(long seriesId) {
    return Expressions.equal(SERIES_ID.name(), seriesId);
  }

  /** Filter of the rows one batch wrote, for scan planning (statistics of {@code batch_id} prune files). */
  static Expression batchIdEquals(String batchId) {
    return Expressions.equal(BATCH_ID.name(), batchId);
  }

  /** Filter of the rows of any of {@code seriesIds}, for scan planning. */
  static Expression seriesIdIn(Collection<Long> seriesIds) {
    return Expressions.in(SERIES_ID.name(), new ArrayList<>(seriesIds));
  }
}
