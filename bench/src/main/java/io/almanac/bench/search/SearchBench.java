package io.almanac.bench.search;

import io.almanac.local.GraphQLClient;
import io.almanac.local.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import tools.jackson.databind.JsonNode;

/**
 * The search workload of issue 17: {@code ./bench/run.sh --search [--series N] [--queries N]}. Starts Almanac
 * (local-stack), creates N series (100,000 by default) through the gateway's {@code upsertSeries} (2,000 a
 * request) with generated titles, descriptions, units and tags, waits until {@code searchSeries} counts all of
 * them (the index caught up), then times {@code searchSeries} with one or two query words and two filters
 * (a frequency and a tag) through the gateway, client side (request sent to response read), after a warm-up,
 * and prints p50, p95 and p99. The target is p95 <= 50 ms. Deterministic (fixed seed). Stops what it started.
 */
public final class SearchBench {

  static final String[] CONCEPTS = {"gross domestic product", "consumer prices", "unemployment", "industrial production",
      "retail sales", "housing starts", "money supply", "exchange rate", "interest rate", "government debt",
      "exports", "imports", "wages", "productivity", "population", "energy prices", "crédito", "employment",
      "inventories", "construction spending"};
  static final String[] MEASURES = {"index", "rate", "level", "change", "share", "volume", "total", "average"};
  static final String[] REGIONS = regions();
  static final String[] FREQUENCIES = {"MONTHLY", "QUARTERLY", "ANNUAL", "DAILY", "WEEKLY"};
  static final String[] UNITS = {"Percent", "Index 2015=100", "Millions of Dollars", "Thousands of Persons", "Rate"};
  private static final int PER_REQUEST = 2_000;
  private static final int WARM_UP = 50;

  private SearchBench() {}

  private static String[] regions() {
    String[] regions = new String[60];
    for (int i = 0; i < regions.length; i++) {
      regions[i] = "region" + i;
    }
    return regions;
  }

