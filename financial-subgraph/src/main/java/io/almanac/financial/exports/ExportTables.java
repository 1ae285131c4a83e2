package io.almanac.financial.exports;

import io.almanac.financial.observations.SeriesView;
import io.almanac.financial.vintages.VintagePanel;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The tables the exports write, row by row from the views they export: nothing is copied, each cell is
 * read from its view when its row is written.
 *
 * <ul>
 *   <li>series: {@code date, value[, decimal]};
 *   <li>wide panel: {@code date} then one column per series (and its {@code _decimal} column), rows on the
 *       ascending union of the series' dates, null where a series has no observation;
 *   <li>long panel: {@code series_id, date, value[, decimal]}, series after series in request order;
 *   <li>vintage panel: {@code date} then one column per vintage, as {@link VintagePanel} aligns them.
 * </ul>
 * {@code decimal} columns hold the exact stored text (a derived value: the shortest decimal of its double).
 */
final class ExportTables {

  static final String DATE = "date";
  static final String VALUE = "value";
  static final String DECIMAL = "decimal";
  static final String SERIES_ID = "series_id";
  /** What a value column's exact-text twin adds to its name in wide tables. */
  static final String DECIMAL_SUFFIX = "_" + DECIMAL;

  private ExportTables() {}

  /** Writes the rows of a table (its columns already given to the writer). */
  @FunctionalInterface
  interface Rows {
    void write(TableWriter out) throws IOException;
  }

  static List<Column> seriesColumns(boolean decimals) {
    return decimals ? List.of(Column.date(DATE), Column.number(VALUE), Column.text(DECIMAL))
        : List.of(Column.date(DATE), Column.number(VALUE));
  }

  static void writeSeries(SeriesView view, boolean decimals, TableWriter out) throws IOException {
    for (int i = 0; i < view.size(); i++) {
      out.date(view.epochDay(i));
      out.number(view.doubleValue(i));
      if (decimals) {
        out.text(decimalText(view, i));
      }
      out.endRow();
    }
  }

  static List<Column> longColumns(boolean decimals) {
    List<Column> columns = new ArrayList<>(List.of(Column.text(SERIES_ID)));
    columns.addAll(seriesColumns(decimals));
    return columns;
  }

  /** The rows of one series of a long panel; {@code seriesId} is written as given (one instance for all rows). */
  static void writeLong(String seriesId, SeriesView view, boolean decimals, TableWriter out) throws IOException {
    for (int i = 0; i < view.size(); i++) {
      out.text(seriesId);
      out.date(view.epochDay(i));
      out.number(view.doubleValue(i));
      if (decimals) {
        out.text(decimalText(view, i));
      }
      out.endRow();
    }
  }

  /** {@code date}, then for each name its value column (and its {@code _decimal} twin). */
  static List<Column> wideColumns(List<String> names, boolean decimals) {
    List<Column> columns = new ArrayList<>(1 + names.size() * (decimals ? 2 : 1));
    columns.add(Column.date(DATE));
    for (String name : names) {
      columns.add(Column.number(name));
      if (decimals) {
        columns.add(Column.text(name + DECIMAL_SUFFIX));
      }
    }
    return columns;
  }

  /** Rows of the wide table of {@code views}: the number of distinct dates among them. */
  static int wideRows(SeriesView[] views) {
    int[] at = new int[views.length];
    int rows = 0;
    for (int day = nextDate(views, at); day != Integer.MAX_VALUE; day = nextDate(views, at)) {
      for (int v = 0; v < views.length; v++) {
        if (at[v] < views[v].size() && views[v].epochDay(at[v]) == day) {
          at[v]++;
        }
      }
      rows++;
    }
    return rows;
  }

  /**
   * The wide table: a merge of the views in date order (one cursor per view, the smallest date next), so
   * only the cursors are held besides the views: O(series) memory, O(rows x series) time, which is the
   * number of cells written.
   */
  static void writeWide(SeriesView[] views, boolean decimals, TableWriter out) throws IOException {
    int[] at = new int[views.length];
    for (int day = nextDate(views, at); day != Integer.MAX_VALUE; day = nextDate(views, at)) {
      out.date(day);
      for (int v = 0; v < views.length; v++) {
        SeriesView view = views[v];
        int i = at[v];
        if (i < view.size() && view.epochDay(i) == day) {
          out.number(view.doubleValue(i));
          if (decimals) {
            out.text(decimalText(view, i));
          }
          at[v] = i + 1;
        } else {
          out.number(Double.NaN);
          if (decimals) {
            out.text(null);
          }
        }
      }
      out.endRow();
    }
  }

  /** The smallest date at the cursors, {@link Integer#MAX_VALUE} when every view is done. */
  private static int nextDate(SeriesView[] views, int[] at) {
    int next = Integer.MAX_VALUE;
    for (int v = 0; v < views.length; v++) {
      if (at[v] < views[v].size()) {
        next = Math.min(next, views[v].epochDay(at[v]));
      }
    }
    return next;
  }

  /** One row per date of the panel, one cell per vintage (null where that vintage had no value). */
  static void writeVintages(VintagePanel panel, boolean decimals, TableWriter out) throws IOException {
    int vintages = panel.vintageDates().size();
    for (int d = 0; d < panel.dateCount(); d++) {
      out.date(panel.epochDay(d));
      for (int v = 0; v < vintages; v++) {
        out.number(panel.value(v, d));
        if (decimals) {
          BigDecimal exact = panel.decimal(v, d);
          out.text(exact == null ? null : exact.toPlainString());
        }
      }
      out.endRow();
    }
  }

  private static String decimalText(SeriesView view, int i) {
    BigDecimal exact = view.value(i);
    return exact == null ? null : exact.toPlainString();
  }
}
