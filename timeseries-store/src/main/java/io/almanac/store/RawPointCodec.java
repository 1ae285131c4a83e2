package io.almanac.store;

import java.util.ArrayList;
import java.util.List;

/**
 * The points of an archived batch as one text: a line per point, nine tab-separated fields (index,
 * series id, provider id, external id, date, value, revision date, error code, error message).
 * Text is kept exactly: {@code \N} is null, and backslash, tab, newline and carriage return inside a
 * field are escaped as {@code \\}, {@code \t}, {@code \n}, {@code \r}.
 */
final class RawPointCodec {

  private static final int FIELDS = 9;
  private static final String NULL = "\\N";

  private RawPointCodec() {}

  static String encode(List<RawPoint> points) {
    StringBuilder out = new StringBuilder(points.size() * 48);
    for (RawPoint p : points) {
      field(out, p.index() == null ? null : p.index().toString()).append('\t');
      field(out, p.seriesId()).append('\t');
      field(out, p.providerId()).append('\t');
      field(out, p.externalId()).append('\t');
      field(out, p.date()).append('\t');
      field(out, p.value()).append('\t');
      field(out, p.revisionDate()).append('\t');
      field(out, p.errorCode()).append('\t');
      field(out, p.errorMessage()).append('\n');
    }
    return out.toString();
  }

  private static StringBuilder field(StringBuilder out, String text) {
    if (text == null) {
      return out.append(NULL);
    }
    if (!needsEscape(text)) {
      return out.append(text); // the usual case: one copy instead of a switch per character
    }
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
    return out;
  }

  private static boolean needsEscape(String text) {
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
        return true;
      }
    }
    return false;
  }

  static List<RawPoint> decode(String text) {
    List<RawPoint> points = new ArrayList<>();
    String[] fields = new String[FIELDS];
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        throw new IllegalArgumentException("Archived points end without a newline at offset " + start);
      }
      int from = start;
      for (int f = 0; f < FIELDS; f++) {
        int to = f == FIELDS - 1 ? end : text.indexOf('\t', from);
        if (to < 0 || to > end) {
          throw new IllegalArgumentException("Archived point at offset " + start + " has fewer than " + FIELDS + " fields");
        }
        fields[f] = unescape(text, from, to);
        from = to + 1;
      }
      points.add(new RawPoint(fields[0] == null ? null : Integer.valueOf(fields[0]), fields[1], fields[2], fields[3],
          fields[4], fields[5], fields[6], fields[7], fields[8]));
      start = end + 1;
    }
    return points;
  }

  private static String unescape(String text, int from, int to) {
    if (to - from == 2 && text.startsWith(NULL, from)) {
      return null;
    }
    int firstEscape = from;
    while (firstEscape < to && text.charAt(firstEscape) != '\\') {
      firstEscape++;
    }
    if (firstEscape == to) {
      return text.substring(from, to);
    }
    StringBuilder out = new StringBuilder(to - from);
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c != '\\' || i + 1 == to) {
        out.append(c);
        continue;
      }
      char next = text.charAt(++i);
      out.append(switch (next) {
        case 't' -> '\t';
        case 'n' -> '\n';
        case 'r' -> '\r';
        default -> next;
      });
    }
    return out.toString();
  }
}
