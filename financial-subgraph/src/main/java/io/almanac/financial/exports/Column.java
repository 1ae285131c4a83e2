package io.almanac.financial.exports;

/**
 * One column of an exported table.
 *
 * @param name the header (CSV), field (Arrow) or column (Parquet) name
 * @param type how its cells are written
 */
record Column(String name, Type type) {

  /** The cell types an export writes; every column but {@link #DATE} is nullable. */
  enum Type {
    /** A calendar date: CSV ISO text, Arrow {@code date32} (days), Parquet {@code int32 (DATE)}; never null. */
    DATE,
    /** A double, NaN = null: CSV shortest decimal text, Arrow {@code float64}, Parquet {@code double}. */
    DOUBLE,
    /** Text: CSV as is (quoted where RFC 4180 needs it), Arrow {@code utf8}, Parquet {@code binary (STRING)}. */
    TEXT
  }

  static Column date(String name) {
    return new Column(name, Type.DATE);
  }

  static Column number(String name) {
    return new Column(name, Type.DOUBLE);
  }

  static Column text(String name) {
    return new Column(name, Type.TEXT);
  }
}
