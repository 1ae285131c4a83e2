package io.almanac.financial.exports;

import io.almanac.financial.observations.IsoDates;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * RFC 4180 CSV through Apache Commons CSV: a header row of the column names, CRLF line ends, UTF-8, fields
 * quoted only where they hold a comma, quote or line break; dates as ISO {@code yyyy-MM-dd}, numbers as
 * plain decimal text ({@link DecimalText}), null as an empty field. Text goes out through a 64 KiB buffer.
 */
final class CsvTableWriter implements TableWriter {

  private static final int BUFFER_CHARS = 1 << 16;

  private final CSVPrinter printer;
  private final StringBuilder number = new StringBuilder(32);

  CsvTableWriter(List<Column> columns, OutputStream out) throws IOException {
    BufferedWriter text = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), BUFFER_CHARS);
    printer = new CSVPrinter(text, CSVFormat.RFC4180);
    printer.printRecord(columns.stream().map(Column::name).toList());
  }

  @Override
  public void date(int epochDay) throws IOException {
    printer.print(IsoDates.format(epochDay));
  }

  @Override
  public void number(double value) throws IOException {
    if (Double.isNaN(value)) {
      printer.print(null);
      return;
    }
    number.setLength(0);
    DecimalText.append(value, number);
    printer.print(number);
  }

  @Override
  public void text(String value) throws IOException {
    printer.print(value);
  }

  @Override
  public void endRow() throws IOException {
    printer.println();
  }

  @Override
  public void close() throws IOException {
    printer.flush();
  }
}