  public static void main(String[] args) throws Exception {
    int series = 100_000;
    int queries = 500;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--search" -> { }
        case "--series" -> series = Integer.parseInt(args[++i]);
        case "--queries" -> queries = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: run.sh --search [--series N] [--queries N]");
          System.exit(2);
        }
      }
    }
    Path home = Path.of(System.getProperty("almanac.home", ".")).toAbsolutePath().normalize();
    Path runDir = Files.createDirectories(home.resolve("bench/target/search-run"));
    log("Starting Almanac (embedded PostgreSQL, three subgraphs, Hive Gateway) ...");
    try (LocalStack stack = LocalStack.start(new LocalStack.Options(home, runDir, null, null, null, 0, 0, 0, 0, false,
        Map.of()))) {
      GraphQLClient gateway = new GraphQLClient(stack.gateway(), stack.adminAuthorization());
      load(gateway, series);
      double[] millis = time(gateway, queries, SEARCH);
      // The same searches straight to the financial subgraph, and a lookup by id through the gateway (the floor of
      // a federated read): where the time goes.
      double[] direct = time(new GraphQLClient(stack.financial(), stack.adminAuthorization()), queries, SEARCH);
      double[] floor = time(gateway, queries, "{ series(id: \"1\") { id title } }");
      System.out.printf(Locale.ROOT, "%nsearchSeries over %,d series, %d queries (query words + frequency + tag filter,"
          + " first 20):%n", series, queries);
      print("through the gateway", millis);
      print("financial subgraph directly", direct);
      print("gateway, series(id) lookup", floor);
      System.out.printf(Locale.ROOT, "target p95 <= 50 ms through the gateway: %s%n",
          percentile(millis, 95) <= 50 ? "met" : "MISSED");
    }
  }

  private static void load(GraphQLClient gateway, int count) {
    String provider = gateway.data("mutation { createProvider(input: {name: \"Search bench\", type: API}) { id } }")
        .path("createProvider").path("id").asString();
    SplittableRandom random = new SplittableRandom(17);
    long started = System.nanoTime();
    for (int from = 0; from < count; from += PER_REQUEST) {
      List<Map<String, Object>> inputs = new ArrayList<>();
      for (int i = from; i < Math.min(count, from + PER_REQUEST); i++) {
        inputs.add(series(provider, i, random));
      }
      JsonNode result = gateway.data("""
          mutation($input: [SeriesInput!]!) { upsertSeries(input: $input) { errors { index code message } } }""",
          Map.of("input", inputs)).path("upsertSeries");
      if (!result.path("errors").isEmpty()) {
        throw new IllegalStateException("Series refused: " + result.path("errors"));
      }
    }
    log(String.format(Locale.ROOT, "Wrote %,d series through upsertSeries in %.1f s", count,
        (System.nanoTime() - started) / 1e9));
    long waiting = System.nanoTime();
    long deadline = waiting + 600_000_000_000L;
    int indexed = 0;
    while (indexed < count && System.nanoTime() - deadline < 0) {
      indexed = gateway.data("{ searchSeries(first: 1) { totalCount } }").path("searchSeries").path("totalCount").asInt();
    }
    if (indexed < count) {
      throw new IllegalStateException("The search index holds " + indexed + " of " + count + " series after 10 min");
    }
    log(String.format(Locale.ROOT, "The search index held all of them %.1f s after the last write",
        (System.nanoTime() - waiting) / 1e9));
  }

  static Map<String, Object> series(String provider, int i, SplittableRandom random) {
    String concept = CONCEPTS[random.nextInt(CONCEPTS.length)];
    String measure = MEASURES[random.nextInt(MEASURES.length)];
    String region = REGIONS[random.nextInt(REGIONS.length)];
    Map<String, Object> input = new HashMap<>();
    input.put("providerId", provider);
    input.put("externalId", "S" + i);
    input.put("title", capitalize(concept) + " " + measure + " for " + region);
    input.put("description", "Generated series " + i + ": " + concept + " (" + measure + ") in " + region + ".");
    input.put("units", UNITS[random.nextInt(UNITS.length)]);
    input.put("frequency", FREQUENCIES[random.nextInt(FREQUENCIES.length)]);
    input.put("seasonalAdjustment", random.nextBoolean() ? "SA" : "NSA");
    input.put("tags", List.of(Map.of("name", region, "group", "geo"), Map.of("name", concept, "group", "concept"),
        Map.of("name", random.nextBoolean() ? "sa" : "nsa", "group", "seas")));
    return input;
  }

  private static String capitalize(String text) {
    return Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  private static final String SEARCH = """
      query($q: String, $f: Frequency, $t: String!) { searchSeries(query: $q,
        filter: {frequency: $f, tags: [$t]}, first: 20) { totalCount nodes { id title } } }""";

  private static void print(String what, double[] millis) {
    System.out.printf(Locale.ROOT, "  %-30s p50 %6.1f ms   p95 %6.1f ms   p99 %6.1f ms   max %6.1f ms%n", what,
        percentile(millis, 50), percentile(millis, 95), percentile(millis, 99), millis[millis.length - 1]);
  }

  /** Latencies in ms of {@code queries} timed calls (after a warm-up), sorted. */
  private static double[] time(GraphQLClient gateway, int queries, String document) {
    SplittableRandom random = new SplittableRandom(42);
    double[] millis = new double[queries];
    long matches = 0;
    for (int i = -WARM_UP; i < queries; i++) {
      String concept = CONCEPTS[random.nextInt(CONCEPTS.length)];
      // One or two words, the second often a prefix, as typed in a search box.
      String[] words = concept.split(" ");
      String query = words.length > 1 && random.nextBoolean() ? words[0] + " " + words[1].substring(0, 3) : words[0];
      Map<String, Object> variables = Map.of("q", query, "f", FREQUENCIES[random.nextInt(FREQUENCIES.length)],
          "t", REGIONS[random.nextInt(REGIONS.length)]);
      long start = System.nanoTime();
      JsonNode answer = gateway.execute(document, variables);
      long took = System.nanoTime() - start;
      if (answer.has("errors")) {
        throw new IllegalStateException("Search failed: " + answer.path("errors"));
      }
      if (i >= 0) {
        millis[i] = took / 1e6;
        matches += answer.path("data").path("searchSeries").path("totalCount").asLong();
      }
    }
    log(String.format(Locale.ROOT, "Timed %d calls to %s after %d to warm up; %.1f matches on average", queries,
        gateway.endpoint(), WARM_UP, (double) matches / queries));
    Arrays.sort(millis);
    return millis;
  }

  static double percentile(double[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
  }

  private static void log(String message) {
    System.out.println("[search-bench] " + message);
  }
}
