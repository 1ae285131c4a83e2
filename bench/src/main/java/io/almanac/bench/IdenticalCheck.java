package io.almanac.bench;

import java.net.URI;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The correctness half of the referee: both implementations must return identical data (JSON
 * equality of {@code data}) for the same reads, and Almanac's latest view must hold as many dates as
 * the generated dataset. Every workload pair is compared too (see {@link Bench}).
 */
public final class IdenticalCheck {

  /** Comparisons made and mismatches found (first few kept in full). */
  public static final class Report {
    private int comparisons;
    private final List<String> mismatches = new ArrayList<>();

    synchronized void compare(String what, String request, JsonNode almanac, JsonNode baseline) {
      comparisons++;
      if (!almanac.equals(baseline)) {
        mismatch(what + " differs for " + Http.abbreviate(request) + "\n    Almanac:  " + Http.abbreviate(almanac.toString())
            + "\n    baseline: " + Http.abbreviate(baseline.toString()));
      }
    }

    synchronized void mismatch(String message) {
      if (mismatches.size() < 50) {
        mismatches.add(message);
      }
      if (mismatches.size() <= 3) {
        Bench.log("MISMATCH " + message);
      }
    }

    public synchronized int comparisons() {
      return comparisons;
    }

    public synchronized List<String> mismatches() {
      return List.copyOf(mismatches);
    }

    public synchronized String summary() {
      return mismatches.isEmpty()
          ? "identical data: " + comparisons + " reads compared, all identical"
          : "identical data: " + mismatches.size() + " MISMATCHES in " + comparisons + " reads compared";
    }
  }

  static final String DATA = "query($id: ID!, $from: Date, $to: Date, $asOf: Date) { series(id: $id) {"
      + " data(from: $from, to: $to, asOf: $asOf) { dates values count } } }";
  static final String OBSERVATIONS = "query($id: ID!, $from: Date, $to: Date, $asOf: Date, $first: Int, $after: String)"
      + " { series(id: $id) { observations(from: $from, to: $to, asOf: $asOf, first: $first, after: $after) {"
      + " nodes { date value revisionDate } edges { cursor node { date } } totalCount"
      + " pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }";
  static final String LATEST = "query($id: ID!, $asOf: Date) { series(id: $id) { id latest(asOf: $asOf)"
      + " { date value revisionDate } } }";

  private IdenticalCheck() {}

  static void run(Http http, Dataset dataset, String[] ids, URI almanac, URI baseline, URI almanacGateway,
      URI baselineGateway, Report report) {
    Set<Integer> series = new LinkedHashSet<>();
    List<Integer> daily = dataset.dailyIndices();
    List<Integer> revised = dataset.revisedIndices();
    series.add(0);
    series.add(1);
    series.addAll(daily.subList(0, Math.min(3, daily.size())));
    for (int i : daily) {
      if (i % 50 == 7) { // ends with missing values: latest must skip them
        series.add(i);
        break;
      }
    }
    series.addAll(revised.subList(0, Math.min(4, revised.size())));
    series.add(daily.get(daily.size() - 1));
    for (int index : series) {
      Dataset.SeriesPoints points = dataset.series(index);
      String id = ids[index];
      List<String> asOfs = asOfDates(points);
      LocalDate first = LocalDate.ofEpochDay(points.dates()[0]);
      LocalDate last = LocalDate.ofEpochDay(points.dates()[points.size() - 1]);
      LocalDate mid = LocalDate.ofEpochDay((points.dates()[0] + points.dates()[points.size() - 1]) / 2L);

      // data: whole view, a range, and as-of views
      JsonNode whole = compare(http, report, "data", DATA, vars("id", id), almanac, baseline);
      int count = whole.path("series").path("data").path("count").asInt(-1);
      if (count != points.distinctDates()) {
        report.mismatch("data count of series #" + index + ": Almanac " + count + ", dataset " + points.distinctDates());
      }
      compare(http, report, "data range", DATA, vars("id", id, "from", mid.toString(), "to", last.toString()), almanac,
          baseline);
      compare(http, report, "data range", DATA, vars("id", id, "from", first.minusDays(3).toString(), "to",
          mid.toString()), almanac, baseline);
      for (String asOf : asOfs) {
        compare(http, report, "data asOf", DATA, vars("id", id, "asOf", asOf), almanac, baseline);
        compare(http, report, "data asOf range", DATA, vars("id", id, "asOf", asOf, "from", mid.toString()), almanac,
            baseline);
        compare(http, report, "latest asOf", LATEST, vars("id", id, "asOf", asOf), almanac, baseline);
      }
      compare(http, report, "latest", LATEST, vars("id", id), almanac, baseline);

      // observations: page through (a few pages for long series), with and without asOf
      pages(http, report, vars("id", id, "first", 700), almanac, baseline, 4);
      pages(http, report, vars("id", id, "first", 1000, "from", mid.toString()), almanac, baseline, 2);
      for (String asOf : asOfs) {
        pages(http, report, vars("id", id, "first", 250, "asOf", asOf), almanac, baseline, 3);
      }
    }
    // The same reads through both gateways.
    int r1 = daily.get(0);
    compare(http, report, "data via gateway", DATA, vars("id", ids[r1]), almanacGateway, baselineGateway);
    compare(http, report, "latest via gateway", LATEST, vars("id", ids[1], "asOf",
        Dataset.vintageDate(dataset.spec().vintageCount() / 3).toString()), almanacGateway, baselineGateway);
    // Unknown and malformed ids behave the same where both define it.
    compare(http, report, "unknown series", LATEST, vars("id", "not-a-number"), almanac, baseline);
  }

  /** As-of dates that matter for this series: before anything was published, inside, and after. */
  private static List<String> asOfDates(Dataset.SeriesPoints points) {
    int[] revisions = points.revisions().clone();
    java.util.Arrays.sort(revisions);
    int min = revisions[0];
    int max = revisions[revisions.length - 1];
    Set<Integer> days = new LinkedHashSet<>(List.of(min - 1, min, revisions[revisions.length / 3],
        revisions[revisions.length / 2] + 1, revisions[(int) (revisions.length * 0.9)], max, max + 400));
    List<String> out = new ArrayList<>();
    for (int d : days) {
      out.add(LocalDate.ofEpochDay(d).toString());
    }
    return out;
  }

  private static void pages(Http http, Report report, Map<String, Object> variables, URI almanac, URI baseline,
      int maxPages) {
    Map<String, Object> v = new java.util.LinkedHashMap<>(variables);
    for (int page = 0; page < maxPages; page++) {
      JsonNode a = compare(http, report, "observations", OBSERVATIONS, v, almanac, baseline);
      JsonNode info = a.path("series").path("observations").path("pageInfo");
      if (!info.path("hasNextPage").asBoolean(false)) {
        return;
      }
      v.put("after", info.path("endCursor").asString());
    }
  }

  private static JsonNode compare(Http http, Report report, String what, String query, Map<String, Object> variables,
      URI almanac, URI baseline) {
    JsonNode a = http.data(almanac, query, variables);
    JsonNode b = http.data(baseline, query, variables);
    report.compare(what, variables.toString(), a, b);
    return a;
  }

  private static Map<String, Object> vars(Object... kv) {
    return Bench.map(kv);
  }
}
