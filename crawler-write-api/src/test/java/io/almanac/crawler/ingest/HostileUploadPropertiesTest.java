package io.almanac.crawler.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.crawler.series.SeriesKey;
import io.almanac.crawler.series.SeriesLookup;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hostile input on the write path, property-based: the parser and the validator never fail with anything
 * but their documented refusals (a malformed record, a point error code, an unreadable body), and what
 * they read back equals what a well-behaved writer (Jackson, Commons CSV's printer) wrote.
 */
class HostileUploadPropertiesTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String[] FORMATS = {BulkPointsParser.NDJSON, BulkPointsParser.CSV, BulkPointsParser.ARROW};
  private static final List<String> FIELDS = List.of("seriesId", "providerId", "externalId", "date", "value",
      "revisionDate");

  /** Strings an attacker or a broken crawler sends, in every text field. */
  @Provide
  Arbitrary<String> hostile() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(30),
        Arbitraries.strings().withChars("0123456789.-+eE,: ").ofMaxLength(24),
        Arbitraries.of("", " ", "'; DROP TABLE crawler.series_keys; --", "1 OR 1=1", "../../etc/passwd",
            "..\\..\\windows\\system32", "/dev/zero", "%00", "\u0000", "\u202Eevil", "NaN", "-Infinity", "Infinity",
            "1e400", "1E+2147483647", "1E-2147483647", "0E+999999999", "9".repeat(40), "0." + "1".repeat(11),
            "2024-02-30", "0000-01-01", "10000-01-01", "+10000-01-01", "-0001-01-01", "+999999999-12-31",
            "2024-13-01", "\uFEFF2024-01-01", "２０２４-０１-０１", "١٢٣", "1,5", "1.5.5", "\"", "\r\n", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
            "x".repeat(200_000), "7".repeat(100_000)));
  }

  /** Text Jackson and Commons CSV write back byte for byte: no lone surrogates. */
  @Provide
  Arbitrary<String> writable() {
    return hostile().filter(s -> s.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF));
  }

  // ---------------------------------------------------------------------------------------- bytes

  @Provide
  Arbitrary<byte[]> bodies() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
    Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.of(validBodies()),
        Arbitraries.integers().between(0, 100_000).list().ofMaxSize(8), Arbitraries.bytes(),
        Arbitraries.integers().between(0, 100)).as((body, positions, b, keepPercent) -> {
          byte[] copy = Arrays.copyOf(body, Math.max(1, body.length * keepPercent / 100));
          for (int p : positions) {
            copy[p % copy.length] = b;
          }
          return copy;
        });
    return Arbitraries.oneOf(random, mutated, Arbitraries.of(validBodies()));
  }

  /** A valid NDJSON, CSV and Arrow body each, to be cut and corrupted. */
  private static List<byte[]> validBodies() {
    return List.of(
        "{\"seriesId\":\"7\",\"date\":\"2024-01-01\",\"value\":1.5}\n{\"seriesId\":\"7\",\"date\":\"2024-01-02\"}\n"
            .getBytes(StandardCharsets.UTF_8),
        "seriesId;date;value\r\n7;2024-01-01;\"1.5\"\r\n7;2024-01-02;2\r\n".getBytes(StandardCharsets.UTF_8),
        ARROW_BODY);
  }

  private static final byte[] ARROW_BODY = arrow(List.of("7", "8", "9"), List.of("2024-01-01", "bad", "2024-01-03"));

  private static byte[] arrow(List<String> ids, List<String> dates) {
    try (RootAllocator allocator = new RootAllocator();
        VarCharVector series = new VarCharVector("seriesId", allocator);
        VarCharVector date = new VarCharVector("date", allocator)) {
      for (int i = 0; i < ids.size(); i++) {
        series.setSafe(i, ids.get(i).getBytes(StandardCharsets.UTF_8));
        date.setSafe(i, dates.get(i).getBytes(StandardCharsets.UTF_8));
      }
      series.setValueCount(ids.size());
      date.setValueCount(ids.size());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (VectorSchemaRoot root = VectorSchemaRoot.of(series, date);
          ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
        writer.start();
        writer.writeBatch();
        writer.end();
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Any bytes as any format: records in order (at most the limit), or the body refused as unreadable. */
  @Property(tries = 600)
  void anyBytesGiveRecordsOrTheBodyIsRefusedAsUnreadable(@ForAll("bodies") byte[] body,
      @ForAll("formats") String contentType) throws Exception {
    BulkPointsParser.Dialect dialect = BulkPointsParser.dialect(contentType, null);
    try {
      BulkPointsParser.Parsed parsed = BulkPointsParser.parse(dialect, new ByteArrayInputStream(body), 50);
      for (int i = 0; i < parsed.points().size(); i++) {
        assertThat(parsed.points().get(i).index()).isEqualTo(i);
      }
      assertThat(parsed.points()).hasSizeLessThanOrEqualTo(50);
    } catch (BulkPointsParser.UnreadableBody refused) {
      assertThat(contentType).isNotEqualTo(BulkPointsParser.NDJSON); // NDJSON refuses lines, never the body
      assertThat(refused.getMessage()).isNotBlank().hasSizeLessThan(2000);
    }
  }

  @Provide
  Arbitrary<String> formats() {
    return Arbitraries.of(FORMATS);
  }

  // --------------------------------------------------------------------------------------- NDJSON

  /**
   * Lines written by Jackson (hostile strings and numbers in every field, unknown fields, nesting) read back
   * as written; the same lines cut short are malformed records, and blank lines are skipped.
   */
  @Property(tries = 300)
  void ndjsonReadsBackWhatJacksonWroteAndCutLinesAreMalformed(
      @ForAll("ndjsonRecords") List<Map<String, Object>> records, @ForAll("cuts") List<Boolean> cut)
      throws Exception {
    StringBuilder body = new StringBuilder();
    List<Map<String, Object>> expected = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      String line = JSON.writeValueAsString(records.get(i));
      boolean broken = i < cut.size() && cut.get(i);
      body.append(broken ? line.substring(0, line.length() - 1) : line).append(i % 3 == 0 ? "\r\n\n" : "\n");
      expected.add(broken ? null : records.get(i));
    }
    List<ReceivedPoint> points = BulkPointsParserTest.parse(BulkPointsParser.NDJSON, null,
        body.toString().getBytes(StandardCharsets.UTF_8));
    assertThat(points).hasSize(records.size());
    for (int i = 0; i < points.size(); i++) {
      ReceivedPoint p = points.get(i);
      if (expected.get(i) == null) {
        assertThat(p.malformed()).startsWith("line is not a JSON object");
        continue;
      }
      assertThat(p.malformed()).isNull();
      Map<String, Object> sent = expected.get(i);
      List<String> got = Arrays.asList(p.seriesId(), p.providerId(), p.externalId(), p.date(), p.value(),
          p.revisionDate());
      for (int f = 0; f < FIELDS.size(); f++) {
        Object value = sent.get(FIELDS.get(f));
        String want = value == null ? null : value instanceof String s ? s : JSON.writeValueAsString(value);
        assertThat(got.get(f)).as(FIELDS.get(f)).isEqualTo(want);
      }
    }
  }

  @Provide
  Arbitrary<List<Boolean>> cuts() {
    return Arbitraries.of(true, false, false, false).list().ofMaxSize(12);
  }

  @Provide
  Arbitrary<List<Map<String, Object>>> ndjsonRecords() {
    // Under 150,000 characters, so that seven fields stay within the parser's 1 MiB line limit.
    Arbitrary<Object> value = Arbitraries.oneOf(writable().filter(s -> s.length() < 150_000).map(s -> (Object) s),
        Arbitraries.bigDecimals().between(new java.math.BigDecimal("-1e20"), new java.math.BigDecimal("1e20")).ofScale(12).map(d -> (Object) d),
        Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.just(Map.of("nested", List.of(1, "two"))));
    Arbitrary<Map<String, Object>> record = Combinators.combine(
        Arbitraries.subsetOf(FIELDS), value.list().ofSize(FIELDS.size()), writable().filter(s -> s.length() < 1000)).as((fields, values, extra) -> {
          Map<String, Object> r = new LinkedHashMap<>();
          int i = 0;
          for (String f : FIELDS) {
            if (fields.contains(f)) {
              r.put(f, values.get(i));
            }
            i++;
          }
          r.put("comment", extra); // an unknown field: ignored
          return r;
        });
    return record.list().ofMinSize(1).ofMaxSize(12);
  }

  // ------------------------------------------------------------------------------------------ CSV

  /**
   * Tables written by Commons CSV's printer with any separator, line end and a byte-order mark or not, cells
   * holding quotes, separators, line breaks and unicode, read back cell for cell (trimmed; empty is null).
   */
  @Property(tries = 300)
  void csvReadsBackWhatAPrinterWrote(@ForAll("csvRows") List<List<String>> rows,
      @ForAll("separators") char separator, @ForAll("lineEnds") String lineEnd, @ForAll boolean bom,
      @ForAll boolean declareSeparator) throws Exception {
    StringWriter text = new StringWriter();
    CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(separator).setRecordSeparator(lineEnd).get();
    try (CSVPrinter printer = new CSVPrinter(text, format)) {
      printer.printRecord(FIELDS);
      for (List<String> row : rows) {
        printer.printRecord(row);
      }
    }
    byte[] body = ((bom ? "\uFEFF" : "") + text).getBytes(StandardCharsets.UTF_8);
    String delimiter = !declareSeparator ? null : separator == '\t' ? "tab" : String.valueOf(separator);
    List<ReceivedPoint> points = BulkPointsParserTest.parse(BulkPointsParser.CSV, delimiter, body);
    List<List<String>> kept = rows.stream().filter(r -> r.stream().anyMatch(c -> !stripped(c).isEmpty())).toList();
    assertThat(points).hasSize(kept.size());
    for (int i = 0; i < kept.size(); i++) {
      ReceivedPoint p = points.get(i);
      assertThat(p.malformed()).isNull();
      List<String> got = Arrays.asList(p.seriesId(), p.providerId(), p.externalId(), p.date(), p.value(),
          p.revisionDate());
      List<String> want = kept.get(i).stream().map(c -> stripped(c).isEmpty() ? null : stripped(c)).toList();
      assertThat(got).isEqualTo(want);
    }
  }

  /** The README's rule: control characters and every Unicode space around a cell are dropped. */
  private static String stripped(String cell) {
    return cell.replaceAll("^[\\x00-\\x20\\p{javaWhitespace}]+|[\\x00-\\x20\\p{javaWhitespace}]+$", "");
  }

  @Provide
  Arbitrary<List<List<String>>> csvRows() {
    Arbitrary<String> cell = Arbitraries.oneOf(writable().filter(s -> s.length() < 1000),
        Arbitraries.of("a,b", "a;b", "a\tb", "say \"hi\"", "line\nbreak", "cr\rlf", "", "  padded  ", "\u3000",
            "\"\u3000quoted\u2003\"", "\u0001\u3000\u0001x\u00a0"));
    return cell.list().ofSize(FIELDS.size()).list().ofMaxSize(10);
  }

  @Provide
  Arbitrary<Character> separators() {
    return Arbitraries.of(',', ';', '\t');
  }

  @Provide
  Arbitrary<String> lineEnds() {
    return Arbitraries.of("\r\n", "\n", "\r");
  }

  // ------------------------------------------------------------------------------------ validator

  private static final Map<Long, SeriesKey> KNOWN = Map.of(10L, new SeriesKey(1, "GDP"));

  /** A registry holding provider 1's series GDP as id 10. */
  private static final SeriesLookup REGISTRY = new SeriesLookup() {
    @Override
    public Map<Long, SeriesKey> existing(Collection<Long> ids) {
      Map<Long, SeriesKey> found = new HashMap<>();
      ids.stream().filter(KNOWN::containsKey).forEach(id -> found.put(id, KNOWN.get(id)));
      return found;
    }

    @Override
    public Map<SeriesKey, Long> find(Collection<SeriesKey> keys) {
      Map<SeriesKey, Long> found = new HashMap<>();
      KNOWN.forEach((id, key) -> {
        if (keys.contains(key)) {
          found.put(key, id);
        }
      });
      return found;
    }
  };

  /**
   * Hostile text in every field of a point: the validator answers each point with a valid row or a
   * documented code (the date one whenever the text is not a plain yyyy-MM-dd java.time accepts), quoting
   * at most a few hundred characters of it, and never throws.
   */
  @Property(tries = 1000)
  void everyHostilePointGetsADocumentedAnswer(@ForAll("hostileOrNull") String seriesId,
      @ForAll("hostileOrNull") String providerId, @ForAll("hostileOrNull") String externalId,
      @ForAll("datesOrHostile") String date, @ForAll("hostileOrNull") String value,
      @ForAll("datesOrHostile") String revision) {
    List<ReceivedPoint> points = List.of(
        ReceivedPoint.of(0, seriesId, providerId, externalId, date, value, revision),
        ReceivedPoint.of(1, "10", null, null, date, value, revision));
    ValidatedBatch batch = new PointValidator(REGISTRY).validate(points, LocalDate.parse("2024-06-30"));
    assertThat(batch.points()).hasSize(2);
    assertThat(batch.validRows().size() + batch.errors().size()).isEqualTo(2);
    for (PointError error : batch.errors()) {
      assertThat(EnumSet.allOf(PointErrorCode.class)).contains(error.code());
      assertThat(error.message()).hasSizeLessThan(1000);
    }
    // Point 1 names a known series: its date answer is java.time's.
    boolean dateValid = isoDate(date);
    if (!dateValid) {
      assertThat(batch.errors()).anySatisfy(e -> {
        assertThat(e.index()).isEqualTo(1);
        assertThat(e.code()).isEqualTo(PointErrorCode.INVALID_DATE);
      });
    }
  }

  private static boolean isoDate(String text) {
    // The documented rule: a plain yyyy-MM-dd (four-digit year) that java.time accepts.
    if (text == null || !text.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
      return false;
    }
    try {
      LocalDate.parse(text);
      return true;
    } catch (DateTimeException e) {
      return false;
    }
  }

  @Provide
  Arbitrary<String> hostileOrNull() {
    return Arbitraries.oneOf(hostile(), Arbitraries.just(null), Arbitraries.of("10", "1", "GDP", "1.5", "-0.0000000001"));
  }

  @Provide
  Arbitrary<String> datesOrHostile() {
    Arbitrary<String> dates = Combinators.combine(Arbitraries.integers().between(-1, 10_001),
        Arbitraries.integers().between(0, 13), Arbitraries.integers().between(0, 32))
        .as((y, m, d) -> String.format("%04d-%02d-%02d", y, m, d));
    return Arbitraries.oneOf(dates, hostile(), Arbitraries.just(null));
  }
}
