package io.almanac.store;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.parquet.ParquetValueWriter;
import org.apache.parquet.schema.MessageType;

/**
 * Writes rows that arrive already sorted into data files of a table, starting a new file every
 * {@code rowsPerFile} rows or {@code bytesPerFile} bytes, but only where {@code splitsBetween} allows
 * (observations: between two series), so the files of one run cover disjoint key ranges. A series cut
 * in two would make neighbouring files overlap on its id, and compaction would merge them again and
 * again. The caller commits the files ({@link #files()}) or deletes them ({@link #abort()}).
 *
 * @param <T> the rows: records of the table's schema ({@link #records}), or observations in their
 *     Parquet encoding ({@link #encodedObservations}, what compaction merges)
 */
final class SortedFileWriter<T> implements Closeable {

  private static final AtomicLong TASK_IDS = new AtomicLong();

  private final Table table;
  private final long rowsPerFile;
  private final long bytesPerFile;
  private final BiPredicate<T, T> splitsBetween;
  private final OutputFileFactory outputs;
  private final Function<MessageType, ParquetValueWriter<?>> rowWriter;
  private final Map<String, String> writeProperties;
  private final List<DataFile> files = new ArrayList<>();
  private DataWriter<T> current;
  private long rowsInCurrent;
  private T last;

  private SortedFileWriter(Table table, long rowsPerFile, long bytesPerFile, BiPredicate<T, T> splitsBetween,
      Function<MessageType, ParquetValueWriter<?>> rowWriter) {
    this.table = table;
    this.rowsPerFile = rowsPerFile;
    this.bytesPerFile = bytesPerFile;
    this.splitsBetween = splitsBetween;
    this.outputs = OutputFileFactory.builderFor(table, 1, TASK_IDS.incrementAndGet()).format(FileFormat.PARQUET).build();
    this.rowWriter = rowWriter;
    this.writeProperties = table.schema().sameSchema(RawBatchLayout.SCHEMA) ? RawBatchLayout.WRITE_PROPERTIES : Map.of();
  }

  /** A writer of records of {@code table}'s schema. */
  static SortedFileWriter<Record> records(Table table, long rowsPerFile, long bytesPerFile,
      BiPredicate<Record, Record> splitsBetween) {
    // Observations, by far the most rows written, have a writer of their own; other tables Iceberg's.
    Function<MessageType, ParquetValueWriter<?>> rowWriter = table.schema().sameSchema(ObservationLayout.SCHEMA)
        ? ObservationParquetWriter.Records::new
        : type -> GenericParquetWriter.create(table.schema(), type);
    return new SortedFileWriter<>(table, rowsPerFile, bytesPerFile, splitsBetween, rowWriter);
  }

  /** A writer of encoded observations into {@code table} (the observations table), split only between series. */
  static SortedFileWriter<EncodedObservation> encodedObservations(Table table, long rowsPerFile) {
    if (!table.schema().sameSchema(ObservationLayout.SCHEMA)) {
      throw new IllegalArgumentException(table.name() + " is not an observations table: " + table.schema());
    }
    return new SortedFileWriter<>(table, rowsPerFile, Long.MAX_VALUE,
        (previous, next) -> previous.seriesId() != next.seriesId(), ObservationParquetWriter.Encoded::new);
  }

  /** Writes {@code rows} (sorted) as one or more files. */
  static List<DataFile> write(Table table, List<Record> rows, long rowsPerFile) {
    try (SortedFileWriter<Record> writer = records(table, rowsPerFile, Long.MAX_VALUE, (a, b) -> true)) {
      rows.forEach(writer::write);
      writer.close();
      return writer.files();
    }
  }

  void write(T row) {
    if (current == null || (full() && splitsBetween.test(last, row))) {
      roll();
      current = newDataWriter();
    }
    current.write(row);
    rowsInCurrent++;
    last = row;
  }

  private DataWriter<T> newDataWriter() {
    try {
      return Parquet.writeData(outputs.newOutputFile())
          .forTable(table)
          .setAll(writeProperties)
          .createWriterFunc(rowWriter)
          .withSortOrder(table.sortOrder())
          .overwrite()
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("Creating a data file of " + table.name() + " failed", e);
    }
  }

  private boolean full() {
    return rowsInCurrent >= rowsPerFile || (bytesPerFile != Long.MAX_VALUE && current.length() >= bytesPerFile);
  }

  private void roll() {
    if (current != null) {
      try {
        current.close();
      } catch (IOException e) {
        throw new UncheckedIOException("Closing a data file of " + table.name() + " failed", e);
      }
      files.add(current.toDataFile());
      current = null;
    }
    rowsInCurrent = 0;
  }

  List<DataFile> files() {
    return files;
  }

  /** Deletes every file written (when the commit did not happen). */
  void abort() {
    roll();
    files.forEach(f -> table.io().deleteFile(f.location()));
    files.clear();
  }

  @Override
  public void close() {
    roll();
  }
}
