package io.almanac.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;

/**
 * A W2 batch as an Arrow IPC stream for Almanac's {@code POST /bulk/points}: columns {@code seriesId}
 * (utf8), {@code date} (date32), {@code value} (utf8 decimal text, null = missing), {@code revisionDate}
 * (date32), the fields of {@code DataPointInput}.
 */
final class ArrowBatch {

  static final String CONTENT_TYPE = "application/vnd.apache.arrow.stream";

  private ArrowBatch() {}

  static byte[] encode(List<long[]> points, List<String> values, LocalDate revision, String[] ids) {
    int n = points.size();
    try (BufferAllocator allocator = new RootAllocator();
        VarCharVector series = new VarCharVector("seriesId", allocator);
        DateDayVector date = new DateDayVector("date", allocator);
        VarCharVector value = new VarCharVector("value", allocator);
        DateDayVector revisionDate = new DateDayVector("revisionDate", allocator)) {
      series.allocateNew(n);
      date.allocateNew(n);
      value.allocateNew(n);
      revisionDate.allocateNew(n);
      int rev = (int) revision.toEpochDay();
      for (int i = 0; i < n; i++) {
        series.setSafe(i, ids[(int) points.get(i)[0]].getBytes(StandardCharsets.UTF_8));
        date.set(i, (int) points.get(i)[1]);
        if (values.get(i) == null) {
          value.setNull(i);
        } else {
          value.setSafe(i, values.get(i).getBytes(StandardCharsets.UTF_8));
        }
        revisionDate.set(i, rev);
      }
      for (var v : List.of(series, date, value, revisionDate)) {
        v.setValueCount(n);
      }
      try (VectorSchemaRoot root = VectorSchemaRoot.of(series, date, value, revisionDate)) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(n * 24);
        try (ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
          writer.start();
          writer.writeBatch();
          writer.end();
        }
        return out.toByteArray();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
