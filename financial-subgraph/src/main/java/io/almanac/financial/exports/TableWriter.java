package io.almanac.financial.exports;

import java.io.Closeable;
import java.io.IOException;

/**
 * Writes a table row by row, cell by cell in column order, into an output stream it does not own: a row
 * is its cells, one call per column of the writer's type, then {@link #endRow()}. Implementations keep
 * at most one batch (Arrow), row group (Parquet) or buffer (CSV) in memory, so a table of any length is
 * written in bounded memory.
 */
interface TableWriter extends Closeable {

  /** A {@link Column.Type#DATE} cell, in days since 1970-01-01. */
  void date(int epochDay) throws IOException;

  /** A {@link Column.Type#DOUBLE} cell; NaN writes null (a missing value). */
  void number(double value) throws IOException;

  /**
   * A {@link Column.Type#TEXT} cell; null writes null. Callers repeating one value over many rows pass the
   * same instance, which writers may encode once.
   */
  void text(String value) throws IOException;

  /** Ends the current row; every column must have had its cell. */
  void endRow() throws IOException;

  /**
   * Writes what is still buffered and the format's ending (Arrow's end-of-stream marker, Parquet's
   * footer), and flushes; the output stream stays open (the servlet container owns it).
   */
  @Override
  void close() throws IOException;
}
