package io.almanac.crawler.ingest;

import io.almanac.crawler.Json;
import io.almanac.crawler.generated.DgsConstants.DATAPOINTINPUT;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
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
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.io.NumberOutput;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;

/**
 * Turns an HTTP upload body into the {@link ReceivedPoint}s the GraphQL mutation produces too (fields
 * named like {@code DataPointInput}'s, in camelCase, snake_case or spaced, any letter case; values as
 * text), so both paths share validation, archive and result. The body is read as a stream and reading
 * stops after {@code limit + 1} records, so a body with too many points is never held whole. A record that
 * cannot be read becomes a malformed point quoting it; the rest of the body is read as usual.
 *
 * <p>Numbers are kept as the decimal text that was sent: NDJSON numbers are the token's text (never a
 * double), Arrow decimals their exact value, and Arrow floats the shortest text that reads back as the same
 * float or double (Schubfach), since the double is all the sender gave.
 */
final class BulkPointsParser {

  static final String NDJSON = "application/x-ndjson";
  static final String CSV = "text/csv";
  static final String ARROW = "application/vnd.apache.arrow.stream";

  /** Longest line or row read; longer NDJSON lines are malformed records, longer CSV rows refuse the body. */
  static final int MAX_RECORD_CHARS = 1 << 20;

  /** Largest Arrow record batch, or metadata block, accepted (off-heap memory for one batch). */
  static final long MAX_ARROW_BATCH_BYTES = 256L << 20;

  private static final int QUOTED_CHARS = 500;

