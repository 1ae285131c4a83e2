package io.almanac.local;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * A deterministic demo dataset that looks like the real thing, loaded through the public GraphQL
 * write path: macro series with vintages (GDP with advance, second and third estimates; CPI and
 * unemployment with annual revisions) and daily market series since 2012. Batch ids are fixed, so
 * loading twice into the same database changes nothing.
 */
public final class DemoDataset {

  /**
   * One point as the bulk mutation takes it: {@code value} is the decimal text the store parses, null for a
   * value published as missing (the daily series' market holidays), published on {@code revisionDate}.
   */
  public record Point(String externalId, LocalDate date, String value, LocalDate revisionDate) {}

  /** One demo series; {@code frequency} is the schema's Frequency name (DAILY, MONTHLY, QUARTERLY). */
  public record SeriesSpec(String externalId, String title, String units, String frequency, String seasonalAdjustment,
      String description) {}

  public record Loaded(String statisticsProviderId, String marketsProviderId, Map<String, String> seriesIds, String userId,
      int points) {}

  private static final int BATCH = 5_000;

  static final List<SeriesSpec> MACRO = List.of(
      new SeriesSpec("GDP_GROWTH", "Real Gross Domestic Product (demo)", "Percent Change at Annual Rate",
          "QUARTERLY", "SAAR", "Quarterly growth with advance, second and third estimates."),
      new SeriesSpec("CPI", "Consumer Price Index for All Urban Consumers (demo)", "Index 1982-1984=100",
          "MONTHLY", "SA", "Monthly index, first release mid-month, revised each February."),
      new SeriesSpec("UNRATE", "Unemployment Rate (demo)", "Percent", "MONTHLY", "SA",
          "Monthly rate, released early the next month, revised each January."));

  static final List<SeriesSpec> MARKETS = List.of(
      new SeriesSpec("EQUITY_INDEX", "Broad Equity Index (demo)", "Index", "DAILY", "NSA", "Daily close."),
      new SeriesSpec("UST10Y", "10-Year Treasury Constant Maturity Yield (demo)", "Percent", "DAILY", "NSA",
          "Daily close."),
      new SeriesSpec("EURUSD", "U.S. Dollars to One Euro (demo)", "USD per EUR", "DAILY", "NSA", "Daily close."));

  /**
   * The demo series' tags (issue 17), FRED-style name and group, by external id: what {@code tags},
   * {@code SeriesFilter.tags} and the search facets show in the demo.
   */
  static final Map<String, List<Map<String, String>>> TAGS = Map.of(
      "GDP_GROWTH", List.of(tag("gdp", "concept"), tag("usa", "geo"), tag("saar", "seas"), tag("quarterly", "freq")),
      "CPI", List.of(tag("cpi", "concept"), tag("price index", "concept"), tag("usa", "geo"), tag("sa", "seas")),
      "UNRATE", List.of(tag("unemployment", "concept"), tag("labor market", "concept"), tag("usa", "geo"),
          tag("sa", "seas")),
      "EQUITY_INDEX", List.of(tag("equities", "concept"), tag("usa", "geo"), tag("nsa", "seas")),
      "UST10Y", List.of(tag("interest rate", "concept"), tag("treasury", "source"), tag("usa", "geo"),
          tag("nsa", "seas")),
      "EURUSD", List.of(tag("exchange rate", "concept"), tag("euro area", "geo"), tag("usa", "geo"), tag("nsa", "seas")));

  private DemoDataset() {}

  private static Map<String, String> tag(String name, String group) {
    return Map.of("name", name, "group", group);
  }

  /** The tags a demo series is given ({@code name}, {@code group}), by its external id. */
  public static List<Map<String, String>> tags(String externalId) {
    return TAGS.getOrDefault(externalId, List.of());
  }

  /** The demo series, macro first, in the order {@link #load} creates them. */
  public static List<SeriesSpec> series() {
    List<SeriesSpec> all = new ArrayList<>(MACRO);
    all.addAll(MARKETS);
    return List.copyOf(all);
  }

