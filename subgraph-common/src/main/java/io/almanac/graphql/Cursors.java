package io.almanac.graphql;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque cursors: the kind of list and the position after which the next page starts, base64-encoded
 * so clients don't build them. A cursor of another kind, or garbage, is refused as bad input.
 */
public final class Cursors {

  private Cursors() {}

  public static String encode(String kind, String position) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((kind + ":" + position).getBytes(StandardCharsets.UTF_8));
  }

  /** The position encoded in {@code cursor}, or null when {@code cursor} is null. */
  public static String decode(String kind, String cursor) {
    if (cursor == null) {
      return null;
    }
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw AlmanacGraphQLException.badInput("after", "Invalid cursor '" + cursor + "'");
    }
    if (!text.startsWith(kind + ":")) {
      throw AlmanacGraphQLException.badInput("after", "Cursor '" + cursor + "' does not belong to this list");
    }
    return text.substring(kind.length() + 1);
  }

  /** A cursor holding a number (an id or an epoch day). */
  public static long decodeLong(String kind, String cursor) {
    String position = decode(kind, cursor);
    try {
      return Long.parseLong(position);
    } catch (NumberFormatException e) {
      throw AlmanacGraphQLException.badInput("after", "Invalid cursor '" + cursor + "'");
    }
  }

  /**
   * Checks a page size: null means {@code defaultSize}; below 1 is bad input; above {@code max} is
   * {@code LIMIT_EXCEEDED}.
   */
  public static int pageSize(Integer first, int defaultSize, int max) {
    if (first == null) {
      return defaultSize;
    }
    if (first < 1) {
      throw AlmanacGraphQLException.badInput("first", "first must be at least 1, got " + first);
    }
    if (first > max) {
      throw new AlmanacGraphQLException(ErrorCode.LIMIT_EXCEEDED,
          "first must be at most " + max + ", got " + first, java.util.Map.of("argument", "first", "max", max));
    }
    return first;
  }
}
