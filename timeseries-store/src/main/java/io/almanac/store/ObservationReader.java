package io.almanac.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.VersionParser;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.impl.ColumnReaderImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Reads the observations of a few series: only the row groups whose {@code series_id} statistics
 * cover them, decoded column by column straight into {@link SeriesHistoryBuilder}s.
 *
 * <p>Two things are kept in memory and make it an index: the data files of the current snapshot with
 * their series-id bounds (planned once per snapshot, not per read) and the Parquet footers of those
 * files (immutable, so cached by path). Measured on the 10M-point benchmark table, a read of one
 * series through Iceberg's scan and iceberg-arrow's vectorized reader spent most of its ~200 ms
 * planning and re-parsing the footers of 70-row-group files on every read.
 */
final class ObservationReader {

  private static final String[] COLUMNS = {"series_id", "date", "revision_date", "value", "ingested_at"};
  /** Footers cached, counted in row groups (each a few KB of metadata). */
  private static final int MAX_CACHED_ROW_GROUPS = 16_384;
  private static final ParquetReadOptions OPTIONS = ParquetReadOptions.builder().build();
  /** Values are never handed to a converter: the readers' typed getters are used instead. */
  private static final PrimitiveConverter NO_CONVERTER = new PrimitiveConverter() {};

  private record SnapshotFiles(long snapshotId, List<DataFileSpan> byLow) {}

  private volatile SnapshotFiles files;
  private final Map<String, ParquetMetadata> footers = new LinkedHashMap<>(64, 0.75f, true);
  private int cachedRowGroups;

  /** Adds the rows of the builders' series at {@code snapshotId} to them. */
  void read(Table table, long snapshotId, Map<Long, SeriesHistoryBuilder> builders) {
    long[] wanted = builders.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
    for (DataFileSpan span : filesAt(table, snapshotId)) {
      if (anyWithin(wanted, span.low(), span.high())) {
        readFile(table.io(), span.file(), wanted, builders);
      }
    }
  }