  /**
   * Every demo point by series external id (in {@link #series()} order), each list in generation order,
   * the same points {@link #load} writes. For tests that check reads against the demo data without
   * starting the stack.
   */
  public static Map<String, List<Point>> pointsBySeries() {
    Map<String, List<Point>> bySeries = new LinkedHashMap<>();
    series().forEach(s -> bySeries.put(s.externalId(), new ArrayList<>()));
    for (Point p : points()) {
      bySeries.get(p.externalId()).add(p);
    }
    return bySeries;
  }

  /** Every demo point, in a fixed order. */
  static List<Point> points() {
    List<Point> points = new ArrayList<>();
    gdp(points, new SplittableRandom(1));
    cpi(points, new SplittableRandom(2));
    unemployment(points, new SplittableRandom(3));
    dailyWalk(points, "EQUITY_INDEX", 1277.0, 0.0003, 0.011, 2, new SplittableRandom(4), true);
    dailyWalk(points, "UST10Y", 1.97, 0.0, 0.035, 2, new SplittableRandom(5), false);
    dailyWalk(points, "EURUSD", 1.2935, 0.0, 0.005, 4, new SplittableRandom(6), true);
    return points;
  }

  /** Loads the dataset through {@code gateway} and returns the ids it got. */
  public static Loaded load(GraphQLClient gateway) {
    String statistics = provider(gateway, "Demo Statistics Bureau", "API");
    String markets = provider(gateway, "Demo Markets", "STREAM");
    Map<String, String> ids = new LinkedHashMap<>();
    ids.putAll(upsertSeries(gateway, statistics, MACRO));
    ids.putAll(upsertSeries(gateway, markets, MARKETS));
    List<Point> points = points();
    for (int start = 0, n = 0; start < points.size(); start += BATCH, n++) {
      List<Map<String, Object>> batch = new ArrayList<>();
      for (Point p : points.subList(start, Math.min(points.size(), start + BATCH))) {
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("seriesId", ids.get(p.externalId()));
        point.put("date", p.date().toString());
        point.put("value", p.value()); // null: published as missing
        point.put("revisionDate", p.revisionDate().toString());
        batch.add(point);
      }
      JsonNode result = gateway.data("""
          mutation($input: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $input) {
            status summary { failed } errors { index code message } } }""",
          Map.of("input", Map.of("batchId", "demo-" + n, "atomic", true, "points", batch)));
      String status = result.path("bulkUpsertDataPoints").path("status").asString();
      if (!"COMMITTED".equals(status)) {
        throw new IllegalStateException("Demo batch " + n + " was not committed: " + result);
      }
    }
    releases(gateway, statistics, ids, points);
    String userId = gateway.data("""
        mutation { createUser(input: {email: "analyst@demo.almanac", displayName: "Demo Analyst", role: VIEWER}) { id } }""")
        .path("createUser").path("id").asString();
    for (String externalId : List.of("GDP_GROWTH", "CPI", "EQUITY_INDEX")) {
      gateway.data("mutation($s: ID!, $u: ID!) { addToWatchlist(seriesId: $s, userId: $u) { id } }",
          Map.of("s", ids.get(externalId), "u", userId));
    }
    return new Loaded(statistics, markets, ids, userId, points.size());
  }

  /** A demo release: its series, and whether its future dates are quarterly (else monthly). */
  public record ReleaseSpec(String name, List<String> externalIds, boolean quarterly) {}

  public static final List<ReleaseSpec> RELEASES = List.of(
      new ReleaseSpec("Gross Domestic Product (demo)", List.of("GDP_GROWTH"), true),
      new ReleaseSpec("Consumer Prices and Employment (demo)", List.of("CPI", "UNRATE"), false));

