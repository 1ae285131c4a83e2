package io.almanac.financial.exports;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * A Parquet file written with parquet-hadoop's {@link ParquetWriter} straight into the response (an
 * {@link OutputFile} over the stream: Parquet only appends, its footer last, so no temporary file is
 * needed). Columns: {@code int32 (DATE)} required, {@code double} and {@code binary (STRING)} optional;
 * Snappy pages. Memory is bounded by the row group being built ({@link #ROW_GROUP_BYTES}): each row group
 * is written out when it reaches that size.
 */
final class ParquetTableWriter implements TableWriter {

  static final long ROW_GROUP_BYTES = 8L << 20;

  private final ParquetWriter<Row> writer;
  private final Row row;
  private int column;

  /**
   * @param rowGroupBytes the size at which a row group is written out (tests use small ones to cross them)
   */
  ParquetTableWriter(List<Column> columns, OutputStream out, long rowGroupBytes) throws IOException {
    Types.MessageTypeBuilder schema = Types.buildMessage();
    for (Column c : columns) {
      schema.addField(switch (c.type()) {
        case DATE -> Types.required(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.dateType()).named(c.name());
        case DOUBLE -> Types.optional(PrimitiveTypeName.DOUBLE).named(c.name());
        case TEXT -> Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(c.name());
      });
    }
    row = new Row(columns);
    writer = new Builder(new StreamOutputFile(out), schema.named("export"))
        // Parquet's plain configuration: a Hadoop Configuration would read Hadoop's XML defaults per export.
        .withConf(new PlainParquetConfiguration())
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .withRowGroupSize(rowGroupBytes)
        .withPageSize((int) Math.min(1 << 20, rowGroupBytes))
        .build();
  }

  @Override
  public void date(int epochDay) {
    row.ints[column++] = epochDay;
  }

  @Override
  public void number(double value) {
    row.doubles[column++] = value;
  }

  @Override
  public void text(String value) {
    int c = column++;
    if (value != row.texts[c]) {
      row.texts[c] = value;
      row.binaries[c] = value == null ? null : Binary.fromString(value);
    }
  }

  @Override
  public void endRow() throws IOException {
    if (column != row.types.length) {
      throw new IllegalStateException("A row has " + row.types.length + " cells, got " + column);
    }
    column = 0;
    writer.write(row);
  }

  /** Writes the last row group and the footer. */
  @Override
  public void close() throws IOException {
    writer.close();
  }

  /** The one row object, refilled for every row (no object per row). */
  private static final class Row {
    final Column.Type[] types;
    final String[] names;
    final int[] ints;
    final double[] doubles;
    final String[] texts;
    final Binary[] binaries;

    Row(List<Column> columns) {
      int n = columns.size();
      types = new Column.Type[n];
      names = new String[n];
      for (int i = 0; i < n; i++) {
        types[i] = columns.get(i).type();
        names[i] = columns.get(i).name();
      }
      ints = new int[n];
      doubles = new double[n];
      texts = new String[n];
      binaries = new Binary[n];
    }
  }

  private static final class RowWriteSupport extends WriteSupport<Row> {
    private final MessageType schema;
    private RecordConsumer consumer;

    RowWriteSupport(MessageType schema) {
      this.schema = schema;
    }

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(schema, Map.of());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
      return new WriteContext(schema, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      consumer = recordConsumer;
    }

    @Override
    public void write(Row row) {
      consumer.startMessage();
      for (int i = 0; i < row.types.length; i++) {
        switch (row.types[i]) {
          case DATE -> {
            consumer.startField(row.names[i], i);
            consumer.addInteger(row.ints[i]);
            consumer.endField(row.names[i], i);
          }
          case DOUBLE -> {
            if (!Double.isNaN(row.doubles[i])) {
              consumer.startField(row.names[i], i);
              consumer.addDouble(row.doubles[i]);
              consumer.endField(row.names[i], i);
            }
          }
          case TEXT -> {
            if (row.binaries[i] != null) {
              consumer.startField(row.names[i], i);
              consumer.addBinary(row.binaries[i]);
              consumer.endField(row.names[i], i);
            }
          }
        }
      }
      consumer.endMessage();
    }
  }

  private static final class Builder extends ParquetWriter.Builder<Row, Builder> {
    private final MessageType schema;

    Builder(OutputFile file, MessageType schema) {
      super(file);
      this.schema = schema;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Row> getWriteSupport(Configuration configuration) {
      return new RowWriteSupport(schema);
    }

    @Override
    protected WriteSupport<Row> getWriteSupport(ParquetConfiguration configuration) {
      return new RowWriteSupport(schema);
    }
  }

  /** The response stream as a Parquet {@link OutputFile}: counts the bytes written for Parquet's offsets. */
  private static final class StreamOutputFile implements OutputFile {
    private final OutputStream out;

    StreamOutputFile(OutputStream out) {
      this.out = out;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) {
      return new PositionOutputStream() {
        private long position;

        @Override
        public long getPos() {
          return position;
        }

        @Override
        public void write(int b) throws IOException {
          out.write(b);
          position++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
          out.write(bytes, offset, length);
          position += length;
        }

        @Override
        public void flush() throws IOException {
          out.flush();
        }

        @Override
        public void close() throws IOException {
          out.flush(); // the servlet container owns the stream
        }
      };
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      return create(blockSizeHint);
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }

    @Override
    public String getPath() {
      return "response";
    }
  }
}
