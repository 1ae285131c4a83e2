package io.almanac.store;

import static io.almanac.store.ObservationLayout.DATE;
import static io.almanac.store.ObservationLayout.INGESTED_AT;
import static io.almanac.store.ObservationLayout.REVISION_DATE;
import static io.almanac.store.ObservationLayout.SERIES_ID;
import static io.almanac.store.ObservationLayout.VALUE;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ValuesType;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.ValuesReader;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridDecoder;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Decodes the rows of the wanted series from the pages read of one row group into their builders.
 * First the series-id column tells which rows are wanted; then every other column is decoded page by
 * page with Parquet's own value readers (so every encoding Parquet has), skipping to those rows.
 *
 * <p>Why not Parquet's {@code ColumnReader}: it does level, page and converter bookkeeping for every
 * value, which profiled as most of a one-series read. Observations are flat (one value per row, no
 * repetition), which is all this decoder handles.
 */
final class RowGroupDecoder {

  private RowGroupDecoder() {}

  /**
   * The columns of a data file this decoder reads, found in the file's Parquet schema by their Iceberg
   * field ids; resolve once per file and request {@link #schema} from the file reader.
   */
  record Projection(MessageType schema, MessageType extentSchema, ColumnDescriptor seriesId, ColumnDescriptor date,
      ColumnDescriptor revisionDate, ColumnDescriptor value, ColumnDescriptor ingestedAt) {

    static Projection of(MessageType fileSchema) {
      MessageType requested = new MessageType(fileSchema.getName(), List.of(
          SERIES_ID.parquetType(fileSchema), DATE.parquetType(fileSchema), REVISION_DATE.parquetType(fileSchema),
          VALUE.parquetType(fileSchema), INGESTED_AT.parquetType(fileSchema)));
      MessageType extent = new MessageType(fileSchema.getName(), List.of(
          SERIES_ID.parquetType(fileSchema), DATE.parquetType(fileSchema), INGESTED_AT.parquetType(fileSchema)));
      for (ColumnDescriptor column : requested.getColumns()) {
        if (column.getMaxRepetitionLevel() != 0) {
          throw new ParquetDecodingException("Column " + column + " is repeated; observations are flat");
        }
      }
      return new Projection(requested, extent, SERIES_ID.parquetColumn(requested), DATE.parquetColumn(requested),
          REVISION_DATE.parquetColumn(requested), VALUE.parquetColumn(requested),
          INGESTED_AT.parquetColumn(requested));
    }
  }

  /** Adds the rows of the builders' series in {@code pages}, a row group read with {@code columns.schema()}. */
  static void decode(PageReadStore pages, Projection columns, Map<Long, SeriesHistoryBuilder> builders) {
    Matches matches = matchingRows(new ColumnCursor(pages, columns.seriesId()), builders);
    int n = matches.count;
    if (n == 0) {
      return;
    }
    int[] dates = new int[n];
    int[] revisions = new int[n];
    long[] ingested = new long[n];
    long[] unscaled = new long[n];
    boolean[] missing = new boolean[n];
    BigDecimal[] wide = null;

    ColumnCursor date = new ColumnCursor(pages, columns.date());
    ColumnCursor revision = new ColumnCursor(pages, columns.revisionDate());
    ColumnCursor ingest = new ColumnCursor(pages, columns.ingestedAt());
    for (int m = 0; m < n; m++) {
      long row = matches.rows[m];
      dates[m] = date.present(row) ? date.values.readInteger() : 0;
      revisions[m] = revision.present(row) ? revision.values.readInteger() : 0;
      ingested[m] = ingest.present(row) ? ingest.values.readLong() : 0;
    }
    ColumnCursor value = new ColumnCursor(pages, columns.value());
    PrimitiveTypeName valueType = columns.value().getPrimitiveType().getPrimitiveTypeName();
    for (int m = 0; m < n; m++) {
      if (!value.present(matches.rows[m])) {
        missing[m] = true;
        continue;
      }
      switch (valueType) {
        case INT32 -> unscaled[m] = value.values.readInteger();
        case INT64 -> unscaled[m] = value.values.readLong();
        default -> {
          Binary bytes = value.values.readBytes();
          ByteBuffer buffer = bytes.toByteBuffer();
          int at = buffer.position();
          if (buffer.remaining() == 16 && buffer.getLong(at) == buffer.getLong(at + 8) >> 63) {
            unscaled[m] = buffer.getLong(at + 8); // a two's-complement decimal that fits a long
          } else {
            if (wide == null) {
              wide = new BigDecimal[n];
            }
            wide[m] = new BigDecimal(new BigInteger(bytes.getBytes()), TimeseriesTables.VALUE_SCALE);
          }
        }
      }
    }
    for (int m = 0; m < n; m++) {
      SeriesHistoryBuilder builder = matches.builders[m];
      if (missing[m]) {
        builder.addMissing(dates[m], revisions[m], ingested[m]);
      } else if (wide != null && wide[m] != null) {
        builder.add(dates[m], revisions[m], wide[m], ingested[m]);
      } else {
        builder.addUnscaled(dates[m], revisions[m], unscaled[m], ingested[m]);
      }
    }
  }