  /**
   * Two releases of the statistics bureau with calendars: the last three revision dates of their series
   * (scheduled; the latest also published, by re-sending that vintage's points, unchanged, in an upload
   * naming the release) and future dates from today (UTC): the GDP release quarterly, the other monthly.
   */
  private static void releases(GraphQLClient gateway, String providerId, Map<String, String> ids, List<Point> points) {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    int n = 0;
    for (ReleaseSpec release : RELEASES) {
      String releaseId = gateway.data("""
          mutation($p: ID!, $n: String!) { upsertRelease(input: {providerId: $p, name: $n,
            link: "https://example.org/releases", notes: "Demo release calendar."}) { id } }""",
          Map.of("p", providerId, "n", release.name())).path("upsertRelease").path("id").asString();
      List<Map<String, Object>> members = new ArrayList<>();
      for (SeriesSpec spec : MACRO) {
        if (release.externalIds().contains(spec.externalId())) {
          members.add(Map.of("providerId", providerId, "externalId", spec.externalId(), "title", spec.title(),
              "units", spec.units(), "frequency", spec.frequency(), "seasonalAdjustment", spec.seasonalAdjustment(),
              "description", spec.description(), "releaseId", releaseId));
        }
      }
      gateway.data("mutation($input: [SeriesInput!]!) { upsertSeries(input: $input) { errors { code } } }",
          Map.of("input", members));
      TreeSet<LocalDate> vintages = new TreeSet<>();
      points.stream().filter(p -> release.externalIds().contains(p.externalId())).forEach(p -> vintages.add(p.revisionDate()));
      List<String> dates = new ArrayList<>();
      vintages.descendingSet().stream().limit(3).forEach(d -> dates.add(d.toString()));
      boolean quarterly = release.quarterly();
      for (int i = 1; i <= (quarterly ? 4 : 12); i++) {
        dates.add(today.plusMonths(quarterly ? 3L * i - 2 : i).withDayOfMonth(quarterly ? 26 : 12).toString());
      }
      gateway.data("mutation($r: ID!, $d: [Date!]!) { scheduleReleaseDates(releaseId: $r, dates: $d) { id } }",
          Map.of("r", releaseId, "d", dates));
      LocalDate latest = vintages.last();
      List<Map<String, Object>> republished = new ArrayList<>();
      for (Point p : points) {
        if (release.externalIds().contains(p.externalId()) && p.revisionDate().equals(latest)) {
          Map<String, Object> point = new LinkedHashMap<>();
          point.put("seriesId", ids.get(p.externalId()));
          point.put("date", p.date().toString());
          point.put("value", p.value());
          point.put("revisionDate", p.revisionDate().toString());
          republished.add(point);
        }
      }
      gateway.data("""
          mutation($input: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $input) { status } }""",
          Map.of("input", Map.of("batchId", "demo-release-" + n, "releaseId", releaseId, "points", republished)));
      n++;
    }
  }

  private static String provider(GraphQLClient gateway, String name, String type) {
    return gateway.data("mutation($name: String!, $type: ProviderType!) { createProvider(input: {name: $name, type: $type}) { id } }",
        Map.of("name", name, "type", type)).path("createProvider").path("id").asString();
  }

  private static Map<String, String> upsertSeries(GraphQLClient gateway, String providerId, List<SeriesSpec> specs) {
    List<Map<String, Object>> input = new ArrayList<>();
    for (SeriesSpec s : specs) {
      input.add(Map.of("providerId", providerId, "externalId", s.externalId(), "title", s.title(), "units", s.units(),
          "frequency", s.frequency(), "seasonalAdjustment", s.seasonalAdjustment(), "description", s.description(),
          "tags", tags(s.externalId())));
    }
    JsonNode result = gateway.data("""
        mutation($input: [SeriesInput!]!) { upsertSeries(input: $input) { series { id } errors { index code message } } }""",
        Map.of("input", input)).path("upsertSeries");
    if (!result.path("errors").isEmpty()) {
      throw new IllegalStateException("Demo series refused: " + result.path("errors"));
    }
    Map<String, String> ids = new LinkedHashMap<>();
    for (int i = 0; i < specs.size(); i++) {
      ids.put(specs.get(i).externalId(), result.path("series").get(i).path("id").asString());
    }
    return ids;
  }

