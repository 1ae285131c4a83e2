package io.almanac.graphql;

/** Almanac's ids are numbers on the wire as strings; anything else names nothing. */
public final class Ids {

  private Ids() {}

  /**
   * The id as a number, or null when {@code id} is null or not one: only ASCII digits count (Java's own
   * parse also reads other scripts' digits and a sign, so {@code "١"} and {@code "+1"} would name id 1).
   */
  public static Long parse(String id) {
    if (id == null || id.isEmpty() || id.length() > 19) {
      return null;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    try {
      return Long.valueOf(id);
    } catch (NumberFormatException e) {
      return null; // over Long.MAX_VALUE
    }
  }
}
