package io.almanac.financial.exports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads exported files back with each format's own reader (Apache Commons CSV's parser, Arrow's
 * {@link ArrowStreamReader}, parquet-hadoop's {@link ParquetFileReader}) into one plain shape the tests
 * compare with what they expect: cells are {@link LocalDate}, {@link Double} or {@link String}, null where
 * the file holds null (an empty CSV field).
 */
final class ExportFiles {

  /** A table as read back, with what the reader saw of its physical layout. */
  record Table(List<String> columns, List<List<Object>> rows, int batches) {}

  private ExportFiles() {}

  /** Reads {@code bytes}; CSV has no types, so {@code csvTypes} says how to read its fields. */
  static Table read(ExportFormat format, byte[] bytes, List<Column.Type> csvTypes) throws IOException {
    return switch (format) {
      case CSV -> readCsv(new ByteArrayInputStream(bytes), csvTypes);
      case ARROW -> readArrow(new ByteArrayInputStream(bytes));
      case PARQUET -> readParquet(bytes);
    };
  }

  static Table readCsv(InputStream in, List<Column.Type> types) throws IOException {
    try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
        CSVParser parser = CSVParser.builder().setReader(reader)
            .setFormat(CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()).get()) {
      List<String> columns = parser.getHeaderNames();
      assertThat(columns).hasSameSizeAs(types);
      List<List<Object>> rows = new ArrayList<>();
      for (CSVRecord record : parser) {
        assertThat(record.size()).as("fields of record %d", record.getRecordNumber()).isEqualTo(types.size());
        List<Object> row = new ArrayList<>(types.size());
        for (int c = 0; c < types.size(); c++) {
          String field = record.get(c);
          row.add(field.isEmpty() ? null : switch (types.get(c)) {
            case DATE -> LocalDate.parse(field);
            case DOUBLE -> {
              assertThat(field).as("plain decimal text").matches("-?[0-9]+(\\.[0-9]+)?");
              yield Double.parseDouble(field);
            }
            case TEXT -> field;
          });
        }
        rows.add(row);
      }
      return new Table(columns, rows, 1);
    }
  }

  static Table readArrow(InputStream in) throws IOException {
    try (BufferAllocator allocator = new RootAllocator(); ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      List<String> columns = root.getSchema().getFields().stream().map(Field::getName).toList();
      List<List<Object>> rows = new ArrayList<>();
      int batches = 0;
      while (reader.loadNextBatch()) {
        batches++;
        for (int r = 0; r < root.getRowCount(); r++) {
          List<Object> row = new ArrayList<>(columns.size());
          for (FieldVector vector : root.getFieldVectors()) {
            if (vector.isNull(r)) {
              row.add(null);
            } else if (vector instanceof DateDayVector dates) {
              row.add(LocalDate.ofEpochDay(dates.get(r)));
            } else if (vector instanceof Float8Vector doubles) {
              row.add(doubles.get(r));
            } else {
              row.add(new String(((VarCharVector) vector).get(r), StandardCharsets.UTF_8));
            }
          }
          rows.add(row);
        }
      }
      return new Table(columns, rows, batches);
    }
  }

  static Table readParquet(byte[] bytes) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(new BytesInputFile(bytes))) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      List<String> columns = schema.getFields().stream().map(Type::getName).toList();
      List<List<Object>> rows = new ArrayList<>();
      int rowGroups = 0;
      PageReadStore pages;
      while ((pages = reader.readNextRowGroup()) != null) {
        rowGroups++;
        RecordReader<Group> records = new ColumnIOFactory().getColumnIO(schema)
            .getRecordReader(pages, new GroupRecordConverter(schema));
        for (long r = 0; r < pages.getRowCount(); r++) {
          Group group = records.read();
          List<Object> row = new ArrayList<>(columns.size());
          for (int c = 0; c < columns.size(); c++) {
            PrimitiveType type = schema.getType(c).asPrimitiveType();
            if (group.getFieldRepetitionCount(c) == 0) {
              row.add(null);
            } else if (type.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
              row.add(LocalDate.ofEpochDay(group.getInteger(c, 0)));
            } else if (type.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.DOUBLE) {
              row.add(group.getDouble(c, 0));
            } else {
              row.add(group.getString(c, 0));
            }
          }
          rows.add(row);
        }
      }
      return new Table(columns, rows, rowGroups);
    }
  }

  /** A Parquet file held in memory. */
  private record BytesInputFile(byte[] bytes) implements InputFile {
    @Override
    public long getLength() {
      return bytes.length;
    }

    @Override
    public SeekableInputStream newStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(bytes);
      return new DelegatingSeekableInputStream(in) {
        @Override
        public long getPos() {
          return bytes.length - in.available();
        }

        @Override
        public void seek(long position) {
          in.reset();
          in.skip(position);
        }
      };
    }
  }
}
