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

    /**
     * Like {@link #compare}, for derived reads (transforms, aggregation): numbers, and decimal texts that
     * differ, may differ by {@link IdenticalCheck#RELATIVE_TOLERANCE}; everything else must be equal.
     */
    synchronized void compareDerived(String what, String request, JsonNode almanac, JsonNode baseline) {
      comparisons++;
      if (!close(almanac, baseline)) {
        mismatch(what + " differs (beyond a relative " + RELATIVE_TOLERANCE + ") for " + Http.abbreviate(request)
            + "\n    Almanac:  " + Http.abbreviate(almanac.toString())
            + "\n    baseline: " + Http.abbreviate(baseline.toString()));
      }
    }

    /** A comparison made elsewhere (an export against {@code data}): counted, and recorded when it failed. */
    synchronized void check(String what, boolean same, String detail) {
      comparisons++;
      if (!same) {
        mismatch(what + ": " + detail);
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

  /**
   * Derived values are doubles computed on both sides in different orders (Almanac in Java over doubles,
   * the baseline in SQL, averages over exact numerics), so they agree to about 1e-15, not bit for bit.
   */
  static final double RELATIVE_TOLERANCE = 1e-9;
  /** Near zero (a change between equal inputs is 0 on one side and 1e-14 on the other) an absolute bound. */
  static final double ABSOLUTE_TOLERANCE = 1e-12;

  /** Equal JSON, except that numbers (and numeric texts: derived decimals) may differ within the tolerance. */
  static boolean close(JsonNode a, JsonNode b) {
    return close(a, b, true);
  }

  /**
   * Equal JSON where numbers compare as doubles ({@code 100} and {@code 100.0} are equal: Hive Gateway
   * writes a response again in JavaScript, which drops the {@code .0} a Java subgraph writes).
   */
  static boolean sameNumbers(JsonNode a, JsonNode b) {
    return close(a, b, false);
  }

  private static boolean close(JsonNode a, JsonNode b, boolean tolerant) {
    if (a.isNumber() && b.isNumber()) {
      return tolerant ? close(a.doubleValue(), b.doubleValue()) : a.doubleValue() == b.doubleValue();
    }
    if (a.isString() && b.isString()) {
      if (a.stringValue().equals(b.stringValue())) {
        return true;
      }
      if (!tolerant) {
        return false;
      }
      try {
        return close(Double.parseDouble(a.stringValue()), Double.parseDouble(b.stringValue()));
      } catch (NumberFormatException notNumbers) {
        return false;
      }
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!close(a.get(i), b.get(i), tolerant)) {
          return false;
        }
      }
      return true;
    }
    if (a.isObject() && b.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (String name : a.propertyNames()) {
        if (b.get(name) == null || !close(a.get(name), b.get(name), tolerant)) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  static boolean close(double a, double b) {
    double difference = Math.abs(a - b);
    return a == b || difference <= ABSOLUTE_TOLERANCE
        || difference <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
  }

  static final String DATA = "query($id: ID!, $from: Date, $to: Date, $asOf: Date) { series(id: $id) {"
      + " data(from: $from, to: $to, asOf: $asOf) { dates values count } } }";
  static final String OBSERVATIONS = "query($id: ID!, $from: Date, $to: Date, $asOf: Date, $first: Int, $after: String)"
      + " { series(id: $id) { observations(from: $from, to: $to, asOf: $asOf, first: $first, after: $after) {"
      + " nodes { date value revisionDate } edges { cursor node { date } } totalCount"
      + " pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }";
  static final String LATEST = "query($id: ID!, $asOf: Date) { series(id: $id) { id latest(asOf: $asOf)"
      + " { date value revisionDate } } }";

  static final String DERIVED = "query($id: ID!, $from: Date, $asOf: Date, $transform: Transform,"
      + " $frequency: Frequency, $aggregation: Aggregation, $weekEnding: DayOfWeek) { series(id: $id) {"
      + " data(from: $from, asOf: $asOf, transform: $transform, frequency: $frequency, aggregation: $aggregation,"
      + " weekEnding: $weekEnding) { dates values count } } }";
  static final String PANEL = "query($id: ID!, $v: [Date!]!, $transform: Transform) { series(id: $id) {"
      + " vintagePanel(vintageDates: $v, transform: $transform) { dates vintageDates values decimals } } }";

  private IdenticalCheck() {}

  /** @return notes for the report (derived reads Almanac does not answer yet) */
  static List<String> run(Http http, Dataset dataset, String[] ids, URI almanac, URI baseline, URI almanacGateway,
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
    try {
      derived(http, dataset, ids, almanac, baseline, report);
      return List.of();
    } catch (NotAvailable e) {
      return List.of("Derived reads (transforms, aggregation, vintage panels) not compared in the identical-data"
          + " check: Almanac answered " + e.getMessage());
    }
  }

  /**
   * Transforms, aggregations and vintage panels on every kind of series, compared within the tolerance
   * (vintage panels without steps exactly). Aggregations are asked without {@code from}/{@code to}: how a
   * range cuts a period is not compared.
   */
  private static void derived(Http http, Dataset dataset, String[] ids, URI almanac, URI baseline, Report report) {
    List<Integer> daily = dataset.dailyIndices();
    Map<String, Object> plain = vars("id", ids[daily.get(0)]);
    Map<String, Object> change = vars("id", ids[daily.get(0)], "transform", "CHANGE");
    if (almanacData(http, almanac, DERIVED, change).equals(almanacData(http, almanac, DERIVED, plain))) {
      throw new NotAvailable("with the stored values, ignoring the transform argument, to " + change);
    }
    Set<Integer> dailySeries = new LinkedHashSet<>(daily.subList(0, Math.min(3, daily.size())));
    daily.stream().filter(i -> i % 50 == 7).findFirst().ifPresent(dailySeries::add); // ends with missing values
    dailySeries.add(daily.get(daily.size() - 1));
    for (int index : dailySeries) {
      Dataset.SeriesPoints points = dataset.series(index);
      String mid = LocalDate.ofEpochDay((points.dates()[0] + points.dates()[points.size() - 1]) / 2L).toString();
      derived(http, report, vars("id", ids[index], "transform", "PERCENT_CHANGE_FROM_YEAR_AGO"), almanac, baseline);
      derived(http, report, vars("id", ids[index], "transform", "PERCENT_CHANGE_FROM_YEAR_AGO", "from", mid), almanac,
          baseline);
      derived(http, report, vars("id", ids[index], "transform", "CHANGE"), almanac, baseline);
      derived(http, report, vars("id", ids[index], "transform", "CONTINUOUSLY_COMPOUNDED_ANNUAL"), almanac, baseline);
      derived(http, report, vars("id", ids[index], "frequency", "WEEKLY", "aggregation", "SUM"), almanac, baseline);
    }
    String longSeries = ids[0];
    derived(http, report, vars("id", longSeries, "frequency", "MONTHLY", "aggregation", "AVERAGE"), almanac, baseline);
    derived(http, report, vars("id", longSeries, "frequency", "QUARTERLY", "aggregation", "END_OF_PERIOD"), almanac,
        baseline);
    derived(http, report, vars("id", longSeries, "frequency", "BIWEEKLY", "weekEnding", "MONDAY"), almanac, baseline);
    derived(http, report, vars("id", longSeries, "frequency", "ANNUAL", "transform", "PERCENT_CHANGE"), almanac,
        baseline);
    List<Integer> revised = dataset.revisedIndices();
    for (int index : revised.subList(0, Math.min(2, revised.size()))) {
      Dataset.SeriesPoints points = dataset.series(index);
      String asOf = asOfDates(points).get(3);
      for (String transform : List.of("LEVEL", "CHANGE", "CHANGE_FROM_YEAR_AGO", "PERCENT_CHANGE",
          "PERCENT_CHANGE_FROM_YEAR_AGO", "COMPOUNDED_ANNUAL_RATE", "CONTINUOUSLY_COMPOUNDED",
          "CONTINUOUSLY_COMPOUNDED_ANNUAL", "NATURAL_LOG")) {
        derived(http, report, vars("id", ids[index], "transform", transform, "asOf", asOf), almanac, baseline);
      }
      derived(http, report, vars("id", ids[index], "frequency", "QUARTERLY", "asOf", asOf), almanac, baseline);
      derived(http, report, vars("id", ids[index], "frequency", "ANNUAL", "aggregation", "SUM", "transform",
          "PERCENT_CHANGE_FROM_YEAR_AGO"), almanac, baseline);
    }
    int vintages = dataset.spec().vintageCount();
    List<String> panelDates = new ArrayList<>();
    for (int v : new int[] {vintages - 1, 0, vintages / 3, vintages / 3, vintages / 2 + 1}) {
      panelDates.add(Dataset.vintageDate(v).toString());
    }
    panelDates.add(LocalDate.of(1999, 1, 1).toString()); // before anything was published
    report.compare("vintagePanel", "series #1 " + panelDates, almanacData(http, almanac, PANEL,
        vars("id", ids[1], "v", panelDates)), http.data(baseline, PANEL, vars("id", ids[1], "v", panelDates)));
    Map<String, Object> changes = vars("id", ids[1], "v", panelDates, "transform", "CHANGE");
    report.compareDerived("vintagePanel derived", changes.toString(), almanacData(http, almanac, PANEL, changes),
        http.data(baseline, PANEL, changes));
  }

  private static void derived(Http http, Report report, Map<String, Object> variables, URI almanac, URI baseline) {
    JsonNode a = almanacData(http, almanac, DERIVED, variables);
    report.compareDerived("data derived", variables.toString(), a, http.data(baseline, DERIVED, variables));
  }

  /** Almanac's {@code data} for a read it may not answer yet (issue 13's steps being built). */
  private static JsonNode almanacData(Http http, URI almanac, String query, Map<String, Object> variables) {
    Http.Response response = http.graphql(almanac, Http.graphqlBody(query, variables));
    String refusal = Bench.refusal(response);
    if (refusal != null) {
      throw new NotAvailable(refusal + " to " + variables);
    }
    return response.json().path("data");
  }

  private static final class NotAvailable extends RuntimeException {
    NotAvailable(String message) {
      super(message);
    }
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
