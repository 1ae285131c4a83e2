package io.almanac.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * X1 and X2 read every export back and compare it with {@code data}: the comparison finds what differs
 * (a value, a date, a row too many or too few, a wrong header or column) in Arrow streams written here
 * with Arrow's own writer and in CSV texts.
 */
class ExportsReadBackTest {

  private static final JsonNode DATA = Http.JSON.readTree(
      "{\"dates\": [\"2024-01-02\", \"2024-01-03\", \"2024-01-04\"], \"values\": [101.25, null, 0.1], \"count\": 3}");

  private static Http.Response ok(byte[] body) {
    return new Http.Response(200, body, 0);
  }

  @Test
  void arrowStreamsOfDaysAndDoublesOrTextAndDecimalsReadBackAsData() throws Exception {
    List<String> days = List.of("2024-01-02", "2024-01-03", "2024-01-04");
    assertThat(Exports.arrowDifference(ok(arrowDaysAndDoubles(days, new Double[] {101.25, null, 0.1})), DATA))
        .isNull();
    assertThat(Exports.arrowDifference(ok(arrowTextAndDecimals(days, new String[] {"101.25", null, "0.1"})), DATA))
        .isNull();
    assertThat(Exports.arrowDifference(ok(arrowDaysAndDoubles(days, new Double[] {101.25, null, 0.2})), DATA))
        .startsWith("row 2: 2024-01-04 0.2");
    assertThat(Exports.arrowDifference(ok(arrowDaysAndDoubles(days, new Double[] {101.25, 0.0, 0.1})), DATA))
        .startsWith("row 1:");
    assertThat(Exports.arrowDifference(ok(arrowDaysAndDoubles(List.of("2024-01-02", "2024-01-05", "2024-01-04"),
        new Double[] {101.25, null, 0.1})), DATA)).startsWith("row 1: 2024-01-05");
    assertThat(Exports.arrowDifference(ok(arrowDaysAndDoubles(days.subList(0, 2), new Double[] {101.25, null})), DATA))
        .isEqualTo("2 rows, data has 3");
    assertThat(Exports.arrowDifference(ok("not arrow".getBytes(StandardCharsets.UTF_8)), DATA))
        .startsWith("unreadable Arrow stream");
    assertThat(Exports.arrowDifference(new Http.Response(404, "{}".getBytes(StandardCharsets.UTF_8), 0), DATA))
        .startsWith("HTTP 404");
  }

  @Test
  void csvTextsReadBackAsData() {
    assertThat(Exports.csvDifference(csv("date,value\r\n2024-01-02,101.25\r\n2024-01-03,\r\n2024-01-04,0.1\r\n"), DATA))
        .isNull();
    assertThat(Exports.csvDifference(csv("date,value\n2024-01-02,101.25\n2024-01-03,\n2024-01-04,0.10\n"), DATA))
        .isNull();
    assertThat(Exports.csvDifference(csv("date,val\n2024-01-02,101.25\n2024-01-03,\n2024-01-04,0.1\n"), DATA))
        .startsWith("header date,val");
    assertThat(Exports.csvDifference(csv("date,value\n2024-01-02,101.26\n2024-01-03,\n2024-01-04,0.1\n"), DATA))
        .startsWith("row 0:");
    assertThat(Exports.csvDifference(csv("date,value\n2024-01-02,101.25\n2024-01-03,\n"), DATA))
        .isEqualTo("2 rows, data has 3");
    assertThat(Exports.csvDifference(csv("date,value\n2024-01-02,101.25,x\n2024-01-03,\n2024-01-04,0.1\n"), DATA))
        .startsWith("row 0 is not two fields");
  }

  private static Http.Response csv(String text) {
    return ok(text.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] arrowDaysAndDoubles(List<String> days, Double[] values) throws Exception {
    try (BufferAllocator allocator = new RootAllocator();
        DateDayVector date = new DateDayVector("date", allocator);
        Float8Vector value = new Float8Vector("value", allocator)) {
      for (int i = 0; i < days.size(); i++) {
        date.setSafe(i, (int) LocalDate.parse(days.get(i)).toEpochDay());
        if (values[i] == null) {
          value.setNull(i);
        } else {
          value.setSafe(i, values[i]);
        }
      }
      return write(List.of(date, value), days.size());
    }
  }

  private static byte[] arrowTextAndDecimals(List<String> days, String[] values) throws Exception {
    try (BufferAllocator allocator = new RootAllocator();
        VarCharVector date = new VarCharVector("date", allocator);
        DecimalVector value = new DecimalVector("value", allocator, 38, 10)) {
      for (int i = 0; i < days.size(); i++) {
        date.setSafe(i, days.get(i).getBytes(StandardCharsets.UTF_8));
        if (values[i] == null) {
          value.setNull(i);
        } else {
          value.setSafe(i, new BigDecimal(values[i]).setScale(10));
        }
      }
      return write(List.of(date, value), days.size());
    }
  }

  private static byte[] write(List<FieldVector> vectors, int rows) throws Exception {
    vectors.forEach(v -> v.setValueCount(rows));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (VectorSchemaRoot root = new VectorSchemaRoot(vectors);
        ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
      root.setRowCount(rows);
      writer.start();
      writer.writeBatch();
      writer.end();
    }
    return out.toByteArray();
  }
}
