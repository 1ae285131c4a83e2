package io.almanac.bench;

import io.almanac.local.LocalStack;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import tools.jackson.databind.JsonNode;

/**
 * X1, X2 and M2: Almanac's file exports (issue 13), Almanac only (the baseline does not export).
 *
 * <p>X1 and X2: {@code GET /export/series/{id}.arrow} and {@code .csv} of the long series, direct to the
 * financial subgraph and through the gateway's origin, against {@code data} over GraphQL of the same series
 * (direct and through the gateway), all six requests in one loop in rotating order; points per second from
 * p50 latencies. Every export is read back (Arrow's reader; CSV by its RFC 4180 lines) and compared value
 * by value with the {@code data} answer of the same round. The ratio is export points/s over GraphQL
 * points/s, both direct; the baseline columns of these rows hold Almanac's GraphQL figures.
 *
 * <p>M2: the financial JVM's heap ({@code jcmd GC.heap_info}, sampled while the export streams) during a
 * panel export covering every series of the dataset ({@code GET /export/panel.csv?layout=long&ids=...},
 * long layout: a wide panel of thousands of series would be mostly empty cells), read as it arrives and
 * counted, never held by this client.
 */
final class Exports {

  /** Series per panel request when the server refuses a request line naming every series. */
  static final int PANEL_CHUNK = 1_000;

  private enum Kind {
    ARROW_DIRECT, ARROW_GATEWAY, CSV_DIRECT, CSV_GATEWAY, DATA_DIRECT, DATA_GATEWAY
  }

  private final Http http;
  private final LocalStack stack;
  private final Dataset dataset;
  private final String[] ids;
  private final Bench.Options options;
  private final IdenticalCheck.Report identical;
  private final List<String> notes;

  Exports(Http http, LocalStack stack, Dataset dataset, String[] ids, Bench.Options options,
      IdenticalCheck.Report identical, List<String> notes) {
    this.http = http;
    this.stack = stack;
    this.dataset = dataset;
    this.ids = ids;
    this.options = options;
    this.identical = identical;
    this.notes = notes;
  }

  List<Row> run() {
    List<Row> rows = new ArrayList<>(seriesExports());
    rows.add(panelHeap());
    return rows;
  }

  // ---------------------------------------------------------------- X1, X2

  private List<Row> seriesExports() {
    String id = ids[0];
    int points = dataset.series(0).distinctDates();
    Map<Kind, URI> uris = new EnumMap<>(Kind.class);
    uris.put(Kind.ARROW_DIRECT, stack.financial().resolve("/export/series/" + id + ".arrow"));
    uris.put(Kind.ARROW_GATEWAY, stack.gateway().resolve("/export/series/" + id + ".arrow"));
    uris.put(Kind.CSV_DIRECT, stack.financial().resolve("/export/series/" + id + ".csv"));
    uris.put(Kind.CSV_GATEWAY, stack.gateway().resolve("/export/series/" + id + ".csv"));
    uris.put(Kind.DATA_DIRECT, stack.financial());
    uris.put(Kind.DATA_GATEWAY, stack.gateway());
    byte[] dataBody = Http.graphqlBody(Bench.DATA_QUERY, Map.of("id", id));

    // Each export asked once first: what Almanac does not serve (yet) is left out of the loop.
    Map<Kind, String> refusals = new EnumMap<>(Kind.class);
    for (Kind kind : List.of(Kind.ARROW_DIRECT, Kind.ARROW_GATEWAY, Kind.CSV_DIRECT, Kind.CSV_GATEWAY)) {
      Http.Response probe = http.get(uris.get(kind));
      if (probe.status() != 200) {
        refusals.put(kind, "HTTP " + probe.status() + ": " + Http.abbreviate(probe.text()));
      }
    }
    List<Kind> kinds = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      if (!refusals.containsKey(kind)) {
        kinds.add(kind);
      }
    }
    Bench.log("X1, X2: exports of " + String.format("%,d", points) + " points (" + kinds + ") against data over GraphQL"
        + (refusals.isEmpty() ? "" : "; not available: " + refusals.keySet()) + " ...");