  /** Advance estimate ~4 weeks after the quarter ends, second a month later, third two months later. */
  private static void gdp(List<Point> out, SplittableRandom random) {
    for (LocalDate quarter = LocalDate.of(2010, 1, 1); quarter.isBefore(LocalDate.of(2025, 1, 1));
        quarter = quarter.plusMonths(3)) {
      double truth = 2.2 + 1.6 * random.nextGaussian();
      LocalDate advance = quarter.plusMonths(3).plusDays(27);
      out.add(new Point("GDP_GROWTH", quarter, decimal(truth + 0.5 * random.nextGaussian(), 1), advance));
      out.add(new Point("GDP_GROWTH", quarter, decimal(truth + 0.2 * random.nextGaussian(), 1), advance.plusDays(30)));
      out.add(new Point("GDP_GROWTH", quarter, decimal(truth, 1), advance.plusDays(60)));
    }
  }

  /** First release on the 13th of the next month; each February revises the previous year's months. */
  private static void cpi(List<Point> out, SplittableRandom random) {
    double level = 217.0;
    for (LocalDate month = LocalDate.of(2010, 1, 1); month.isBefore(LocalDate.of(2025, 1, 1));
        month = month.plusMonths(1)) {
      level *= 1 + 0.0022 + 0.002 * random.nextGaussian();
      out.add(new Point("CPI", month, decimal(level, 3), month.plusMonths(1).withDayOfMonth(13)));
      out.add(new Point("CPI", month, decimal(level * (1 + 0.0008 * random.nextGaussian()), 3),
          LocalDate.of(month.getYear() + 1, 2, 16)));
    }
  }

  /** Released on the first Friday of the next month; each January revises the previous year's months. */
  private static void unemployment(List<Point> out, SplittableRandom random) {
    double rate = 9.8;
    for (LocalDate month = LocalDate.of(2010, 1, 1); month.isBefore(LocalDate.of(2025, 1, 1));
        month = month.plusMonths(1)) {
      rate = Math.max(3.4, Math.min(14.7, rate - 0.04 + 0.12 * random.nextGaussian()));
      LocalDate release = month.plusMonths(1);
      while (release.getDayOfWeek() != DayOfWeek.FRIDAY) {
        release = release.plusDays(1);
      }
      out.add(new Point("UNRATE", month, decimal(rate, 1), release));
      if (random.nextInt(3) == 0) {
        out.add(new Point("UNRATE", month, decimal(rate + (random.nextBoolean() ? 0.1 : -0.1), 1),
            LocalDate.of(month.getYear() + 1, 1, 10)));
      }
    }
  }

  /** Business days since 2012, published the same day. */
  private static void dailyWalk(List<Point> out, String externalId, double start, double drift, double volatility,
      int scale, SplittableRandom random, boolean multiplicative) {
    double value = start;
    for (LocalDate day = LocalDate.of(2012, 1, 2); day.isBefore(LocalDate.of(2025, 1, 1)); day = day.plusDays(1)) {
      if (day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY) {
        continue;
      }
      double shock = volatility * random.nextGaussian();
      value = multiplicative ? value * Math.exp(drift + shock) : Math.max(0.05, value + drift + shock);
      // Markets close on New Year's Day, Independence Day and Christmas: published as missing, as FRED's
      // daily series publish "." on holidays.
      boolean holiday = day.getMonthValue() == 1 && day.getDayOfMonth() == 1
          || day.getMonthValue() == 7 && day.getDayOfMonth() == 4
          || day.getMonthValue() == 12 && day.getDayOfMonth() == 25;
      out.add(new Point(externalId, day, holiday ? null : decimal(value, scale), day));
    }
  }

  private static String decimal(double value, int scale) {
    return BigDecimal.valueOf(value).setScale(scale, RoundingMode.HALF_EVEN).toPlainString();
  }
}