  /** Reads an object or array inside a line as a tree, leaving the parser after it. */
  private static final ObjectReader NESTED =
      Json.MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** The fields a record may carry, in the order of {@link #point}'s cells. */
  private static final List<String> FIELDS = List.of(DATAPOINTINPUT.SeriesId, DATAPOINTINPUT.ProviderId,
      DATAPOINTINPUT.ExternalId, DATAPOINTINPUT.Date, DATAPOINTINPUT.Value, DATAPOINTINPUT.RevisionDate);

  /** SDMX-CSV's names (ECB, Eurostat, OECD exports) for the date and the value column. */
  private static final List<String> SDMX_DATE = List.of("timeperiod");
  private static final List<String> SDMX_VALUE = List.of("obsvalue");

  enum Format { NDJSON, CSV, ARROW }

  /**
   * How to read a body.
   *
   * @param charset the text encoding (CSV; NDJSON is always UTF-8), overridden by a byte-order mark
   * @param delimiter the CSV separator, or null to detect it from the header line
   */
  record Dialect(Format format, Charset charset, Character delimiter) {}

  /**
   * The points read, at most {@code limit}.
   *
   * @param more whether the body holds more records than {@code limit} (not read)
   */
  record Parsed(List<ReceivedPoint> points, boolean more) {}

  /** The Content-Type or its charset names nothing this endpoint reads: HTTP 415. */
  static final class UnsupportedBody extends Exception {
    UnsupportedBody(String message) {
      super(message, null, false, false);
    }
  }

  /** The body as a whole cannot be read (not an Arrow stream, a CSV header naming no field...): HTTP 400. */
  static final class UnreadableBody extends Exception {
    UnreadableBody(String message) {
      super(message, null, false, false);
    }
  }

  private BulkPointsParser() {}

  /**
   * @param contentType {@link #NDJSON}, {@link #CSV} or {@link #ARROW}, with an optional {@code charset}
   *     parameter (for CSV any charset Java knows; for NDJSON only UTF-8)
   * @param delimiter CSV's separator: {@code ,}, {@code ;}, {@code tab} (or a tab), or null to detect it
   * @throws UnsupportedBody for another content type or an unknown charset
   * @throws IllegalArgumentException for another delimiter
   */
  static Dialect dialect(String contentType, String delimiter) throws UnsupportedBody {
    // split(";", -1) keeps empty parts: a Content-Type of ";" is an empty type, not an empty array.
    String[] parts = contentType == null ? new String[] {""} : contentType.split(";", -1);
    String type = parts[0].trim().toLowerCase(Locale.ROOT);
    Format format = switch (type) {
      case NDJSON -> Format.NDJSON;
      case CSV -> Format.CSV;
      case ARROW -> Format.ARROW;
      default -> throw new UnsupportedBody((contentType == null ? "No Content-Type" : "Unsupported Content-Type '"
          + contentType + "'") + ": send " + NDJSON + ", " + CSV + " (with an optional charset) or " + ARROW);
    };
    Charset charset = StandardCharsets.UTF_8;
    for (int i = 1; i < parts.length; i++) {
      String[] parameter = parts[i].split("=", 2);
      if (parameter.length == 2 && parameter[0].trim().equalsIgnoreCase("charset")) {
        String name = parameter[1].trim().replace("\"", "");
        try {
          charset = Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
          throw new UnsupportedBody("Unknown charset '" + name + "' in Content-Type: use UTF-8, ISO-8859-1,"
              + " windows-1252, UTF-16 or another charset Java knows");
        }
      }
    }
    if (format == Format.NDJSON && !charset.equals(StandardCharsets.UTF_8)) {
      throw new UnsupportedBody("NDJSON is UTF-8 (RFC 8259), not " + charset.name());
    }
    return new Dialect(format, charset, delimiter == null ? null : delimiter(delimiter));
  }

  private static char delimiter(String name) {
    return switch (name) {
      case "," -> ',';
      case ";" -> ';';
      case "tab", "\t", "\\t" -> '\t';
      default -> throw new IllegalArgumentException(
          "delimiter must be ',', ';' or 'tab', got '" + abbreviate(name) + "'");
    };
  }

  /**
   * Reads at most {@code limit} records, then looks whether there is one more.
   *
   * @return the records in body order, {@code index} counting from 0 (blank lines and rows skipped)
   * @throws UnreadableBody when the body as a whole cannot be read
   * @throws IOException when reading the body fails (the connection, or a body over the size limit)
   */
  static Parsed parse(Dialect dialect, InputStream body, int limit) throws IOException, UnreadableBody {
    // The readers close what they read; the caller may still read the rest of the body (and owns it).
    InputStream unclosed = new FilterInputStream(body) {
      @Override
      public void close() {}
    };
    return switch (dialect.format()) {
      case NDJSON -> ndjson(unclosed, limit);
      case CSV -> csv(unclosed, dialect, limit);
      case ARROW -> arrow(unclosed, limit);
    };
  }

  /** Position in {@link #FIELDS} of a column or property name, or -1 for a name that is none of them. */
  static int field(String name) {
    String key = name.strip().replace("\uFEFF", "").replace("_", "").replace(" ", "").replace("-", "")
        .toLowerCase(Locale.ROOT);
    for (int f = 0; f < FIELDS.size(); f++) {
      if (FIELDS.get(f).toLowerCase(Locale.ROOT).equals(key)) {
        return f;
      }
    }
    if (SDMX_DATE.contains(key)) {
      return FIELDS.indexOf(DATAPOINTINPUT.Date);
    }
    if (SDMX_VALUE.contains(key)) {
      return FIELDS.indexOf(DATAPOINTINPUT.Value);
    }
    return -1;
  }

  /** The point of {@code cells} (indexed like {@link #FIELDS}), which are cleared for the next record. */
  private static ReceivedPoint point(int index, String[] cells) {
    ReceivedPoint point = ReceivedPoint.of(index, cells[0], cells[1], cells[2], cells[3], cells[4], cells[5]);
    Arrays.fill(cells, null);
    return point;
  }

  // ---------------------------------------------------------------------------------------------- NDJSON

  private static Parsed ndjson(InputStream body, int limit) throws IOException {
    List<ReceivedPoint> points = new ArrayList<>();
    String[] cells = new String[FIELDS.size()];
    LineReader lines = new LineReader(skipUtf8Bom(body));
    byte[] line;
    while ((line = lines.next()) != null) {
      if (isBlank(line, lines.length())) {
        continue;
      }
      if (points.size() == limit) {
        return new Parsed(points, true);
      }
      if (lines.truncated()) {
        points.add(ReceivedPoint.malformed(points.size(), "line is longer than " + MAX_RECORD_CHARS
            + " bytes: " + abbreviate(new String(line, 0, Math.min(lines.length(), QUOTED_CHARS + 1),
                StandardCharsets.UTF_8))));
        continue;
      }
      try {
        jsonObject(line, lines.length(), cells);
        points.add(point(points.size(), cells));
      } catch (JacksonException | IllegalArgumentException e) {
        Arrays.fill(cells, null);
        points.add(ReceivedPoint.malformed(points.size(), (e instanceof RepeatedField repeated
            ? "line names the field " + repeated.getMessage() + " twice: " : "line is not a JSON object: ")
            + abbreviate(new String(line, 0, lines.length(), StandardCharsets.UTF_8))));
      }
    }
    return new Parsed(points, false);
  }

  /** A line naming one of {@link #FIELDS} twice (under any of its spellings): which value counts is not said. */
  private static final class RepeatedField extends IllegalArgumentException {
    RepeatedField(String field) {
      super(field, null);
    }
  }

  /**
   * Reads one JSON object into {@code cells}: strings as they are, numbers as their token's text (so
   * {@code 1234567890.1234567891} stays exact), objects and arrays as their JSON text.
   *
   * @throws RepeatedField when the object names a field twice (RFC 8259 leaves such an object's meaning
   *     to the reader; taking the last value would accept a point its sender may not have meant)
   */
  private static void jsonObject(byte[] line, int length, String[] cells) {
    try (JsonParser json = Json.MAPPER.createParser(line, 0, length)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not a JSON object");
      }
      JsonToken token;
      int seen = 0;
      while ((token = json.nextToken()) == JsonToken.PROPERTY_NAME) {
        int f = field(json.currentName());
        if (f >= 0) {
          if ((seen & 1 << f) != 0) {
            throw new RepeatedField(FIELDS.get(f));
          }
          seen |= 1 << f;
        }
        JsonToken value = json.nextToken();
        String text = switch (value) {
          case VALUE_NULL -> null;
          case START_OBJECT, START_ARRAY -> NESTED.readTree(json).toString();
          default -> json.getText();
        };
        if (f >= 0 && text != null) {
          cells[f] = text;
        }
      }
      if (token != JsonToken.END_OBJECT || json.nextToken() != null) {
        throw new IllegalArgumentException("not one JSON object");
      }
    }
  }