  private List<DataFileSpan> filesAt(Table table, long snapshotId) {
    SnapshotFiles known = files;
    if (known != null && known.snapshotId() == snapshotId) {
      return known.byLow();
    }
    List<DataFileSpan> spans = new ArrayList<>();
    // Column stats hold the series-id bounds; scans drop them unless asked.
    try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshotId)
        .planWith(IcebergExecutors.CALLER_THREAD).includeColumnStats().planFiles()) {
      for (FileScanTask task : tasks) {
        if (!task.deletes().isEmpty()) {
          // Almanac never writes delete files (deletes rewrite files); a table that has some was
          // written by another engine and needs a reader that applies them.
          throw new IllegalStateException("Data file " + task.file().location() + " has delete files");
        }
        spans.add(DataFileSpan.of(task.file()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Planning observation files of snapshot " + snapshotId + " failed", e);
    }
    spans.sort(Comparator.comparingLong(DataFileSpan::low));
    List<DataFileSpan> byLow = List.copyOf(spans);
    files = new SnapshotFiles(snapshotId, byLow);
    return byLow;
  }

  private void readFile(FileIO io, DataFile file, long[] wanted, Map<Long, SeriesHistoryBuilder> builders) {
    IcebergInput input = new IcebergInput(io.newInputFile(file.location(), file.fileSizeInBytes()));
    ParquetMetadata footer = footer(file.location(), input);
    MessageType schema = footer.getFileMetaData().getSchema();
    List<ColumnDescriptor> columns = Arrays.stream(COLUMNS).map(c -> schema.getColumnDescription(new String[] {c}))
        .toList();
    List<Integer> groups = new ArrayList<>();
    List<BlockMetaData> blocks = footer.getBlocks();
    for (int i = 0; i < blocks.size(); i++) {
      if (mayHold(blocks.get(i), columns.get(0), wanted)) {
        groups.add(i);
      }
    }
    if (groups.isEmpty()) {
      return;
    }
    VersionParser.ParsedVersion writer = writerVersion(footer);
    try (ParquetFileReader reader = ParquetFileReader.open(input, footer, OPTIONS, input.newStream())) {
      reader.setRequestedSchema(columns);
      for (int group : groups) {
        decode(reader.readRowGroup(group), columns, writer, builders);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Reading " + file.location() + " failed", e);
    }
  }

  private static void decode(PageReadStore pages, List<ColumnDescriptor> columns, VersionParser.ParsedVersion writer,
      Map<Long, SeriesHistoryBuilder> builders) {
    ColumnReaderImpl ids = column(pages, columns.get(0), writer);
    ColumnReaderImpl dates = column(pages, columns.get(1), writer);
    ColumnReaderImpl revisions = column(pages, columns.get(2), writer);
    ColumnReaderImpl values = column(pages, columns.get(3), writer);
    ColumnReaderImpl ingested = column(pages, columns.get(4), writer);
    int valuePresent = columns.get(3).getMaxDefinitionLevel();
    PrimitiveTypeName valueType = columns.get(3).getPrimitiveType().getPrimitiveTypeName();
    long currentId = Long.MIN_VALUE;
    SeriesHistoryBuilder current = null;
    for (long row = 0, rows = pages.getRowCount(); row < rows; row++) {
      long id = ids.getLong();
      ids.consume();
      if (id != currentId) {
        currentId = id;
        current = builders.get(id);
      }
      boolean hasValue = values.getCurrentDefinitionLevel() == valuePresent;
      if (current == null) {
        // Every column must move past this row, value read or not.
        skip(dates, true);
        skip(revisions, true);
        skip(values, hasValue);
        skip(ingested, true);
        continue;
      }
      int date = dates.getInteger();
      dates.consume();
      int revision = revisions.getInteger();
      revisions.consume();
      BigDecimal value = hasValue ? decimal(values, valueType) : null;
      values.consume();
      long ingestMicros = ingested.getLong();
      ingested.consume();
      current.add(date, revision, value, ingestMicros);
    }
  }

  private static ColumnReaderImpl column(PageReadStore pages, ColumnDescriptor column,
      VersionParser.ParsedVersion writer) {
    return new ColumnReaderImpl(column, pages.getPageReader(column), NO_CONVERTER, writer);
  }

  private static void skip(ColumnReaderImpl column, boolean hasValue) {
    if (hasValue) {
      column.skip();
    }
    column.consume();
  }

  private static BigDecimal decimal(ColumnReaderImpl values, PrimitiveTypeName type) {
    return switch (type) {
      case INT32 -> BigDecimal.valueOf(values.getInteger(), TimeseriesTables.VALUE_SCALE);
      case INT64 -> BigDecimal.valueOf(values.getLong(), TimeseriesTables.VALUE_SCALE);
      default -> new BigDecimal(new BigInteger(values.getBinary().getBytes()), TimeseriesTables.VALUE_SCALE);
    };
  }

  /** A row group may hold a wanted series unless its series-id statistics say otherwise. */
  private static boolean mayHold(BlockMetaData block, ColumnDescriptor seriesId, long[] wanted) {
    for (ColumnChunkMetaData chunk : block.getColumns()) {
      if (Arrays.equals(chunk.getPath().toArray(), seriesId.getPath())) {
        Statistics<?> stats = chunk.getStatistics();
        if (stats == null || !stats.hasNonNullValue()) {
          return true;
        }
        return anyWithin(wanted, ((Number) stats.genericGetMin()).longValue(),
            ((Number) stats.genericGetMax()).longValue());
      }
    }
    return true;
  }

  private ParquetMetadata footer(String location, IcebergInput input) {
    synchronized (footers) {
      ParquetMetadata cached = footers.get(location);
      if (cached != null) {
        return cached;
      }
    }
    ParquetMetadata footer;
    try (SeekableInputStream stream = input.newStream()) {
      footer = ParquetFileReader.readFooter(input, OPTIONS, stream);
    } catch (IOException e) {
      throw new UncheckedIOException("Reading the footer of " + location + " failed", e);
    }
    synchronized (footers) {
      if (footers.put(location, footer) == null) {
        cachedRowGroups += footer.getBlocks().size();
      }
      var eldest = footers.entrySet().iterator();
      while (cachedRowGroups > MAX_CACHED_ROW_GROUPS && eldest.hasNext()) {
        cachedRowGroups -= eldest.next().getValue().getBlocks().size();
        eldest.remove();
      }
    }
    return footer;
  }

  private static VersionParser.ParsedVersion writerVersion(ParquetMetadata footer) {
    try {
      return VersionParser.parse(footer.getFileMetaData().getCreatedBy());
    } catch (VersionParser.VersionParseException | RuntimeException e) {
      return null; // only consulted for bugs of old writers
    }
  }

  /** True when some of the sorted {@code ids} lies in {@code [low, high]}. */
  private static boolean anyWithin(long[] ids, long low, long high) {
    int at = Arrays.binarySearch(ids, low);
    int index = at >= 0 ? at : -at - 1;
    return index < ids.length && ids[index] <= high;
  }

  /** An Iceberg input file as Parquet's. */
  private record IcebergInput(org.apache.iceberg.io.InputFile file) implements InputFile {

    @Override
    public long getLength() {
      return file.getLength();
    }

    @Override
    public SeekableInputStream newStream() {
      org.apache.iceberg.io.SeekableInputStream stream = file.newStream();
      return new DelegatingSeekableInputStream(stream) {
        @Override
        public long getPos() throws IOException {
          return stream.getPos();
        }

        @Override
        public void seek(long position) throws IOException {
          stream.seek(position);
        }
      };
    }
  }
}
