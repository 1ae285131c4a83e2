package io.almanac.crawler.ingest;

import io.almanac.crawler.Json;
import io.almanac.crawler.generated.DgsConstants.DATAPOINTINPUT;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
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
 * Turns an HTTP upload body into the {@link ReceivedPoint}s the GraphQL mutation produces too (fields
 * named like {@code DataPointInput}'s, or in snake_case; values as text), so both paths share
 * validation, archive and result. A record that cannot be read at all becomes a malformed point quoting it.
 */
final class BulkPointsParser {

  static final String NDJSON = "application/x-ndjson";
  static final String CSV = "text/csv";
  static final String ARROW = "application/vnd.apache.arrow.stream";

  /** The fields a record may carry, in the order of {@link #point}'s cells. */
  private static final List<String> FIELDS = List.of(DATAPOINTINPUT.SeriesId, DATAPOINTINPUT.ProviderId,
      DATAPOINTINPUT.ExternalId, DATAPOINTINPUT.Date, DATAPOINTINPUT.Value, DATAPOINTINPUT.RevisionDate);

  private BulkPointsParser() {}

  /**
   * @param contentType one of {@link #NDJSON}, {@link #CSV}, {@link #ARROW}, parameters (charset) ignored
   * @return the records in body order, {@code index} counting from 0 (blank lines are skipped)
   * @throws IllegalArgumentException for any other content type
   * @throws IOException when the body cannot be read (for Arrow, also when it is no Arrow stream)
   */
  static List<ReceivedPoint> parse(String contentType, InputStream body) throws IOException {
    String type = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    return switch (type) {
      case NDJSON -> ndjson(body);
      case CSV -> csv(body);
      case ARROW -> arrow(body);
      default -> throw new IllegalArgumentException("Unsupported Content-Type '" + contentType + "': send "
          + NDJSON + ", " + CSV + " or " + ARROW);
    };
  }

  /** Position in {@link #FIELDS} of a field named in camelCase or snake_case (any letter case), or -1. */
  private static int field(String name) {
    String trimmed = name.trim();
    for (int f = 0; f < FIELDS.size(); f++) {
      if (FIELDS.get(f).equalsIgnoreCase(trimmed) || FIELDS.get(f).equalsIgnoreCase(trimmed.replace("_", ""))) {
        return f;
      }
    }
    return -1;
  }

  /** The point of {@code cells} (indexed like {@link #FIELDS}), which are cleared for the next record. */
  private static ReceivedPoint point(int index, String[] cells) {
    ReceivedPoint point = ReceivedPoint.of(index, cells[0], cells[1], cells[2], cells[3], cells[4], cells[5]);
    Arrays.fill(cells, null);
    return point;
  }

  private static List<ReceivedPoint> ndjson(InputStream body) throws IOException {
    List<ReceivedPoint> points = new ArrayList<>();
    String[] cells = new String[FIELDS.size()];
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        try {
          JsonNode node = Json.MAPPER.readTree(line);
          if (!node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
          }
          for (var entry : node.properties()) {
            int f = field(entry.getKey());
            JsonNode value = entry.getValue();
            if (f >= 0 && !value.isNull()) {
              cells[f] = value.isValueNode() ? value.asString() : value.toString();
            }
          }
          points.add(point(points.size(), cells));
        } catch (RuntimeException e) {
          Arrays.fill(cells, null);
          points.add(ReceivedPoint.malformed(points.size(), "line is not a JSON object: " + abbreviate(line)));
        }
      }
    }
    return points;
  }

  /** RFC 4180 CSV with a header row naming the columns; an empty field is null. */
  private static List<ReceivedPoint> csv(InputStream body) throws IOException {
    List<ReceivedPoint> points = new ArrayList<>();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String header = lines.readLine();
      if (header == null) {
        return points;
      }
      int[] columns = splitCsv(header).stream().mapToInt(BulkPointsParser::field).toArray();
      String[] cells = new String[FIELDS.size()];
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isEmpty()) {
          continue;
        }
        List<String> row = splitCsv(line);
        if (row == null || row.size() != columns.length) {
          points.add(ReceivedPoint.malformed(points.size(), "row has " + (row == null ? "an unclosed quote"
              : row.size() + " fields, the header " + columns.length) + ": " + abbreviate(line)));
          continue;
        }
        for (int c = 0; c < columns.length; c++) {
          if (columns[c] >= 0 && !row.get(c).isEmpty()) {
            cells[columns[c]] = row.get(c);
          }
        }
        points.add(point(points.size(), cells));
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
  private static List<ReceivedPoint> arrow(InputStream body) throws IOException {
    List<ReceivedPoint> points = new ArrayList<>();
    String[] cells = new String[FIELDS.size()];
    try (BufferAllocator allocator = new RootAllocator();
        ArrowStreamReader reader = new ArrowStreamReader(body, allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      while (reader.loadNextBatch()) {
        List<FieldVector> vectors = root.getFieldVectors();
        int[] columns = vectors.stream().mapToInt(v -> field(v.getName())).toArray();
        List<IntFunction<String>> texts = vectors.stream().map(BulkPointsParser::text).toList();
        for (int row = 0; row < root.getRowCount(); row++) {
          for (int c = 0; c < columns.length; c++) {
            String text = columns[c] < 0 ? null : texts.get(c).apply(row);
            if (text != null) {
              cells[columns[c]] = text;
            }
          }
          points.add(point(points.size(), cells));
        }
      }
    }
    return points;
  }

  /** Reads a column's cells as text (null for null), the way chosen once per column by its vector type. */
  private static IntFunction<String> text(FieldVector vector) {
    IntFunction<String> read;
    if (vector instanceof VarCharVector v) {
      read = row -> new String(v.get(row), StandardCharsets.UTF_8);
    } else if (vector instanceof DateDayVector v) {
      read = row -> LocalDate.ofEpochDay(v.get(row)).toString();
    } else if (vector instanceof DecimalVector v) {
      read = row -> v.getObject(row).toPlainString();
    } else if (vector instanceof Float8Vector v) {
      read = row -> String.valueOf(v.get(row));
    } else if (vector instanceof Float4Vector v) {
      read = row -> String.valueOf(v.get(row));
    } else if (vector instanceof BaseIntVector v) {
      read = row -> String.valueOf(v.getValueAsLong(row));
    } else {
      read = row -> String.valueOf(vector.getObject(row));
    }
    return row -> vector.isNull(row) ? null : read.apply(row);
  }

  private static String abbreviate(String text) {
    return text.length() <= 500 ? text : text.substring(0, 500) + "...";
  }
}