  /**
   * Folds every row of {@code pages} (a row group read with {@code columns.extentSchema()}) into
   * {@code extremes}: per series id, {@code [latest date (epoch day), latest ingestion (µs since the epoch)]},
   * each starting at {@link Long#MIN_VALUE}. A row without a series id adds nothing; one without a date or
   * a stamp adds nothing to that extreme.
   */
  static void extents(PageReadStore pages, Projection columns, Map<Long, long[]> extremes) {
    ColumnCursor ids = new ColumnCursor(pages, columns.seriesId());
    ColumnCursor dates = new ColumnCursor(pages, columns.date());
    ColumnCursor stamps = new ColumnCursor(pages, columns.ingestedAt());
    long rows = pages.getRowCount();
    long currentId = 0;
    long[] current = null;
    for (long row = 0; row < rows; row++) {
      if (!ids.present(row)) {
        continue;
      }
      long id = ids.values.readLong();
      if (current == null || id != currentId) { // rows come sorted by series: one look-up per run
        currentId = id;
        current = extremes.computeIfAbsent(id, k -> new long[] {Long.MIN_VALUE, Long.MIN_VALUE});
      }
      if (dates.present(row)) {
        current[0] = Math.max(current[0], dates.values.readInteger());
      }
      if (stamps.present(row)) {
        current[1] = Math.max(current[1], stamps.values.readLong());
      }
    }
  }

  /** Rows (within the row group, ascending) of the wanted series and their builders. */
  private static final class Matches {
    long[] rows = new long[256];
    SeriesHistoryBuilder[] builders = new SeriesHistoryBuilder[256];
    int count;

    void add(long row, SeriesHistoryBuilder builder) {
      if (count == rows.length) {
        rows = Arrays.copyOf(rows, count * 2);
        builders = Arrays.copyOf(builders, count * 2);
      }
      rows[count] = row;
      builders[count++] = builder;
    }
  }

  private static Matches matchingRows(ColumnCursor ids, Map<Long, SeriesHistoryBuilder> builders) {
    Matches matches = new Matches();
    long currentId = Long.MIN_VALUE;
    SeriesHistoryBuilder current = null;
    while (ids.nextPage()) {
      for (int i = 0; i < ids.pageRows; i++) {
        if (!ids.present(ids.pageFirstRow + i)) {
          continue; // no series id: not an observation of any series
        }
        long id = ids.values.readLong();
        if (id != currentId) {
          currentId = id;
          current = builders.get(id);
        }
        if (current != null) {
          matches.add(ids.pageFirstRow + i, current);
        }
      }
    }
    return matches;
  }

