package io.almanac.crawler.ingest;

import io.almanac.crawler.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import tools.jackson.databind.JsonNode;

/**
 * Turns an HTTP upload body into the same point maps the GraphQL mutation receives (field names of
 * {@code DataPointInput}, values as text), so both paths share validation, archive and result. A
 * record that cannot be read at all becomes a point carrying {@link #MALFORMED} and its raw text.
 */
final class BulkPointsParser {

  static final String NDJSON = "application/x-ndjson";
  static final String CSV = "text/csv";
  static final String ARROW = "application/vnd.apache.arrow.stream";
  /** Key of a point map holding why its record could not be read. */
  static final String MALFORMED = "__malformed";

  private static final List<String> FIELDS =
      List.of("seriesId", "providerId", "externalId", "date", "value", "revisionDate");

  private BulkPointsParser() {}

  static List<Map<String, Object>> parse(String contentType, InputStream body) throws IOException {
    String type = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    return switch (type) {
      case NDJSON -> ndjson(body);
      case CSV -> csv(body);
      case ARROW -> arrow(body);
      default -> throw new IllegalArgumentException("Unsupported Content-Type '" + contentType + "': send "
          + NDJSON + ", " + CSV + " or " + ARROW);
    };
  }

  /** Accepts camelCase field names and their snake_case spelling. */
  private static String field(String name) {
    String trimmed = name.trim();
    for (String f : FIELDS) {
      if (f.equalsIgnoreCase(trimmed) || f.equalsIgnoreCase(trimmed.replace("_", ""))) {
        return f;
      }
    }
    return null;
  }

  private static List<Map<String, Object>> ndjson(InputStream body) throws IOException {
    List<Map<String, Object>> points = new ArrayList<>();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        Map<String, Object> point = new HashMap<>();
        try {
          JsonNode node = Json.MAPPER.readTree(line);
          if (!node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
          }
          for (var entry : node.properties()) {
            String f = field(entry.getKey());
            if (f != null && !entry.getValue().isNull()) {
              point.put(f, entry.getValue().isValueNode() ? entry.getValue().asString() : entry.getValue().toString());
            }
          }
        } catch (RuntimeException e) {
          point.clear();
          point.put(MALFORMED, "line is not a JSON object: " + abbreviate(line));
        }
        points.add(point);
      }
    }
    return points;
  }

  /** RFC 4180 CSV with a header row naming the columns; an empty field is null. */
  private static List<Map<String, Object>> csv(InputStream body) throws IOException {
    List<Map<String, Object>> points = new ArrayList<>();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String header = lines.readLine();
      if (header == null) {
        return points;
      }
      List<String> columns = new ArrayList<>();
      for (String name : splitCsv(header)) {
        columns.add(field(name));
      }
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isEmpty()) {
          continue;
        }
        Map<String, Object> point = new HashMap<>();
        List<String> cells = splitCsv(line);
        if (cells == null || cells.size() != columns.size()) {
          point.put(MALFORMED, "row has " + (cells == null ? "an unclosed quote" : cells.size() + " fields, the header "
              + columns.size()) + ": " + abbreviate(line));
        } else {
          for (int c = 0; c < cells.size(); c++) {
            if (columns.get(c) != null && !cells.get(c).isEmpty()) {
              point.put(columns.get(c), cells.get(c));
            }
          }
        }
        points.add(point);
      }
    }
    return points;
  }

  /** Cells of one CSV line, or null for an unclosed quote. */
  private static List<String> splitCsv(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quoted) {
        if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (ch == '"') {
          quoted = false;
        } else {
          cell.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        cells.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(ch);
      }
    }
    if (quoted) {
      return null;
    }
    cells.add(cell.toString());
    return cells;
  }

  /** Columns named like the fields; dates as date32 or text, values as decimal, float or text. */
  private static List<Map<String, Object>> arrow(InputStream body) throws IOException {
    List<Map<String, Object>> points = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator();
        ArrowStreamReader reader = new ArrowStreamReader(body, allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      while (reader.loadNextBatch()) {
        List<FieldVector> vectors = root.getFieldVectors();
        List<String> names = vectors.stream().map(v -> field(v.getName())).toList();
        for (int row = 0; row < root.getRowCount(); row++) {
          Map<String, Object> point = new HashMap<>();
          for (int c = 0; c < vectors.size(); c++) {
            String text = names.get(c) == null ? null : text(vectors.get(c), row);
            if (text != null) {
              point.put(names.get(c), text);
            }
          }
          points.add(point);
        }
      }
    }
    return points;
  }

  private static String text(FieldVector vector, int row) {
    if (vector.isNull(row)) {
      return null;
    }
    if (vector instanceof VarCharVector v) {
      return new String(v.get(row), StandardCharsets.UTF_8);
    }
    if (vector instanceof DateDayVector v) {
      return LocalDate.ofEpochDay(v.get(row)).toString();
    }
    if (vector instanceof DecimalVector v) {
      BigDecimal value = v.getObject(row);
      return value.toPlainString();
    }
    if (vector instanceof Float8Vector v) {
      return String.valueOf(v.get(row));
    }
    if (vector instanceof Float4Vector v) {
      return String.valueOf(v.get(row));
    }
    if (vector instanceof BaseIntVector v) {
      return String.valueOf(v.getValueAsLong(row));
    }
    return String.valueOf(vector.getObject(row));
  }

  private static String abbreviate(String text) {
    return text.length() <= 500 ? text : text.substring(0, 500) + "...";
  }
}
