package io.almanac.financial.exports;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An Arrow IPC stream written with Arrow's own {@link ArrowStreamWriter}: the schema, then record batches of
 * at most {@link #BATCH_ROWS} rows (fewer for wide tables, so that one batch stays near
 * {@link #BATCH_BYTES}), then the end-of-stream marker. Columns: {@code date32} (day) not null,
 * {@code float64} and {@code utf8} nullable. One batch's vectors are the only buffered data; they are
 * reused from batch to batch and released with the writer's own allocator at {@link #close()}.
 */
final class ArrowTableWriter implements TableWriter {

  static final int BATCH_ROWS = 1 << 16;
  /** Target size of a batch's buffers: bounds the memory of an export with thousands of columns. */
  static final long BATCH_BYTES = 8L << 20;

  private final BufferAllocator allocator;
  private final VectorSchemaRoot root;
  private final ArrowStreamWriter writer;
  private final FieldVector[] vectors;
  private final int batchRows;
  /** Per text column, the last value written and its UTF-8 bytes (a series id repeats over its rows). */
  private final String[] lastText;
  private final byte[][] lastBytes;
  private int column;
  private int row;

  /**
   * @param maxBatchRows the most rows a batch holds (tests use small batches to cross batch boundaries)
   */
  ArrowTableWriter(List<Column> columns, OutputStream out, int maxBatchRows) throws IOException {
    List<Field> fields = new ArrayList<>(columns.size());
    long rowBytes = 0;
    for (Column c : columns) {
      fields.add(switch (c.type()) {
        case DATE -> new Field(c.name(), FieldType.notNullable(new ArrowType.Date(DateUnit.DAY)), null);
        case DOUBLE -> new Field(c.name(),
            FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null);
        case TEXT -> new Field(c.name(), FieldType.nullable(ArrowType.Utf8.INSTANCE), null);
      });
      rowBytes += c.type() == Column.Type.DATE ? 4 : c.type() == Column.Type.DOUBLE ? 8 : 16;
    }
    batchRows = (int) Math.max(1, Math.min(maxBatchRows, BATCH_BYTES / Math.max(1, rowBytes)));
    allocator = new RootAllocator();
    VectorSchemaRoot created = null;
    try {
      created = VectorSchemaRoot.create(new Schema(fields), allocator);
      for (FieldVector vector : created.getFieldVectors()) {
        vector.setInitialCapacity(batchRows);
        vector.allocateNew();
      }
      writer = new ArrowStreamWriter(created, null, Channels.newChannel(new KeepOpenOutputStream(out)));
      writer.start();
    } catch (IOException | RuntimeException e) {
      if (created != null) {
        created.close();
      }
      allocator.close();
      throw e;
    }
    root = created;
    vectors = root.getFieldVectors().toArray(new FieldVector[0]);
    lastText = new String[vectors.length];
    lastBytes = new byte[vectors.length][];
  }

  @Override
  public void date(int epochDay) {
    ((DateDayVector) vectors[column++]).set(row, epochDay);
  }

  @Override
  public void number(double value) {
    Float8Vector vector = (Float8Vector) vectors[column++];
    if (Double.isNaN(value)) {
      vector.setNull(row);
    } else {
      vector.set(row, value);
    }
  }

  @Override
  public void text(String value) {
    int c = column++;
    VarCharVector vector = (VarCharVector) vectors[c];
    if (value == null) {
      vector.setNull(row);
      return;
    }
    if (value != lastText[c]) {
      lastText[c] = value;
      lastBytes[c] = value.getBytes(StandardCharsets.UTF_8);
    }
    vector.setSafe(row, lastBytes[c]);
  }

  @Override
  public void endRow() throws IOException {
    if (column != vectors.length) {
      throw new IllegalStateException("A row has " + vectors.length + " cells, got " + column);
    }
    column = 0;
    if (++row == batchRows) {
      writeBatch();
    }
  }

  private void writeBatch() throws IOException {
    for (FieldVector vector : vectors) {
      vector.setValueCount(row);
    }
    root.setRowCount(row);
    writer.writeBatch();
    for (FieldVector vector : vectors) {
      vector.reset(); // keeps the buffers, clears values and validity
    }
    row = 0;
  }

  @Override
  public void close() throws IOException {
    try {
      if (row > 0) {
        writeBatch();
      }
      writer.end();
      writer.close(); // closes the channel, whose stream only flushes
    } finally {
      root.close();
      allocator.close();
    }
  }
}
