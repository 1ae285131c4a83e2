package io.almanac.store;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.FileIO;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputDecompressor;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.filter2.predicate.FilterApi;
import org.apache.parquet.filter2.predicate.Operators;
import org.apache.parquet.filter2.predicate.Statistics;
import org.apache.parquet.filter2.predicate.UserDefinedPredicate;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopCodecs;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * Reads the observations of a few series: only the row groups whose series-id statistics cover them
 * (Parquet's row-group filter with {@link WantedSeries}), decoded by {@link RowGroupDecoder} straight
 * into {@link SeriesHistoryBuilder}s.
 *
 * <p>Two things are kept in memory and make it an index: the data files of the current snapshot with
 * their series-id bounds (listed once per snapshot, not per read, from {@link DataFileIndex}, which reads
 * only the manifests a snapshot added) and the Parquet footers of those files (immutable, so cached by
 * path). Measured on the 10M-point benchmark table, a read of one
 * series through Iceberg's scan and iceberg-arrow's vectorized reader spent most of its ~200 ms
 * planning and re-parsing the footers of 70-row-group files on every read.
 */
final class ObservationReader {

  private static final Operators.LongColumn SERIES_ID = FilterApi.longColumn(ObservationLayout.SERIES_ID.name());
  /** Footers cached, counted in row groups (each a few KB of metadata). */
  private static final int MAX_CACHED_ROW_GROUPS = 16_384;
  /**
   * Read options are made per read (they carry its filter) from a plain configuration: the default,
   * a new Hadoop configuration, parses Hadoop's XML resources each time.
   */
  private static final ParquetConfiguration OPTIONS_CONFIGURATION = new PlainParquetConfiguration();
  private static final ParquetReadOptions FOOTER_OPTIONS = ParquetReadOptions.builder().build();
  /**
   * One codec factory per reading thread, kept with its decompressors: Parquet's factory is not
   * thread-safe, a reader releases the factory's decompressors when it closes (and making one again
   * looks up Hadoop's configuration: profiled), and a new factory would load that configuration.
   */
  private static final ThreadLocal<CompressionCodecFactory> CODECS =
      ThreadLocal.withInitial(() -> new KeptCodecs(HadoopCodecs.newFactory(0)));

  private record SnapshotFiles(long snapshotId, List<DataFileSpan> byLow) {}

  /** A data file's footer and the columns decoded from it, resolved once per file. */
  private record Footer(ParquetMetadata metadata, RowGroupDecoder.Projection projection) {}

  private volatile SnapshotFiles files;
  private final Map<String, Footer> footers = new LinkedHashMap<>(64, 0.75f, true);
  private int cachedRowGroups;

  /** Adds the rows of the builders' series at {@code snapshotId} to them. */
  void read(Table table, long snapshotId, Map<Long, SeriesHistoryBuilder> builders) {
    WantedSeries wanted = new WantedSeries(builders.keySet().stream().mapToLong(Long::longValue).sorted().toArray());
    for (DataFileSpan span : filesAt(table, snapshotId)) {
      if (wanted.anyWithin(span.low(), span.high())) {
        readFile(table.io(), span.file(), wanted, builders);
      }
    }
  }

  private List<DataFileSpan> filesAt(Table table, long snapshotId) {
    SnapshotFiles known = files;
    if (known != null && known.snapshotId() == snapshotId) {
      return known.byLow();
    }
    Snapshot snapshot = table.snapshot(snapshotId);
    if (snapshot == null) {
      throw new IllegalArgumentException("Cannot find snapshot " + snapshotId + " of " + table.name());
    }
    List<DataFileSpan> spans = new ArrayList<>();
    for (DataFile file : DataFileIndex.dataFiles(table, snapshot)) {
      spans.add(DataFileSpan.of(file));
    }
    spans.sort(Comparator.comparingLong(DataFileSpan::low));
    List<DataFileSpan> byLow = List.copyOf(spans);
    files = new SnapshotFiles(snapshotId, byLow);
    return byLow;
  }

  private void readFile(FileIO io, DataFile file, WantedSeries wanted, Map<Long, SeriesHistoryBuilder> builders) {
    IcebergInput input = new IcebergInput(io.newInputFile(file.location(), file.fileSizeInBytes()));
    Footer footer = footer(file.location(), input);
    // Row groups are pruned by their series-id statistics. Not pages by the column index: our row
    // groups are one page per column, and reading the page indexes cost time for nothing (measured).
    ParquetReadOptions options = new ParquetReadOptions.Builder(OPTIONS_CONFIGURATION)
        .withRecordFilter(FilterCompat.get(FilterApi.userDefined(SERIES_ID, wanted)))
        .useStatsFilter(true)
        .useColumnIndexFilter(false)
        .useDictionaryFilter(false)
        .useBloomFilter(false)
        .useRecordFilter(false) // rows are matched while decoded
        .withCodecFactory(CODECS.get())
        .build();
    try (ParquetFileReader reader = ParquetFileReader.open(input, footer.metadata(), options, input.newStream())) {
      reader.setRequestedSchema(footer.projection().schema());
      for (PageReadStore pages = reader.readNextFilteredRowGroup(); pages != null;
          pages = reader.readNextFilteredRowGroup()) {
        RowGroupDecoder.decode(pages, footer.projection(), builders);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Reading " + file.location() + " failed", e);
    }
  }

  /**
   * Folds every row of {@code file} into {@code extremes} ({@link RowGroupDecoder#extents}: per series,
   * the latest date and the latest ingestion), reading only those three columns.
   */
  void extents(FileIO io, DataFile file, Map<Long, long[]> extremes) {
    IcebergInput input = new IcebergInput(io.newInputFile(file.location(), file.fileSizeInBytes()));
    Footer footer = footer(file.location(), input);
    ParquetReadOptions options = new ParquetReadOptions.Builder(OPTIONS_CONFIGURATION)
        .useStatsFilter(false)
        .useColumnIndexFilter(false)
        .useDictionaryFilter(false)
        .useBloomFilter(false)
        .useRecordFilter(false)
        .withCodecFactory(CODECS.get())
        .build();
    try (ParquetFileReader reader = ParquetFileReader.open(input, footer.metadata(), options, input.newStream())) {
      reader.setRequestedSchema(footer.projection().extentSchema());
      for (PageReadStore pages = reader.readNextRowGroup(); pages != null; pages = reader.readNextRowGroup()) {
        RowGroupDecoder.extents(pages, footer.projection(), extremes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Reading " + file.location() + " failed", e);
    }
  }

  private Footer footer(String location, IcebergInput input) {
    synchronized (footers) {
      Footer cached = footers.get(location);
      if (cached != null) {
        return cached;
      }
    }
    Footer footer;
    try (SeekableInputStream stream = input.newStream()) {
      ParquetMetadata metadata = ParquetFileReader.readFooter(input, FOOTER_OPTIONS, stream);
      footer = new Footer(metadata, RowGroupDecoder.Projection.of(metadata.getFileMetaData().getSchema()));
    } catch (IOException e) {
      throw new UncheckedIOException("Reading the footer of " + location + " failed", e);
    }
    synchronized (footers) {
      if (footers.put(location, footer) == null) {
        cachedRowGroups += footer.metadata().getBlocks().size();
      }
      var eldest = footers.entrySet().iterator();
      while (cachedRowGroups > MAX_CACHED_ROW_GROUPS && eldest.hasNext()) {
        cachedRowGroups -= eldest.next().getValue().metadata().getBlocks().size();
        eldest.remove();
      }
    }
    return footer;
  }

  /**
   * The series a read wants, as Parquet's row-group filter: a group whose series-id bounds hold none
   * of them is not read (a binary search per group, where Parquet's {@code in} tries every id).
   */
  static final class WantedSeries extends UserDefinedPredicate<Long> implements Serializable {

    private final long[] sortedIds;

    WantedSeries(long[] sortedIds) {
      this.sortedIds = sortedIds;
    }

    /** True when some wanted id lies in {@code [low, high]}. */
    boolean anyWithin(long low, long high) {
      int at = Arrays.binarySearch(sortedIds, low);
      int index = at >= 0 ? at : -at - 1;
      return index < sortedIds.length && sortedIds[index] <= high;
    }

    @Override
    public boolean keep(Long value) {
      return value != null && Arrays.binarySearch(sortedIds, value) >= 0;
    }

    @Override
    public boolean canDrop(Statistics<Long> statistics) {
      return !anyWithin(statistics.getMin(), statistics.getMax());
    }

    @Override
    public boolean inverseCanDrop(Statistics<Long> statistics) {
      return false;
    }
  }

  /** A codec factory whose decompressors outlive the readers that use them. */
  private record KeptCodecs(CompressionCodecFactory codecs) implements CompressionCodecFactory {

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codecName) {
      return codecs.getCompressor(codecName);
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codecName) {
      return codecs.getDecompressor(codecName);
    }

    @Override
    public void release() {
      // kept for the thread's next read
    }
  }

  /** An Iceberg input file as Parquet's. */
  record IcebergInput(org.apache.iceberg.io.InputFile file) implements InputFile {

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
