package io.almanac.store;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.apache.iceberg.util.DateTimeUtil;

/**
 * The raw archive table {@code raw_batches} in one place: its schema (the only place its column names
 * are written), sort order, typed column handles, row order and the mapping to and from
 * {@link RawBatch}. Records handled here are records of {@link #SCHEMA}.
 *
 * <p>One row per batch, its points as raw text with each point's validation error
 * ({@link RawPointCodec}); a batch-level error is a point without an index. One row per batch, not per
 * point: archiving is on every upload's path, and a string column per point field cost more to write
 * than the observations themselves. (The archive of catalogs from before 2026-11-23, {@code raw_points},
 * a row per point, is no longer read or written.)
 */
final class RawBatchLayout {

  static final String TABLE_NAME = "raw_batches";

  private static final NestedField RECEIVED_AT_FIELD = required(1, "received_at", Types.TimestampType.withZone());
  private static final NestedField BATCH_ID_FIELD = required(2, "batch_id", Types.StringType.get());
  private static final NestedField RUN_ID_FIELD = optional(3, "run_id", Types.StringType.get());
  private static final NestedField ATOMIC_FIELD = required(4, "atomic", Types.BooleanType.get());
  private static final NestedField BATCH_STATUS_FIELD = required(5, "batch_status", Types.StringType.get());
  private static final NestedField POINT_COUNT_FIELD = required(6, "point_count", Types.IntegerType.get());
  private static final NestedField POINTS_FIELD = required(7, "points", Types.StringType.get());

  static final Schema SCHEMA = new Schema(RECEIVED_AT_FIELD, BATCH_ID_FIELD, RUN_ID_FIELD, ATOMIC_FIELD,
      BATCH_STATUS_FIELD, POINT_COUNT_FIELD, POINTS_FIELD);

  static final SortOrder SORT_ORDER =
      SortOrder.builderFor(SCHEMA).asc(RECEIVED_AT_FIELD.name()).asc(BATCH_ID_FIELD.name()).build();

  static final Column<OffsetDateTime> RECEIVED_AT = Column.of(SCHEMA, RECEIVED_AT_FIELD, OffsetDateTime.class);
  static final Column<String> BATCH_ID = Column.of(SCHEMA, BATCH_ID_FIELD, String.class);
  static final Column<String> RUN_ID = Column.of(SCHEMA, RUN_ID_FIELD, String.class);
  static final Column<Boolean> ATOMIC = Column.of(SCHEMA, ATOMIC_FIELD, Boolean.class);
  static final Column<String> BATCH_STATUS = Column.of(SCHEMA, BATCH_STATUS_FIELD, String.class);
  static final Column<Integer> POINT_COUNT = Column.of(SCHEMA, POINT_COUNT_FIELD, Integer.class);
  /** The points as {@link RawPointCodec} text. */
  static final Column<String> POINTS = Column.of(SCHEMA, POINTS_FIELD, String.class);

  /** Every column of the table, in schema order. */
  static final List<Column<?>> COLUMNS =
      List.of(RECEIVED_AT, BATCH_ID, RUN_ID, ATOMIC, BATCH_STATUS, POINT_COUNT, POINTS);

  /**
   * Parquet writer settings of the archive's data files. A batch's points are one text of megabytes
   * (about 50 bytes per point): Parquet's dictionary would hash it twice, and its statistics and page
   * index would copy it and check it as UTF-8 twice (for a minimum and a maximum no read uses; reads find
   * a batch by {@link #BATCH_ID} and {@link #RECEIVED_AT}), together more CPU than writing it.
   */
  static final Map<String, String> WRITE_PROPERTIES = Map.of(
      "parquet.enable.dictionary", "false",
      "write.parquet.stats-enabled.column." + POINTS_FIELD.name(), "false");

  /** Arrival time, then batch id. */
  static final Comparator<Record> ORDER =
      Comparator.<Record, OffsetDateTime>comparing(RECEIVED_AT::get).thenComparing(BATCH_ID::get);

  private RawBatchLayout() {}

  static Record newRecord(RawBatch batch) {
    GenericRecord record = GenericRecord.create(SCHEMA);
    RECEIVED_AT.set(record, batch.receivedAt());
    BATCH_ID.set(record, batch.batchId());
    RUN_ID.set(record, batch.runId());
    ATOMIC.set(record, batch.atomic());
    BATCH_STATUS.set(record, batch.status());
    POINT_COUNT.set(record, batch.points().size());
    POINTS.set(record, RawPointCodec.encode(batch.points()));
    return record;
  }

  static RawBatch toRawBatch(Record record) {
    return new RawBatch(BATCH_ID.get(record), RECEIVED_AT.get(record), RUN_ID.get(record), ATOMIC.get(record),
        BATCH_STATUS.get(record), RawPointCodec.decode(POINTS.get(record)));
  }

  /** Filter of the row of one batch, for scan planning (row groups, not rows: re-check the rows read). */
  static Expression batch(String batchId, OffsetDateTime receivedAt) {
    return Expressions.and(
        Expressions.equal(BATCH_ID.name(), batchId),
        Expressions.equal(RECEIVED_AT.name(), DateTimeUtil.microsFromTimestamptz(receivedAt)));
  }
}
