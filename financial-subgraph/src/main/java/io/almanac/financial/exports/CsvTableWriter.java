package io.almanac.financial.exports;

import io.almanac.financial.observations.IsoDates;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * RFC 4180 CSV: a header row of the column names, comma-separated fields, CRLF line ends, UTF-8; a field is
 * quoted (its quotes doubled) only when it holds a comma, a quote or a line break; dates are ISO
 * {@code yyyy-MM-dd}, numbers plain decimal text ({@link DecimalText}), null an empty field.
 *
 * <p>Written byte by byte into a 64 KiB buffer rather than through Apache Commons CSV's printer: dates and
 * numbers, all but every field of an export, are ASCII that never needs quoting, and Commons CSV takes them
 * as strings, scans each for quotes and encodes it through a {@code Writer}. Measured on 100,000 points
 * (date, value) into a counting stream on the 2-core build machine: Commons CSV 20 ms, a direct writer of the same
 * strings 13 ms, this writer (dates and short decimals straight into the buffer) 8.7 ms; X2 asks for 3x the
 * points/s of {@code data} over GraphQL. Commons CSV reads these files back in the tests.
 */
final class CsvTableWriter implements TableWriter {

  private static final int BUFFER_BYTES = 1 << 16;
  /** Room for the longest ASCII cell written without a check (a date, a number's fast path), with its comma. */
  private static final int CELL_ROOM = 32;

  private final OutputStream out;
  private final byte[] buffer = new byte[BUFFER_BYTES];
  private final StringBuilder slowNumber = new StringBuilder(32);
  private int position;
  /** True until the row's first cell: no comma before it. */
  private boolean rowStart = true;

  CsvTableWriter(List<Column> columns, OutputStream out) throws IOException {
    this.out = out;
    for (Column column : columns) {
      text(column.name());
    }
    endRow();
  }

  @Override
  public void date(int epochDay) throws IOException {
    room(CELL_ROOM);
    separate();
    position = IsoDates.write(epochDay, buffer, position);
  }

  @Override
  public void number(double value) throws IOException {
    room(CELL_ROOM);
    separate();
    if (Double.isNaN(value)) {
      return;
    }
    int written = DecimalText.writeShort(value, buffer, position);
    if (written >= 0) {
      position = written;
      return;
    }
    slowNumber.setLength(0);
    DecimalText.append(value, slowNumber);
    ascii(slowNumber);
  }

  @Override
  public void text(String value) throws IOException {
    room(1);
    separate();
    if (value == null) {
      return;
    }
    boolean quote = false;
    for (int i = 0; i < value.length() && !quote; i++) {
      char c = value.charAt(i);
      quote = c == ',' || c == '"' || c == '\r' || c == '\n';
    }
    String field = quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > buffer.length - position) {
      flushBuffer();
      if (bytes.length > buffer.length) {
        out.write(bytes);
        return;
      }
    }
    System.arraycopy(bytes, 0, buffer, position, bytes.length);
    position += bytes.length;
  }

  @Override
  public void endRow() throws IOException {
    room(2);
    buffer[position++] = '\r';
    buffer[position++] = '\n';
    rowStart = true;
  }

  @Override
  public void close() throws IOException {
    flushBuffer();
    out.flush();
  }

  private void separate() {
    if (!rowStart) {
      buffer[position++] = ',';
    }
    rowStart = false;
  }

  private void ascii(CharSequence text) throws IOException {
    for (int i = 0; i < text.length(); i++) {
      room(1);
      buffer[position++] = (byte) text.charAt(i);
    }
  }

  private void room(int bytes) throws IOException {
    if (buffer.length - position < bytes + 1) {
      flushBuffer();
    }
  }

  private void flushBuffer() throws IOException {
    out.write(buffer, 0, position);
    position = 0;
  }
}