  /**
   * The pages of one column, read forward: {@link #present} positions it at a row, after which a
   * present value is read from {@link #values}.
   */
  static final class ColumnCursor {
    private final ColumnDescriptor column;
    private final PageReader pages;
    private final Dictionary dictionary;
    private final int maxDefinition;
    ValuesReader values;
    private ValuesReader definitionsV1;
    private RunLengthBitPackingHybridDecoder definitionsV2;
    long pageFirstRow;
    int pageRows;
    /** Rows of the current page consumed. */
    private int position;
    /** Where the next page starts when it does not say (pages read without an offset index). */
    private long nextFirstRow;

    ColumnCursor(PageReadStore store, ColumnDescriptor column) {
      this.column = column;
      this.pages = store.getPageReader(column);
      this.maxDefinition = column.getMaxDefinitionLevel();
      DictionaryPage dictionaryPage = pages.readDictionaryPage();
      try {
        this.dictionary = dictionaryPage == null ? null : dictionaryPage.getEncoding().initDictionary(column,
            dictionaryPage);
      } catch (IOException e) {
        throw new UncheckedIOException("Reading the dictionary of " + column + " failed", e);
      }
    }

    /** Moves to {@code row} (at or after the current one) and consumes its level: true when it has a value. */
    boolean present(long row) {
      while (row >= pageFirstRow + pageRows) {
        if (!nextPage()) {
          throw new ParquetDecodingException("Row " + row + " is beyond the pages read of " + column);
        }
      }
      long at = pageFirstRow + position;
      if (row < at) {
        throw new ParquetDecodingException("Row " + row + " of " + column + " was passed already (at " + at + ")");
      }
      for (; at < row; at++) {
        if (definition() == maxDefinition) {
          values.skip();
        }
        position++;
      }
      position++;
      return definition() == maxDefinition;
    }

    boolean nextPage() {
      DataPage page = pages.readPage();
      if (page == null) {
        return false;
      }
      pageFirstRow = page.getFirstRowIndex().orElse(nextFirstRow);
      pageRows = page.getValueCount(); // flat column: one level entry per row
      nextFirstRow = pageFirstRow + pageRows;
      position = 0;
      try {
        if (page instanceof DataPageV1 v1) {
          ByteBufferInputStream in = v1.getBytes().toInputStream();
          v1.getRlEncoding().getValuesReader(column, ValuesType.REPETITION_LEVEL).initFromPage(pageRows, in);
          definitionsV1 = v1.getDlEncoding().getValuesReader(column, ValuesType.DEFINITION_LEVEL);
          definitionsV1.initFromPage(pageRows, in);
          definitionsV2 = null;
          values = valuesReader(v1.getValueEncoding());
          values.initFromPage(pageRows, in);
        } else {
          DataPageV2 v2 = (DataPageV2) page;
          definitionsV1 = null;
          definitionsV2 = maxDefinition == 0 ? null : new RunLengthBitPackingHybridDecoder(
              BytesUtils.getWidthFromMaxInt(maxDefinition), v2.getDefinitionLevels().toInputStream());
          values = valuesReader(v2.getDataEncoding());
          values.initFromPage(pageRows, v2.getData().toInputStream());
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Reading a page of " + column + " failed", e);
      }
      return true;
    }

    private ValuesReader valuesReader(Encoding encoding) {
      if (!encoding.usesDictionary()) {
        return encoding.getValuesReader(column, ValuesType.VALUES);
      }
      if (dictionary == null) {
        throw new ParquetDecodingException("Page of " + column + " is dictionary-encoded but the chunk has no dictionary");
      }
      return encoding.getDictionaryBasedValuesReader(column, ValuesType.VALUES, dictionary);
    }

    private int definition() {
      if (definitionsV1 != null) {
        return definitionsV1.readInteger();
      }
      if (definitionsV2 == null) {
        return 0;
      }
      try {
        return definitionsV2.readInt();
      } catch (IOException e) {
        throw new UncheckedIOException("Reading the levels of " + column + " failed", e);
      }
    }
  }
}
