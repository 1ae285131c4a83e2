package io.almanac.store;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.parquet.ColumnWriter;
import org.apache.iceberg.parquet.ParquetValueWriter;
import org.apache.iceberg.parquet.ParquetValueWriters;
import org.apache.iceberg.parquet.TripleWriter;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Writes rows of {@link TimeseriesTables#OBSERVATIONS} to Parquet, column by column, with the same
 * physical types as Iceberg's generic writer. It exists for speed: the generic writer converts dates
 * and timestamps with {@code ChronoUnit.between}, encodes the batch id to UTF-8 on every row and
 * allocates a byte array per decimal; profiled during the benchmark's load, writing was about a quarter
 * of the crawler's CPU, appends and compaction together.
 */
final class ObservationParquetWriter implements ParquetValueWriter<Record> {

  private static final int VALUE_BYTES = 16; // decimal(38, 10) as FIXED_LEN_BYTE_ARRAY

  private final Column seriesId;
  private final Column date;
  private final Column revisionDate;
  private final Column value;
  private final Column ingestedAt;
  private final Column batchId;
  private final List<Column> all;
  private final List<TripleWriter<?>> columns;
  private final byte[] valueBytes = new byte[VALUE_BYTES];
  private String lastBatchId;
  private Binary lastBatchIdBinary;

  ObservationParquetWriter(MessageType type) {
    this.seriesId = new Column(type, "series_id");
    this.date = new Column(type, "date");
    this.revisionDate = new Column(type, "revision_date");
    this.value = new Column(type, "value");
    this.ingestedAt = new Column(type, "ingested_at");
    this.batchId = new Column(type, "batch_id");
    this.all = List.of(seriesId, date, revisionDate, value, ingestedAt, batchId);
    this.columns = all.stream().flatMap(c -> c.columns().stream()).toList();
  }

  @Override
  public void write(int repetitionLevel, Record row) {
    seriesId.column().writeLong(repetitionLevel, (Long) row.get(0));
    date.column().writeInteger(repetitionLevel, (int) ((LocalDate) row.get(1)).toEpochDay());
    revisionDate.column().writeInteger(repetitionLevel, (int) ((LocalDate) row.get(2)).toEpochDay());
    BigDecimal number = (BigDecimal) row.get(3);
    if (number == null) {
      value.column().writeNull(repetitionLevel, 0);
    } else {
      value.column().writeBinary(repetitionLevel, Binary.fromReusedByteArray(fixedBytes(number)));
    }
    OffsetDateTime ingested = (OffsetDateTime) row.get(4);
    ingestedAt.column().writeLong(repetitionLevel, ingested.toEpochSecond() * 1_000_000L + ingested.getNano() / 1_000);
    String batch = (String) row.get(5);
    if (batch == null) {
      batchId.column().writeNull(repetitionLevel, 0);
    } else {
      // Rows of one upload share their batch id: encode it once per run of equal ids.
      if (!batch.equals(lastBatchId)) {
        lastBatchId = batch;
        lastBatchIdBinary = Binary.fromString(batch);
      }
      batchId.column().writeBinary(repetitionLevel, lastBatchIdBinary);
    }
  }

  /** The unscaled value as 16 big-endian two's-complement bytes, in a buffer reused for every row. */
  private byte[] fixedBytes(BigDecimal number) {
    if (number.scale() != TimeseriesTables.VALUE_SCALE) {
      throw new IllegalArgumentException("Value " + number + " is not at scale " + TimeseriesTables.VALUE_SCALE);
    }
    BigInteger unscaled = number.unscaledValue();
    if (unscaled.bitLength() < Long.SIZE) {
      long bits = unscaled.longValue();
      for (int i = VALUE_BYTES - 1; i >= 0; i--) {
        valueBytes[i] = (byte) bits;
        bits >>= 8; // arithmetic shift: the high bytes repeat the sign
      }
      return valueBytes;
    }
    byte[] bytes = unscaled.toByteArray();
    if (bytes.length > VALUE_BYTES) {
      throw new IllegalArgumentException("Value " + number + " does not fit decimal(38, 10)");
    }
    byte fill = unscaled.signum() < 0 ? (byte) -1 : 0;
    int pad = VALUE_BYTES - bytes.length;
    for (int i = 0; i < pad; i++) {
      valueBytes[i] = fill;
    }
    System.arraycopy(bytes, 0, valueBytes, pad, bytes.length);
    return valueBytes;
  }

  @Override
  public List<TripleWriter<?>> columns() {
    return columns;
  }

  @Override
  public void setColumnStore(ColumnWriteStore columnStore) {
    all.forEach(c -> c.setColumnStore(columnStore));
  }

  /** One top-level column; gives access to Iceberg's column writer, which is what Iceberg's own writers use. */
  private static final class Column extends ParquetValueWriters.PrimitiveWriter<Object> {

    Column(MessageType type, String name) {
      super(descriptor(type, name));
    }

    ColumnWriter<Object> column() {
      return column;
    }

    private static ColumnDescriptor descriptor(MessageType type, String name) {
      return type.getColumnDescription(new String[] {name});
    }
  }
}
