package io.almanac.backup;

/** SQL text helpers for names read from the catalog (never from users). */
final class Sql {

  private Sql() {}

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  static String qualified(String schema, String name) {
    return quote(schema) + "." + quote(name);
  }
}
