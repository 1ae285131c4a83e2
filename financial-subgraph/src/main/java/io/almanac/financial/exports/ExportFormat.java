package io.almanac.financial.exports;

import io.almanac.graphql.AlmanacGraphQLException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;

/** The file formats of {@code /export/*}, by the extension of the requested file name. */
enum ExportFormat {
  /** Arrow IPC stream format (not the random-access file format): readable while it arrives. */
  ARROW("arrow", "application/vnd.apache.arrow.stream") {
    @Override
    TableWriter open(List<Column> columns, OutputStream out) throws IOException {
      return new ArrowTableWriter(columns, out, ArrowTableWriter.BATCH_ROWS);
    }
  },
  /** RFC 4180: comma-separated, CRLF line ends, header row, UTF-8, {@code .} decimal point. */
  CSV("csv", "text/csv;charset=UTF-8;header=present") {
    @Override
    TableWriter open(List<Column> columns, OutputStream out) throws IOException {
      return new CsvTableWriter(columns, out);
    }
  },
  PARQUET("parquet", "application/vnd.apache.parquet") {
    @Override
    TableWriter open(List<Column> columns, OutputStream out) throws IOException {
      return new ParquetTableWriter(columns, out, ParquetTableWriter.ROW_GROUP_BYTES);
    }
  };

  /** The name of the path's format, for errors: the extension of {@code {id}.{format}}. */
  static final String ARGUMENT = "format";

  private final String extension;
  private final String mediaType;

  ExportFormat(String extension, String mediaType) {
    this.extension = extension;
    this.mediaType = mediaType;
  }

  /** A writer of a table with {@code columns} into {@code out}, its header (if the format has one) written. */
  abstract TableWriter open(List<Column> columns, OutputStream out) throws IOException;

  String extension() {
    return extension;
  }

  String mediaType() {
    return mediaType;
  }

  /**
   * The format named by a file extension (case-insensitive).
   *
   * @throws AlmanacGraphQLException {@code BAD_USER_INPUT} naming {@link #ARGUMENT} for any other
   */
  static ExportFormat ofExtension(String extension) {
    String wanted = extension.toLowerCase(Locale.ROOT);
    for (ExportFormat format : values()) {
      if (format.extension.equals(wanted)) {
        return format;
      }
    }
    throw AlmanacGraphQLException.badInput(ARGUMENT,
        "Unknown export format '" + extension + "': the file name must end in .arrow, .csv or .parquet");
  }
}
