package io.almanac.graphql;

/** Almanac's ids are numbers on the wire as strings; anything else names nothing. */
public final class Ids {

  private Ids() {}

  /** The id as a number, or null when {@code id} is null or not a number. */
  public static Long parse(String id) {
    try {
      return id == null ? null : Long.valueOf(id);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
