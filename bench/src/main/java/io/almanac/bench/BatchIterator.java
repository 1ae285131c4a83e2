package io.almanac.bench;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/** The dataset as bulk-mutation request bodies of {@code size} points, series after series. */
final class BatchIterator implements Iterator<Bench.Batch> {

  private final Dataset dataset;
  private final String[] ids;
  private final int size;
  private int seriesIndex = -1;
  private Dataset.SeriesPoints current;
  private int offset;
  private int batchNumber;

  BatchIterator(Dataset dataset, String[] ids, int size) {
    this.dataset = dataset;
    this.ids = ids;
    this.size = size;
    advance();
  }

  private void advance() {
    while (current == null || offset >= current.size()) {
      seriesIndex++;
      if (seriesIndex >= dataset.seriesCount()) {
        current = null;
        return;
      }
      current = dataset.series(seriesIndex);
      offset = 0;
    }
  }

  @Override
  public boolean hasNext() {
    return current != null;
  }

  @Override
  public Bench.Batch next() {
    if (current == null) {
      throw new NoSuchElementException();
    }
    StringBuilder sb = start("load-" + batchNumber++);
    int n = 0;
    while (n < size && current != null) {
      String id = ids[current.index()];
      for (; offset < current.size() && n < size; offset++, n++) {
        point(sb, n, id, current.dates()[offset], current.values()[offset], current.revisions()[offset]);
      }
      advance();
    }
    return new Bench.Batch(end(sb), n);
  }

  /** A body for explicit points ({seriesIndex, epochDay}), all with one revision date. */
  static byte[] body(String batchId, List<long[]> points, List<String> values, LocalDate revision, String[] ids) {
    StringBuilder sb = start(batchId);
    int rev = (int) revision.toEpochDay();
    for (int i = 0; i < points.size(); i++) {
      point(sb, i, ids[(int) points.get(i)[0]], (int) points.get(i)[1], values.get(i), rev);
    }
    return end(sb);
  }

  private static StringBuilder start(String batchId) {
    StringBuilder sb = new StringBuilder(1 << 20);
    sb.append("{\"query\":\"").append(Bench.BULK_MUTATION.replace("\"", "\\\""))
        .append("\",\"variables\":{\"input\":{\"batchId\":\"").append(batchId)
        .append("\",\"atomic\":false,\"points\":[");
    return sb;
  }

  private static void point(StringBuilder sb, int n, String id, int date, String value, int revision) {
    if (n > 0) {
      sb.append(',');
    }
    sb.append("{\"seriesId\":\"").append(id).append("\",\"date\":\"").append(LocalDate.ofEpochDay(date))
        .append("\",\"value\":");
    if (value == null) {
      sb.append("null");
    } else {
      sb.append('"').append(value).append('"');
    }
    sb.append(",\"revisionDate\":\"").append(LocalDate.ofEpochDay(revision)).append("\"}");
  }

  private static byte[] end(StringBuilder sb) {
    sb.append("]}}}");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
