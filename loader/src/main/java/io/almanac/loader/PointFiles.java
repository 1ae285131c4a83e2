package io.almanac.loader;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads files of points: CSV ({@code .csv}, {@code .tsv}, {@code .txt}), NDJSON ({@code .ndjson},
 * {@code .jsonl}) and Parquet ({@code .parquet}), with the columns the bulk path accepts: {@code seriesId},
 * {@code providerId}, {@code externalId}, {@code date}, {@code value}, {@code revisionDate}, named in camelCase,
 * snake_case or with spaces, any case (SDMX's {@code TIME_PERIOD} and {@code OBS_VALUE} as date and value);
 * other columns are ignored. CSV and NDJSON are UTF-8 (a byte-order mark is skipped); CSV's separator
 * ({@code ,}, {@code ;} or tab) is detected from the header line.
 */
final class PointFiles {

  /** The readable formats, by file-name ending. */
  enum Format {
    CSV, NDJSON, PARQUET;

    static Format of(Path file) {
      String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
      if (name.endsWith(".csv") || name.endsWith(".tsv") || name.endsWith(".txt")) {
        return CSV;
      }
      if (name.endsWith(".ndjson") || name.endsWith(".jsonl")) {
        return NDJSON;
      }
      if (name.endsWith(".parquet")) {
        return PARQUET;
      }
      return null;
    }

    /** The format of bytes without a name (standard input): Parquet's magic, a JSON object, else CSV. */
    static Format sniff(byte[] head) {
      String text = new String(head, 0, Math.min(head.length, 64), StandardCharsets.UTF_8).replace("\uFEFF", "").strip();
      if (head.length >= 4 && head[0] == 'P' && head[1] == 'A' && head[2] == 'R' && head[3] == '1') {
        return PARQUET;
      }
      return text.startsWith("{") ? NDJSON : CSV;
    }
  }

  /** The bulk path's point fields, in the order of {@link Point}'s components. */
  static final List<String> FIELDS = List.of("seriesId", "providerId", "externalId", "date", "value", "revisionDate");
  private static final Set<String> SDMX_DATE = Set.of("timeperiod");
  private static final Set<String> SDMX_VALUE = Set.of("obsvalue");

  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

  private PointFiles() {}

  /** Points of one file, in file order; {@link #next} is null at the end. */
  interface PointReader extends Closeable {
    Point next() throws IOException;
  }

  /** A file's content hash (SHA-256, hex) and its number of points (exact for Parquet, an upper bound otherwise). */
  record Fingerprint(String sha256, long points) {}

  static Fingerprint fingerprint(Path file, Format format) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long lines = 0;
    boolean endsWithNewline = true;
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
        for (int i = 0; i < n; i++) {
          if (buffer[i] == '\n') {
            lines++;
          }
        }
        endsWithNewline = buffer[n - 1] == '\n';
      }
    }
    lines += endsWithNewline ? 0 : 1;
    String sha = HexFormat.of().formatHex(digest.digest());
    long points = switch (format) {
      case CSV -> Math.max(0, lines - 1);
      case NDJSON -> lines;
      case PARQUET -> {
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
          yield reader.getRecordCount();
        }
      }
    };
    return new Fingerprint(sha, points);
  }

  static PointReader open(Path file, Format format) throws IOException {
    return switch (format) {
      case CSV -> new CsvReader(Files.newBufferedReader(file, StandardCharsets.UTF_8));
      case NDJSON -> new NdjsonReader(Files.newBufferedReader(file, StandardCharsets.UTF_8));
      case PARQUET -> new ParquetPoints(file);
    };
  }

  /** Position in {@link #FIELDS} of a column or property name, or -1; the bulk path's own rule. */
  static int field(String name) {
    String key = name.strip().replace("\uFEFF", "").replace("_", "").replace(" ", "").replace("-", "")
        .toLowerCase(Locale.ROOT);
    for (int f = 0; f < FIELDS.size(); f++) {
      if (FIELDS.get(f).toLowerCase(Locale.ROOT).equals(key)) {
        return f;
      }
    }
    if (SDMX_DATE.contains(key)) {
      return FIELDS.indexOf("date");
    }
    return SDMX_VALUE.contains(key) ? FIELDS.indexOf("value") : -1;
  }

  private static Point point(long record, String[] cells) {
    return new Point(record, cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], null);
  }

  private static String blankToNull(String cell) {
    if (cell == null) {
      return null;
    }
    String stripped = cell.strip();
    return stripped.isEmpty() ? null : stripped;
  }

  private static final class CsvReader implements PointReader {
    private final BufferedReader text;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final int[] columns;
    private final int headerSize;

    CsvReader(BufferedReader text) throws IOException {
      this.text = text;
      text.mark(1);
      if (text.read() != '\uFEFF') {
        text.reset(); // no byte-order mark (one would keep a quoted first name from being read as quoted)
      }
      text.mark(1 << 20);
      String headerLine = text.readLine();
      if (headerLine == null) {
        throw new IOException("the file is empty: a header row (seriesId,date,value,... ) is expected");
      }
      text.reset();
      char delimiter = delimiter(headerLine);
      // Empty lines are records too (skipped below), so record numbers are line numbers unless a quoted cell
      // spans lines.
      this.parser = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setIgnoreEmptyLines(false)
          .setIgnoreSurroundingSpaces(true).get().parse(text);
      this.records = parser.iterator();
      CSVRecord header = records.next();
      headerSize = header.size();
      columns = new int[headerSize];
      boolean any = false;
      for (int c = 0; c < headerSize; c++) {
        columns[c] = field(header.get(c));
        any |= columns[c] >= 0;
      }
      if (!any) {
        throw new IOException("the header row names none of the columns " + String.join(", ", FIELDS) + ": "
            + headerLine.strip());
      }
    }

    private static char delimiter(String header) {
      long commas = header.chars().filter(c -> c == ',').count();
      long semicolons = header.chars().filter(c -> c == ';').count();
      long tabs = header.chars().filter(c -> c == '\t').count();
      if (semicolons > commas && semicolons >= tabs) {
        return ';';
      }
      return tabs > commas && tabs > semicolons ? '\t' : ',';
    }

    @Override
    public Point next() throws IOException {
      try {
        while (records.hasNext()) {
          CSVRecord row = records.next();
          long record = row.getRecordNumber();
          if (row.size() != headerSize) {
            if (row.size() == 1 && row.get(0).isBlank()) {
              continue;
            }
            return Point.malformed(record, "the row has " + row.size() + " cells, the header " + headerSize);
          }
          String[] cells = new String[FIELDS.size()];
          boolean empty = true;
          for (int c = 0; c < headerSize; c++) {
            if (columns[c] >= 0) {
              cells[columns[c]] = blankToNull(row.get(c));
              empty &= cells[columns[c]] == null;
            }
          }
          if (!empty) {
            return point(record, cells);
          }
        }
        return null;
      } catch (UncheckedIOException e) {
        throw new IOException("CSV cannot be read after record " + parser.getRecordNumber() + ": "
            + e.getCause().getMessage(), e);
      }
    }

    @Override
    public void close() throws IOException {
      parser.close();
      text.close();
    }
  }

  private static final class NdjsonReader implements PointReader {
    private final BufferedReader text;
    private long line;

    NdjsonReader(BufferedReader text) {
      this.text = text;
    }

    @Override
    public Point next() throws IOException {
      for (String s; (s = text.readLine()) != null; ) {
        line++;
        if (line == 1 && s.startsWith("\uFEFF")) {
          s = s.substring(1);
        }
        if (s.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = JSON.readTree(s);
        } catch (JacksonException e) {
          return Point.malformed(line, "not a JSON object: " + quote(s));
        }
        if (node == null || !node.isObject()) {
          return Point.malformed(line, "not a JSON object: " + quote(s));
        }
        String[] cells = new String[FIELDS.size()];
        for (Map.Entry<String, JsonNode> property : node.properties()) {
          int f = field(property.getKey());
          if (f >= 0) {
            cells[f] = text(property.getValue());
          }
        }
        return point(line, cells);
      }
      return null;
    }

    /** A JSON value as the bulk path reads it: strings as they are, numbers exact, other values as JSON. */
    private static String text(JsonNode value) {
      if (value.isNull()) {
        return null;
      }
      if (value.isString()) {
        return value.asString();
      }
      if (value.isNumber()) {
        BigDecimal number = value.decimalValue();
        // A plain form of 1E+2147483647 would not fit in memory; the server refuses it as written.
        return Math.abs(number.scale()) <= 100 ? number.toPlainString() : number.toString();
      }
      return value.toString();
    }

    @Override
    public void close() throws IOException {
      text.close();
    }
  }

  private static String quote(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }

  /** Parquet rows through parquet-hadoop's example {@link Group} reader. */
  private static final class ParquetPoints implements PointReader {
    private final ParquetReader<Group> reader;
    private long row;

    ParquetPoints(Path file) throws IOException {
      reader = new ParquetReader.Builder<Group>(new LocalInputFile(file)) {
        @Override
        protected ReadSupport<Group> getReadSupport() {
          return new GroupReadSupport();
        }
      }.build();
    }

    @Override
    public Point next() throws IOException {
      Group group = reader.read();
      if (group == null) {
        return null;
      }
      row++;
      String[] cells = new String[FIELDS.size()];
      List<Type> fields = group.getType().getFields();
      for (int i = 0; i < fields.size(); i++) {
        int f = field(fields.get(i).getName());
        if (f >= 0 && fields.get(i).isPrimitive() && group.getFieldRepetitionCount(i) > 0) {
          cells[f] = text(group, i, fields.get(i).asPrimitiveType());
        }
      }
      return point(row, cells);
    }

    /** A cell as text: dates as ISO dates, decimals exact, doubles as their shortest text. */
    private static String text(Group group, int i, PrimitiveType type) {
      LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
      if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal) {
        BigInteger unscaled = switch (type.getPrimitiveTypeName()) {
          case INT32 -> BigInteger.valueOf(group.getInteger(i, 0));
          case INT64 -> BigInteger.valueOf(group.getLong(i, 0));
          default -> new BigInteger(group.getBinary(i, 0).getBytes());
        };
        return new BigDecimal(unscaled, decimal.getScale()).toPlainString();
      }
      if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
        return LocalDate.ofEpochDay(group.getInteger(i, 0)).toString();
      }
      return switch (type.getPrimitiveTypeName()) {
        case INT32 -> Integer.toString(group.getInteger(i, 0));
        case INT64 -> Long.toString(group.getLong(i, 0));
        case DOUBLE -> finite(group.getDouble(i, 0));
        case FLOAT -> finite(group.getFloat(i, 0));
        case BOOLEAN -> Boolean.toString(group.getBoolean(i, 0));
        default -> blankToNull(group.getBinary(i, 0).toStringUsingUTF8());
      };
    }

    private static String finite(double d) {
      return Double.isFinite(d) ? BigDecimal.valueOf(d).toPlainString() : Double.toString(d);
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }
}
