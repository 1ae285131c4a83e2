package io.almanac.store;

import static io.almanac.store.ObservationLayout.BATCH_ID;
import static io.almanac.store.ObservationLayout.DATE;
import static io.almanac.store.ObservationLayout.INGESTED_AT;
import static io.almanac.store.ObservationLayout.REVISION_DATE;
import static io.almanac.store.ObservationLayout.SERIES_ID;
import static io.almanac.store.ObservationLayout.VALUE;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.util.List;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.parquet.ColumnWriter;
import org.apache.iceberg.parquet.ParquetValueWriter;
import org.apache.iceberg.parquet.ParquetValueWriters;
import org.apache.iceberg.parquet.TripleWriter;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Writes rows of the observations table to Parquet, column by column, with the same physical types as
 * Iceberg's generic writer: {@link Records} writes records of {@link ObservationLayout#SCHEMA} (appends),
 * {@link Encoded} rows already in their Parquet encoding (compaction, which reads them so from the files
 * it merges). It exists for speed: the generic writer converts dates and timestamps with
 * {@code ChronoUnit.between}, encodes the batch id to UTF-8 on every row and allocates a byte array per
 * decimal; profiled during the benchmark's load, writing was about a quarter of the crawler's CPU,
 * appends and compaction together.
 */
abstract sealed class ObservationParquetWriter<T> implements ParquetValueWriter<T>
    permits ObservationParquetWriter.Records, ObservationParquetWriter.Encoded {

  /** decimal(38, 10) as FIXED_LEN_BYTE_ARRAY: the width of every stored value. */
  static final int VALUE_BYTES = 16;

  private final ParquetColumn seriesId;
  private final ParquetColumn date;
  private final ParquetColumn revisionDate;
  private final ParquetColumn value;
  private final ParquetColumn ingestedAt;
  private final ParquetColumn batchId;
  private final List<ParquetColumn> all;
  private final List<TripleWriter<?>> columns;

  /** Finds the table's columns in the file's Parquet schema by field id, once per file. */
  private ObservationParquetWriter(MessageType type) {
    this.seriesId = new ParquetColumn(type, SERIES_ID);
    this.date = new ParquetColumn(type, DATE);
    this.revisionDate = new ParquetColumn(type, REVISION_DATE);
    this.value = new ParquetColumn(type, VALUE);
    this.ingestedAt = new ParquetColumn(type, INGESTED_AT);
    this.batchId = new ParquetColumn(type, BATCH_ID);
    this.all = List.of(seriesId, date, revisionDate, value, ingestedAt, batchId);
    this.columns = all.stream().flatMap(c -> c.columns().stream()).toList();
  }

  /**
   * One row, encoded: days since 1970-01-01 for the dates, microseconds since the epoch for the stamp,
   * the value's 16 bytes or null, the batch id's UTF-8 bytes or null.
   */
  final void writeEncoded(int repetitionLevel, long series, int day, int revision, Binary number, long stamp,
      Binary batch) {
    seriesId.column().writeLong(repetitionLevel, series);
    date.column().writeInteger(repetitionLevel, day);
    revisionDate.column().writeInteger(repetitionLevel, revision);
    if (number == null) {
      value.column().writeNull(repetitionLevel, 0);
    } else {
      value.column().writeBinary(repetitionLevel, number);
    }
    ingestedAt.column().writeLong(repetitionLevel, stamp);
    if (batch == null) {
      batchId.column().writeNull(repetitionLevel, 0);
    } else {
      batchId.column().writeBinary(repetitionLevel, batch);
    }
  }

  /** Records of {@link ObservationLayout#SCHEMA}, as appends make them. */
  static final class Records extends ObservationParquetWriter<Record> {

    private final byte[] valueBytes = new byte[VALUE_BYTES];
    private String lastBatchId;
    private Binary lastBatchIdBinary;

    Records(MessageType type) {
      super(type);
    }

    @Override
    public void write(int repetitionLevel, Record row) {
      BigDecimal number = VALUE.get(row);
      OffsetDateTime ingested = INGESTED_AT.get(row);
      String batch = BATCH_ID.get(row);
      // Rows of one upload share their batch id: encode it once per run of equal ids.
      if (batch != null && !batch.equals(lastBatchId)) {
        lastBatchId = batch;
        lastBatchIdBinary = Binary.fromString(batch);
      }
      writeEncoded(repetitionLevel, SERIES_ID.get(row), (int) DATE.get(row).toEpochDay(),
          (int) REVISION_DATE.get(row).toEpochDay(),
          number == null ? null : Binary.fromReusedByteArray(fixedBytes(number)),
          ingested.toEpochSecond() * 1_000_000L + ingested.getNano() / 1_000,
          batch == null ? null : lastBatchIdBinary);
    }

    /**
     * The unscaled value as 16 big-endian two's-complement bytes, in a buffer reused for every row. The
     * value is at the stored scale and fits decimal(38, 10): {@link ObservationRow} checked it on the way
     * in, and compaction rewrites values read from the table.
     */
    private byte[] fixedBytes(BigDecimal number) {
      assert number.scale() == TimeseriesTables.VALUE_SCALE : "value " + number + " is not at the stored scale";
      BigInteger unscaled = number.unscaledValue();
      if (unscaled.bitLength() < Long.SIZE) {
        putUnscaled(unscaled.longValue(), valueBytes);
        return valueBytes;
      }
      putSignExtended(unscaled.toByteArray(), valueBytes); // at most 16 bytes: 38 digits need 127 bits and a sign
      return valueBytes;
    }
  }

  /** {@code unscaled} as 16 big-endian two's-complement bytes (decimal(38, 10)'s encoding), into {@code into}. */
  static void putUnscaled(long unscaled, byte[] into) {
    long bits = unscaled;
    for (int i = VALUE_BYTES - 1; i >= 0; i--) {
      into[i] = (byte) bits;
      bits >>= 8; // arithmetic shift: the high bytes repeat the sign
    }
  }

  /**
   * {@code bytes} (big-endian two's complement, 1 to 16 of them) widened to 16 into {@code into}: the high
   * bytes repeat the sign.
   */
  static void putSignExtended(byte[] bytes, byte[] into) {
    byte fill = bytes[0] < 0 ? (byte) -1 : 0;
    int pad = VALUE_BYTES - bytes.length;
    for (int i = 0; i < pad; i++) {
      into[i] = fill;
    }
    System.arraycopy(bytes, 0, into, pad, bytes.length);
  }

  /** Rows in their Parquet encoding, as compaction reads them ({@link EncodedObservationFile}). */
  static final class Encoded extends ObservationParquetWriter<EncodedObservation> {

    Encoded(MessageType type) {
      super(type);
    }

    @Override
    public void write(int repetitionLevel, EncodedObservation row) {
      writeEncoded(repetitionLevel, row.seriesId(), row.date(), row.revisionDate(), row.value(), row.ingestedAt(),
          row.batchId());
    }
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
  private static final class ParquetColumn extends ParquetValueWriters.PrimitiveWriter<Object> {

    ParquetColumn(MessageType type, Column<?> column) {
      super(column.parquetColumn(type));
    }

    ColumnWriter<Object> column() {
      return column;
    }
  }
}