    Map<Kind, List<Double>> samples = new EnumMap<>(Kind.class);
    kinds.forEach(kind -> samples.put(kind, new ArrayList<>()));
    int warmup = 3;
    int count = Math.max(3, (int) Math.round(60 * options.effort()));
    long cap = (long) (60 * Math.max(0.2, options.effort()) * 1e9);
    long start = 0;
    for (int round = 0; round < warmup + count; round++) {
      if (round == warmup) {
        start = System.nanoTime();
      } else if (round > warmup && System.nanoTime() - start > cap) {
        break;
      }
      Map<Kind, Http.Response> responses = new EnumMap<>(Kind.class);
      for (int j = 0; j < kinds.size(); j++) {
        Kind kind = kinds.get((j + round) % kinds.size());
        responses.put(kind, kind == Kind.DATA_DIRECT || kind == Kind.DATA_GATEWAY
            ? http.graphql(uris.get(kind), dataBody) : http.get(uris.get(kind)));
      }
      verify(responses, uris);
      if (round >= warmup) {
        responses.forEach((kind, response) -> samples.get(kind).add(response.nanos() / 1e6));
      }
    }
    return List.of(
        row("X1", "Arrow", points, samples, Kind.ARROW_DIRECT, Kind.ARROW_GATEWAY, 10, refusals),
        row("X2", "CSV", points, samples, Kind.CSV_DIRECT, Kind.CSV_GATEWAY, 3, refusals));
  }

  /** Every export of a round against the direct {@code data} answer of the same round. */
  private void verify(Map<Kind, Http.Response> responses, Map<Kind, URI> uris) {
    JsonNode data = responses.get(Kind.DATA_DIRECT).data(uris.get(Kind.DATA_DIRECT)).path("series").path("data");
    JsonNode viaGateway = responses.get(Kind.DATA_GATEWAY).data(uris.get(Kind.DATA_GATEWAY)).path("series")
        .path("data");
    identical.check("X data via gateway", IdenticalCheck.sameNumbers(data, viaGateway),
        "data through the gateway differs from direct");
    for (Map.Entry<Kind, Http.Response> e : responses.entrySet()) {
      String difference = switch (e.getKey()) {
        case ARROW_DIRECT, ARROW_GATEWAY -> arrowDifference(e.getValue(), data);
        case CSV_DIRECT, CSV_GATEWAY -> csvDifference(e.getValue(), data);
        case DATA_DIRECT, DATA_GATEWAY -> null;
      };
      if (e.getKey() != Kind.DATA_DIRECT && e.getKey() != Kind.DATA_GATEWAY) {
        identical.check("X export vs data", difference == null, e.getKey() + " " + uris.get(e.getKey()) + ": "
            + difference);
      }
    }
  }

  private Row row(String id, String format, int points, Map<Kind, List<Double>> samples, Kind direct, Kind gateway,
      double target, Map<Kind, String> refusals) {
    double data = pointsPerSecond(points, samples.get(Kind.DATA_DIRECT));
    double dataGateway = pointsPerSecond(points, samples.get(Kind.DATA_GATEWAY));
    double exportDirect = pointsPerSecond(points, samples.get(direct));
    double exportGateway = pointsPerSecond(points, samples.get(gateway));
    double ratio = exportDirect / data;
    String workload = String.format("%s export, %,d points (GET /export/series/{id}.%s) vs data over GraphQL", format,
        points, format.toLowerCase(Locale.ROOT));
    String targetText = String.format(Locale.ROOT, "export points/s >= %.0fx data's", target);
    StringBuilder note = new StringBuilder("Almanac only: p95 columns = through the gateway's origin; baseline"
        + " columns = Almanac's data over GraphQL of the same series (the baseline does not export)");
    if (refusals.containsKey(direct)) {
      note.append("; Almanac answered ").append(refusals.get(direct)).append(": not available");
    } else {
      note.append(String.format(Locale.ROOT, "; p50 latencies: export %.1f ms direct, %s through the gateway;"
              + " data %.1f ms direct, %.1f ms through the gateway", p50(samples.get(direct)),
          refusals.containsKey(gateway) ? "not available (" + refusals.get(gateway) + ")"
              : String.format(Locale.ROOT, "%.1f ms (export / data through the gateway: %.2f)", p50(samples.get(gateway)),
                  exportGateway / dataGateway),
          p50(samples.get(Kind.DATA_DIRECT)), p50(samples.get(Kind.DATA_GATEWAY))));
    }
    note.append(" (n=").append(samples.containsKey(direct) ? samples.get(direct).size() : 0).append(')');
    return new Row(id, workload, "export", exportDirect, exportGateway, data, dataGateway, ratio, targetText,
        refusals.containsKey(direct) ? Boolean.FALSE : ratio >= target, note.toString(),
        Bench.toArray(samples.getOrDefault(direct, List.of())), Bench.toArray(samples.get(Kind.DATA_DIRECT)));
  }

  private static double pointsPerSecond(int points, List<Double> millis) {
    return millis == null || millis.isEmpty() ? Double.NaN : points / (p50(millis) / 1e3);
  }

  private static double p50(List<Double> millis) {
    return millis == null ? Double.NaN : Row.percentile(Bench.toArray(millis), 0.5);
  }

  /** Null when the Arrow stream holds exactly {@code data}'s dates and values (columns date, value). */
  static String arrowDifference(Http.Response response, JsonNode data) {
    if (response.status() != 200) {
      return "HTTP " + response.status() + ": " + Http.abbreviate(response.text());
    }
    JsonNode dates = data.path("dates");
    JsonNode values = data.path("values");
    int row = 0;
    try (BufferAllocator allocator = new RootAllocator();
        ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(response.body()), allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      while (reader.loadNextBatch()) {
        FieldVector date = root.getVector("date");
        FieldVector value = root.getVector("value");
        if (date == null || value == null) {
          return "columns " + root.getSchema().getFields() + ", expected date and value";
        }
        for (int i = 0; i < root.getRowCount(); i++, row++) {
          if (row >= dates.size()) {
            return "more rows than data's " + dates.size();
          }
          String difference = difference(row, date.isNull(i) ? null : dateText(date, i),
              value.isNull(i) ? null : number(value, i), dates, values);
          if (difference != null) {
            return difference;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return "unreadable Arrow stream: " + e;
    }
    return row == dates.size() ? null : row + " rows, data has " + dates.size();
  }

  /** Null when the CSV holds a {@code date,value} header and exactly {@code data}'s dates and values. */
  static String csvDifference(Http.Response response, JsonNode data) {
    if (response.status() != 200) {
      return "HTTP " + response.status() + ": " + Http.abbreviate(response.text());
    }
    JsonNode dates = data.path("dates");
    JsonNode values = data.path("values");
    String[] lines = response.text().split("\r?\n");
    if (!lines[0].equals("date,value")) {
      return "header " + Http.abbreviate(lines[0]) + ", expected date,value";
    }
    if (lines.length - 1 != dates.size()) {
      return (lines.length - 1) + " rows, data has " + dates.size();
    }
    for (int row = 0; row < dates.size(); row++) {
      String[] fields = lines[row + 1].split(",", -1);
      if (fields.length != 2) {
        return "row " + row + " is not two fields: " + lines[row + 1];
      }
      String difference;
      try {
        difference = difference(row, fields[0], fields[1].isEmpty() ? null : Double.parseDouble(fields[1]), dates,
            values);
      } catch (NumberFormatException e) {
        difference = "row " + row + ": value " + fields[1] + " is not a number";
      }
      if (difference != null) {
        return difference;
      }
    }
    return null;
  }

  /** Stored values are exported and served exactly: the double of the decimal on both sides. */
  private static String difference(int row, String date, Double value, JsonNode dates, JsonNode values) {
    String expectedDate = dates.get(row).asString();
    JsonNode expected = values.get(row);
    boolean same = expectedDate.equals(date)
        && (expected.isNull() ? value == null : value != null && expected.doubleValue() == value);
    return same ? null : "row " + row + ": " + date + " " + value + ", data has " + expectedDate + " " + expected;
  }

  private static String dateText(FieldVector vector, int i) {
    if (vector instanceof DateDayVector days) {
      return LocalDate.ofEpochDay(days.get(i)).toString();
    }
    if (vector instanceof DateMilliVector millis) {
      return LocalDate.ofEpochDay(Math.floorDiv(millis.get(i), 86_400_000L)).toString();
    }
    if (vector instanceof VarCharVector text) {
      return new String(text.get(i), StandardCharsets.UTF_8);
    }
    return String.valueOf(vector.getObject(i));
  }

  private static double number(FieldVector vector, int i) {
    if (vector instanceof Float8Vector doubles) {
      return doubles.get(i);
    }
    if (vector instanceof DecimalVector decimals) {
      return decimals.getObject(i).doubleValue();
    }
    if (vector instanceof VarCharVector text) {
      return Double.parseDouble(new String(text.get(i), StandardCharsets.UTF_8));
    }
    return Double.parseDouble(String.valueOf(vector.getObject(i)));
  }

  // ---------------------------------------------------------------- M2

  private Row panelHeap() {
    long rowsAll = 0;
    long rowsWithValue = 0;
    for (int i = 0; i < dataset.seriesCount(); i++) {
      long[] latest = Expected.latestRows(dataset.series(i));
      rowsAll += latest[0];
      rowsWithValue += latest[1];
    }
    String workload = String.format("financial-subgraph heap during a panel export of all %,d series (CSV, long"
        + " layout, %,d points)", ids.length, rowsAll);
    long xmx = Heap.financialXmxMiB();
    String target = "stays under -Xmx" + (xmx > 0 ? " (" + xmx + " MiB)" : "");
    long beforeKb = Heap.financialUsedKb();
    Bench.log("M2: panel export of " + ids.length + " series while sampling the financial JVM's heap ...");
    Sampler sampler = new Sampler();
    List<Http.Streamed> results = new ArrayList<>();
    Http.Streamed whole = sampler.stream(panelUri(List.of(ids)));
    String chunked = "";
    if (whole.status() == 404 || whole.status() == 405) {
      return new Row("M2", workload, "heap", Double.NaN, beforeKb / 1024.0, Double.NaN, Double.NaN, Double.NaN,
          target, Boolean.FALSE, "Almanac answered HTTP " + whole.status() + ": " + Http.abbreviate(whole.head())
              + ": not available", new double[0], new double[0]);
    }
    if (whole.status() / 100 == 4 && ids.length > PANEL_CHUNK) {
      // A request line naming every series can exceed what the server accepts (Tomcat: 8 KiB by default).
      chunked = String.format(" in %d requests of at most %,d series (one request naming all %,d answered HTTP %d:"
          + " %s)", (ids.length + PANEL_CHUNK - 1) / PANEL_CHUNK, PANEL_CHUNK, ids.length, whole.status(),
          Http.abbreviate(whole.head()));
      for (int from = 0; from < ids.length; from += PANEL_CHUNK) {
        results.add(sampler.stream(panelUri(List.of(ids).subList(from, Math.min(ids.length, from + PANEL_CHUNK)))));
      }
    } else {
      results.add(whole);
    }
    boolean ok = true;
    long rows = 0;
    long bytes = 0;
    long nanos = 0;
    for (Http.Streamed r : results) {
      ok &= r.status() == 200;
      rows += r.lines() - 1; // each response has its header row
      bytes += r.bytes();
      nanos += r.nanos();
    }
    boolean rowsRight = rows == rowsAll || rows == rowsWithValue;
    identical.check("M2 panel export rows", !ok || rowsRight, String.format("%,d rows exported, the dataset's latest"
        + " views hold %,d (%,d with a value)", rows, rowsAll, rowsWithValue));
    boolean alive = Bench.financialProcess().isAlive();
    double peakMiB = sampler.peakKb / 1024.0;
    boolean pass = ok && rowsRight && alive && sampler.problem == null && (xmx < 0 || peakMiB < xmx);
    String note = String.format(Locale.ROOT, "GET /export/panel.csv?layout=long&ids=(all)%s: %s, %,d rows (%s),"
            + " %.0f MB in %.1f s (%,.0f rows/s); heap used sampled %d times with jcmd while it streamed: peak %.0f"
            + " MiB, before %.0f MiB%s", chunked,
        ok ? "HTTP 200" : "HTTP " + results.stream().map(r -> String.valueOf(r.status())).distinct().toList() + ": "
            + Http.abbreviate(results.get(results.size() - 1).head()),
        rows, rows == rowsAll ? "every date of every series' latest view" : rows == rowsWithValue
            ? "the dates with a value of every series' latest view" : "expected " + rowsAll,
        bytes / 1e6, nanos / 1e9, rows / (nanos / 1e9), sampler.samples, peakMiB, beforeKb / 1024.0,
        (alive ? "" : "; the financial JVM is gone") + (sampler.problem == null ? "" : "; jcmd failed: "
            + sampler.problem));
    notes.add("M2: " + note);
    return new Row("M2", workload, "heap", peakMiB, beforeKb / 1024.0, Double.NaN, Double.NaN, Double.NaN, target,
        pass, note, new double[0], new double[0]);
  }

  private URI panelUri(List<String> seriesIds) {
    return stack.financial().resolve("/export/panel.csv?layout=long&ids=" + String.join(",", seriesIds));
  }

  /** Streams an export on another thread while this one samples the financial JVM's heap. */
  private final class Sampler {
    long peakKb;
    int samples;
    String problem;

    Http.Streamed stream(URI uri) {
      ExecutorService thread = Executors.newSingleThreadExecutor();
      try {
        Future<Http.Streamed> export = thread.submit(() -> http.stream(uri));
        // Sampling, not synchronization: jcmd takes about 0.1-0.2 s, so a few samples a second.
        while (!export.isDone()) {
          try {
            peakKb = Math.max(peakKb, Heap.financialUsedKb());
            samples++;
          } catch (RuntimeException e) {
            problem = e.getMessage();
          }
          Bench.sleep(100);
        }
        return Bench.get(export);
      } finally {
        thread.shutdownNow();
      }
    }
  }
}
