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

  /** The position encoded in {@code cursor}, or null when {@code cursor} is null; errors name argument {@code after}. */
  public static String decode(String kind, String cursor) {
    return decode(kind, cursor, "after");
  }

  /** The position encoded in {@code cursor}, or null when {@code cursor} is null; errors name {@code argument}. */
  public static String decode(String kind, String cursor, String argument) {
    if (cursor == null) {
      return null;
    }
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw AlmanacGraphQLException.badInput(argument, "Invalid cursor '" + cursor + "'");
    }
    if (!text.startsWith(kind + ":")) {
      throw AlmanacGraphQLException.badInput(argument, "Cursor '" + cursor + "' does not belong to this list");
    }
    return text.substring(kind.length() + 1);
  }

  /** A cursor holding a number (an id or an epoch day); errors name argument {@code after}. */
  public static long decodeLong(String kind, String cursor) {
    return decodeLong(kind, cursor, "after");
  }

  /** A cursor holding a number (an id or an epoch day), given as {@code argument} ({@code after}, {@code before}). */
  public static long decodeLong(String kind, String cursor, String argument) {
    String position = decode(kind, cursor, argument);
    try {
      return Long.parseLong(position);
    } catch (NumberFormatException e) {
      throw AlmanacGraphQLException.badInput(argument, "Invalid cursor '" + cursor + "'");
    }
  }

  /**
   * Checks a page size given as {@code first}: null means {@code defaultSize}; below 1 is bad input;
   * above {@code max} is {@code LIMIT_EXCEEDED}.
   */
  public static int pageSize(Integer first, int defaultSize, int max) {
    return pageSize(first, defaultSize, max, "first");
  }

  /** {@link #pageSize(Integer, int, int)} of a size given as {@code argument} ({@code first}, {@code last}). */
  public static int pageSize(Integer size, int defaultSize, int max, String argument) {
    if (size == null) {
      return defaultSize;
    }
    if (size < 1) {
      throw AlmanacGraphQLException.badInput(argument, argument + " must be at least 1, got " + size);
    }
    if (size > max) {
      throw new AlmanacGraphQLException(ErrorCode.LIMIT_EXCEEDED,
          argument + " must be at most " + max + ", got " + size, java.util.Map.of("argument", argument, "max", max));
    }
    return size;
  }
}
