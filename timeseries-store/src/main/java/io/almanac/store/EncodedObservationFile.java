package io.almanac.store;

import static io.almanac.store.ObservationLayout.BATCH_ID;
import static io.almanac.store.ObservationLayout.DATE;
import static io.almanac.store.ObservationLayout.INGESTED_AT;
import static io.almanac.store.ObservationLayout.REVISION_DATE;
import static io.almanac.store.ObservationLayout.SERIES_ID;
import static io.almanac.store.ObservationLayout.VALUE;
import static io.almanac.store.ObservationParquetWriter.VALUE_BYTES;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.io.FileIO;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * The rows of one observations data file in file order (sorted by key, as every writer of the table
 * writes them), read forward one row group at a time, each row as an {@link EncodedObservation}: the
 * columns decoded by {@link RowGroupDecoder.ColumnCursor}, not through Iceberg's generic reader. Memory: one
 * row group's column chunks, as Parquet's own readers hold.
 *
 * <p>The value and batch id columns are optional in the table: a file without them reads as nulls.
 * Values stored as INT32, INT64 or a byte array of another width (other writers may choose those
 * for a decimal) are widened to the 16 bytes this table's writer uses.
 */
final class EncodedObservationFile implements Closeable {

  private final String location;
  private final ParquetFileReader reader;
  private final ColumnDescriptor seriesId;
  private final ColumnDescriptor date;
  private final ColumnDescriptor revisionDate;
  private final ColumnDescriptor value;
  private final ColumnDescriptor ingestedAt;
  private final ColumnDescriptor batchId;
  private long rowsInGroup;
  private long row;
  private RowGroupDecoder.ColumnCursor ids;
  private RowGroupDecoder.ColumnCursor dates;
  private RowGroupDecoder.ColumnCursor revisions;
  private RowGroupDecoder.ColumnCursor values;
  private RowGroupDecoder.ColumnCursor stamps;
  private RowGroupDecoder.ColumnCursor batches;

  private EncodedObservationFile(String location, ParquetFileReader reader) {
    this.location = location;
    this.reader = reader;
    MessageType fileSchema = reader.getFileMetaData().getSchema();
    List<Type> fields = new ArrayList<>();
    for (Column<?> column : List.of(SERIES_ID, DATE, REVISION_DATE, VALUE, INGESTED_AT, BATCH_ID)) {
      Type type = column.parquetTypeOrNull(fileSchema);
      if (type != null) {
        if (!type.isPrimitive() || type.isRepetition(Type.Repetition.REPEATED)) {
          throw new ParquetDecodingException(location + ": column " + column.name() + " is not a flat value");
        }
        fields.add(type);
      } else if (column == SERIES_ID || column == DATE || column == REVISION_DATE || column == INGESTED_AT) {
        throw new ParquetDecodingException(location + " has no column " + column.name() + " (Iceberg field "
            + column.fieldId() + "), which the observations table requires");
      }
    }
    MessageType requested = new MessageType(fileSchema.getName(), fields);
    reader.setRequestedSchema(requested);
    this.seriesId = SERIES_ID.parquetColumn(requested);
    this.date = DATE.parquetColumn(requested);
    this.revisionDate = REVISION_DATE.parquetColumn(requested);
    this.ingestedAt = INGESTED_AT.parquetColumn(requested);
    this.value = VALUE.parquetTypeOrNull(requested) == null ? null : VALUE.parquetColumn(requested);
    this.batchId = BATCH_ID.parquetTypeOrNull(requested) == null ? null : BATCH_ID.parquetColumn(requested);
  }

  /**
   * Opens {@code file} for reading.
   *
   * @throws UncheckedIOException if the file cannot be read
   * @throws ParquetDecodingException if it lacks a required column of the table
   */
  static EncodedObservationFile open(FileIO io, DataFile file) {
    ObservationReader.IcebergInput input = new ObservationReader.IcebergInput(
        io.newInputFile(file.location(), file.fileSizeInBytes()));
    ParquetReadOptions options = new ParquetReadOptions.Builder(new PlainParquetConfiguration())
        .useStatsFilter(false)
        .useColumnIndexFilter(false)
        .useDictionaryFilter(false)
        .useBloomFilter(false)
        .useRecordFilter(false)
        .build();
    ParquetFileReader reader = null;
    try {
      reader = ParquetFileReader.open(input, options);
      return new EncodedObservationFile(file.location(), reader);
    } catch (IOException e) {
      throw new UncheckedIOException("Opening " + file.location() + " failed", e);
    } catch (RuntimeException e) {
      if (reader != null) {
        try {
          reader.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /**
   * The next row of the file, or null after its last.
   *
   * @throws UncheckedIOException if reading a row group fails
   */
  EncodedObservation next() {
    while (row == rowsInGroup) {
      PageReadStore pages;
      try {
        pages = reader.readNextRowGroup();
      } catch (IOException e) {
        throw new UncheckedIOException("Reading " + location + " failed", e);
      }
      if (pages == null) {
        return null;
      }
      rowsInGroup = pages.getRowCount();
      row = 0;
      ids = new RowGroupDecoder.ColumnCursor(pages, seriesId);
      dates = new RowGroupDecoder.ColumnCursor(pages, date);
      revisions = new RowGroupDecoder.ColumnCursor(pages, revisionDate);
      stamps = new RowGroupDecoder.ColumnCursor(pages, ingestedAt);
      values = value == null ? null : new RowGroupDecoder.ColumnCursor(pages, value);
      batches = batchId == null ? null : new RowGroupDecoder.ColumnCursor(pages, batchId);
    }
    long at = row++;
    long id = required(ids, at).readLong();
    int day = required(dates, at).readInteger();
    int revision = required(revisions, at).readInteger();
    long stamp = required(stamps, at).readLong();
    Binary number = values != null && values.present(at) ? fixed16(values) : null;
    Binary batch = batches != null && batches.present(at) ? batches.values.readBytes() : null;
    return new EncodedObservation(id, day, revision, number, stamp, batch);
  }

  private org.apache.parquet.column.values.ValuesReader required(RowGroupDecoder.ColumnCursor cursor, long at) {
    if (!cursor.present(at)) {
      throw new ParquetDecodingException(location + ": row " + at + " of a row group has no value in a required column");
    }
    return cursor.values;
  }

  /** The current value as 16 big-endian two's-complement bytes. */
  private Binary fixed16(RowGroupDecoder.ColumnCursor cursor) {
    PrimitiveTypeName type = value.getPrimitiveType().getPrimitiveTypeName();
    switch (type) {
      case INT32:
        return widened(cursor.values.readInteger());
      case INT64:
        return widened(cursor.values.readLong());
      default: {
        Binary bytes = cursor.values.readBytes();
        if (bytes.length() == VALUE_BYTES) {
          return bytes;
        }
        if (bytes.length() == 0 || bytes.length() > VALUE_BYTES) {
          throw new ParquetDecodingException(location + ": a value of " + bytes.length() + " bytes is not a decimal(38, 10)");
        }
        byte[] out = new byte[VALUE_BYTES];
        ObservationParquetWriter.putSignExtended(bytes.getBytes(), out);
        return Binary.fromConstantByteArray(out);
      }
    }
  }

  private static Binary widened(long unscaled) {
    byte[] out = new byte[VALUE_BYTES];
    ObservationParquetWriter.putUnscaled(unscaled, out);
    return Binary.fromConstantByteArray(out);
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