  private static boolean isBlank(byte[] line, int length) {
    for (int i = 0; i < length; i++) {
      byte b = line[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /**
   * Lines of a byte stream split at {@code \n} (a preceding {@code \r} dropped), at most
   * {@link #MAX_RECORD_CHARS} bytes kept of each: the rest of a longer line is skipped unread into memory.
   */
  private static final class LineReader {
    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int filled;
    private byte[] line = new byte[256];
    private int length;
    private boolean truncated;

    LineReader(InputStream in) {
      this.in = in;
    }

    /** The next line (valid up to {@link #length()}), or null at the end of the stream. */
    byte[] next() throws IOException {
      length = 0;
      truncated = false;
      boolean any = false;
      while (true) {
        if (position == filled) {
          filled = in.read(buffer);
          position = 0;
          if (filled <= 0) {
            filled = 0;
            return any ? end() : null;
          }
        }
        any = true;
        int start = position;
        while (position < filled && buffer[position] != '\n') {
          position++;
        }
        append(start, position);
        if (position < filled) {
          position++; // the '\n'
          return end();
        }
      }
    }

    private byte[] end() {
      if (!truncated && length > 0 && line[length - 1] == '\r') {
        length--;
      }
      return line;
    }

    private void append(int from, int to) {
      int n = Math.min(to - from, MAX_RECORD_CHARS - length);
      if (n < to - from) {
        truncated = true;
      }
      if (n <= 0) {
        return;
      }
      if (length + n > line.length) {
        line = Arrays.copyOf(line, Math.max(length + n, Math.min(line.length * 2, MAX_RECORD_CHARS)));
      }
      System.arraycopy(buffer, from, line, length, n);
      length += n;
    }

    int length() {
      return length;
    }

    boolean truncated() {
      return truncated;
    }
  }

  // ------------------------------------------------------------------------------------------------- CSV

  /**
   * CSV as spreadsheets and statistical agencies write it (RFC 4180 quoting by Commons CSV): a header row
   * naming the columns (quoted or not, spaces around names and any letter case ignored; unknown columns
   * such as SDMX-CSV's dimensions ignored), {@code ,}, {@code ;} or tab separated, CRLF, CR or LF line
   * ends, a byte-order mark or the declared charset deciding the encoding. Empty cells are null; rows
   * whose cells are all empty are skipped, as are empty lines.
   */
  private static Parsed csv(InputStream body, Dialect dialect, int limit) throws IOException, UnreadableBody {
    PushbackInputStream in = new PushbackInputStream(body, 3);
    Charset charset = bomCharset(in, dialect.charset());
    BoundedReader bounded = new BoundedReader(new InputStreamReader(in, charset));
    BufferedReader text = new BufferedReader(bounded, 64 * 1024);
    bounded.allowNext(MAX_RECORD_CHARS);
    char delimiter = dialect.delimiter() != null ? dialect.delimiter() : detectDelimiter(text);
    CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(delimiter).setIgnoreEmptyLines(true)
        .setIgnoreSurroundingSpaces(true).setTrim(true).setDuplicateHeaderMode(DuplicateHeaderMode.ALLOW_ALL)
        .get();
    List<ReceivedPoint> points = new ArrayList<>();
    String[] cells = new String[FIELDS.size()];
    try (CSVParser parser = CSVParser.builder().setReader(text).setFormat(format).get()) {
      Iterator<CSVRecord> records = parser.iterator();
      int[] columns = null;
      long failedLine = -1;
      while (true) {
        bounded.allowNext(MAX_RECORD_CHARS);
        CSVRecord record;
        try {
          if (!records.hasNext()) {
            break;
          }
          record = records.next();
        } catch (UncheckedIOException e) {
          if (e.getCause() instanceof RecordTooLong) {
            throw new UnreadableBody("The row starting on line " + (parser.getCurrentLineNumber() + 1)
                + " is longer than " + MAX_RECORD_CHARS + " characters (an unclosed quote?)");
          }
          if (bounded.failure != null) {
            throw bounded.failure; // the connection, or the body's size limit: not the CSV's fault
          }
          if (columns == null) {
            throw new UnreadableBody("The CSV header row could not be read: " + e.getMessage());
          }
          if (points.size() == limit) {
            return new Parsed(points, true);
          }
          // A quote never closed, or text after a closing quote: this row is lost, reading goes on after it.
          long line = parser.getCurrentLineNumber();
          points.add(ReceivedPoint.malformed(points.size(), "row on line " + line + " could not be read: "
              + abbreviate(String.valueOf(e.getCause() == null ? e.getMessage() : e.getCause().getMessage()))));
          if (line == failedLine) {
            break; // no progress: the end of the input
          }
          failedLine = line;
          continue;
        }
        if (columns == null) {
          columns = header(record);
          continue;
        }
        if (isEmpty(record)) {
          continue;
        }
        if (points.size() == limit) {
          return new Parsed(points, true);
        }
        if (record.size() != columns.length) {
          points.add(ReceivedPoint.malformed(points.size(), "row on line " + parser.getCurrentLineNumber() + " has "
              + record.size() + " fields, the header " + columns.length + ": "
              + abbreviate(String.join(String.valueOf(delimiter), record.values()))));
          continue;
        }
        for (int c = 0; c < columns.length; c++) {
          String cell = clean(record.get(c));
          if (columns[c] >= 0 && !cell.isEmpty()) {
            cells[columns[c]] = cell;
          }
        }
        points.add(point(points.size(), cells));
      }
    }
    return new Parsed(points, false);
  }

  /**
   * A cell without the white space around it: control characters up to U+0020 and every Unicode space
   * ({@link Character#isWhitespace}, such as U+3000), whether the cell was quoted or not. Commons CSV's own
   * trimming differs between the two (unquoted cells lose Unicode spaces, quoted ones only U+0000-U+0020).
   */
  static String clean(String cell) {
    int start = 0;
    int end = cell.length();
    while (start < end && isSpace(cell.charAt(start))) {
      start++;
    }
    while (end > start && isSpace(cell.charAt(end - 1))) {
      end--;
    }
    return cell.substring(start, end);
  }

  private static boolean isSpace(char c) {
    return c <= ' ' || Character.isWhitespace(c);
  }

  /** Columns of the header row as positions in {@link #FIELDS} (-1: ignored). */
  private static int[] header(CSVRecord header) throws UnreadableBody {
    int[] columns = new int[header.size()];
    boolean[] seen = new boolean[FIELDS.size()];
    boolean any = false;
    for (int c = 0; c < columns.length; c++) {
      int f = field(header.get(c));
      columns[c] = f;
      if (f >= 0) {
        if (seen[f]) {
          throw new UnreadableBody("The CSV header names the column " + FIELDS.get(f) + " twice: "
              + abbreviate(String.join(",", header.values())));
        }
        seen[f] = true;
        any = true;
      }
    }
    if (!any) {
      throw new UnreadableBody("The CSV header row names none of the columns " + String.join(", ", FIELDS)
          + " (snake_case, spaces and any letter case accepted): " + abbreviate(String.join(",", header.values())));
    }
    return columns;
  }

  private static boolean isEmpty(CSVRecord record) {
    for (String value : record) {
      if (!clean(value).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /**
   * The separator used most often outside quotes in the header line: {@code ,}, {@code ;} or tab (a tie,
   * or none at all, is {@code ,}). Header names hold none of them, unlike data rows, where decimal commas
   * and quoted text would mislead a count.
   */
  private static char detectDelimiter(BufferedReader text) throws IOException {
    text.mark(MAX_RECORD_CHARS + 1);
    int commas = 0;
    int semicolons = 0;
    int tabs = 0;
    boolean quoted = false;
    for (int i = 0; i <= MAX_RECORD_CHARS; i++) {
      int c = text.read();
      if (c < 0 || (!quoted && (c == '\n' || c == '\r'))) {
        break;
      }
      if (c == '"') {
        quoted = !quoted;
      } else if (!quoted) {
        commas += c == ',' ? 1 : 0;
        semicolons += c == ';' ? 1 : 0;
        tabs += c == '\t' ? 1 : 0;
      }
    }
    text.reset();
    if (semicolons > commas && semicolons >= tabs) {
      return ';';
    }
    return tabs > commas && tabs > semicolons ? '\t' : ',';
  }

  /** A Reader that fails once more than the allowed number of characters is read since {@link #allowNext}. */
  private static final class BoundedReader extends Reader {
    private final Reader in;
    private long read;
    private long allowedUntil;
    IOException failure;

    BoundedReader(Reader in) {
      this.in = in;
    }

    /**
     * Allows {@code chars} more characters past what was read so far. Called before each record: what the
     * CSV parser buffered ahead counts against the next record, so a record may take up to 64 KiB less.
     */
    void allowNext(int chars) {
      allowedUntil = read + chars + 64 * 1024;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
      if (read >= allowedUntil) {
        throw new RecordTooLong();
      }
      int n;
      try {
        n = in.read(buffer, offset, (int) Math.min(length, allowedUntil - read));
      } catch (IOException e) {
        failure = e;
        throw e;
      }
      read += Math.max(n, 0);
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  private static final class RecordTooLong extends IOException {
    RecordTooLong() {
      super("record too long", null);
    }
  }

  // -------------------------------------------------------------------------------------------------- BOM

  /** The charset a byte-order mark at the start of {@code in} names (consuming it), else {@code declared}. */
  private static Charset bomCharset(PushbackInputStream in, Charset declared) throws IOException {
    byte[] head = in.readNBytes(3);
    int n = head.length;
    if (n >= 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF) {
      return StandardCharsets.UTF_8;
    }
    if (n >= 2 && (head[0] & 0xFF) == 0xFE && (head[1] & 0xFF) == 0xFF) {
      in.unread(head, 2, n - 2);
      return StandardCharsets.UTF_16BE;
    }
    if (n >= 2 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xFE) {
      in.unread(head, 2, n - 2);
      return StandardCharsets.UTF_16LE;
    }
    in.unread(head, 0, n);
    return declared;
  }

  private static InputStream skipUtf8Bom(InputStream body) throws IOException {
    PushbackInputStream in = new PushbackInputStream(body, 3);
    Charset charset = bomCharset(in, StandardCharsets.UTF_8);
    if (!charset.equals(StandardCharsets.UTF_8)) {
      // A UTF-16 mark: NDJSON is UTF-8, so these bytes make malformed lines rather than a guessed decoding.
      in.unread(charset.equals(StandardCharsets.UTF_16BE) ? new byte[] {(byte) 0xFE, (byte) 0xFF}
          : new byte[] {(byte) 0xFF, (byte) 0xFE});
    }
    return in;
  }

  // ----------------------------------------------------------------------------------------------- Arrow

  /** Columns named like the fields; dates as date32 or text, values as decimal, float or text. */
  private static Parsed arrow(InputStream body, int limit) throws IOException, UnreadableBody {
    List<ReceivedPoint> points = new ArrayList<>();
    String[] cells = new String[FIELDS.size()];
    ArrowFraming framed = new ArrowFraming(body, MAX_ARROW_BATCH_BYTES);
    try (BufferAllocator allocator = new RootAllocator(MAX_ARROW_BATCH_BYTES);
        ArrowStreamReader reader = new ArrowStreamReader(framed, allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      while (reader.loadNextBatch()) {
        List<FieldVector> vectors = root.getFieldVectors();
        int[] columns = vectors.stream().mapToInt(v -> field(v.getName())).toArray();
        List<IntFunction<String>> texts = vectors.stream().map(BulkPointsParser::text).toList();
        for (int row = 0; row < root.getRowCount(); row++) {
          if (points.size() == limit) {
            return new Parsed(points, true);
          }
          for (int c = 0; c < columns.length; c++) {
            String text = columns[c] < 0 ? null : texts.get(c).apply(row);
            if (text != null) {
              cells[columns[c]] = text;
            }
          }
          points.add(point(points.size(), cells));
        }
      }
    } catch (IOException e) {
      if (framed.failure != null) {
        throw framed.failure; // the connection or the size limit, not the stream's content
      }
      throw new UnreadableBody("The body is not a readable Arrow IPC stream: " + e.getMessage());
    } catch (RuntimeException e) {
      // Arrow's reader reports corrupt metadata or buffers with whatever runtime exception it meets.
      throw new UnreadableBody("The body is not a readable Arrow IPC stream (" + e.getClass().getSimpleName()
          + ")");
    }
    return new Parsed(points, false);
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
      read = row -> shortest(NumberOutput.toString(v.get(row), true));
    } else if (vector instanceof Float4Vector v) {
      read = row -> shortest(NumberOutput.toString(v.get(row), true));
    } else if (vector instanceof BaseIntVector v) {
      read = row -> String.valueOf(v.getValueAsLong(row));
    } else {
      read = row -> String.valueOf(vector.getObject(row));
    }
    return row -> vector.isNull(row) ? null : read.apply(row);
  }

  /** A float's shortest text ({@code 1.0E-5}) written without exponent; NaN and infinities as they are. */
  private static String shortest(String text) {
    try {
      return new BigDecimal(text).stripTrailingZeros().toPlainString();
    } catch (NumberFormatException e) {
      return text;
    }
  }

  private static String abbreviate(String text) {
    return PointError.quote(text, QUOTED_CHARS);
  }
}
