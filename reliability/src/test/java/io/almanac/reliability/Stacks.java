package io.almanac.reliability;

import io.almanac.local.GraphQLClient;
import io.almanac.local.LocalStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Starting a test's own stack, and the series its uploads go to. */
final class Stacks {

  private Stacks() {}

  /** A fresh stack (own embedded PostgreSQL and warehouse under target/), with {@code settings} for every process. */
  static LocalStack start(String name, Map<String, String> settings) throws IOException {
    Path home = Path.of("..").toAbsolutePath().normalize();
    // Absolute: the processes run in the repository root, the test in its module.
    Path runDir = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), name);
    return LocalStack.start(new LocalStack.Options(home, runDir, null, null, null, 0, 0, 0, 0, false, settings));
  }

  /** Creates a provider and {@code count} daily series through the gateway; returns their ids in order. */
  static List<Long> createSeries(GraphQLClient gateway, String prefix, int count) {
    String provider = gateway.data("mutation($name: String!) { createProvider(input: {name: $name, type: API}) { id } }",
        Map.of("name", prefix + " provider")).path("createProvider").path("id").asString();
    List<Map<String, Object>> input = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Map<String, Object> series = new LinkedHashMap<>();
      series.put("providerId", provider);
      series.put("externalId", prefix + "-" + i);
      series.put("title", prefix + " series " + i);
      series.put("frequency", "DAILY");
      input.add(series);
    }
    JsonNode result = gateway.data("""
        mutation($input: [SeriesInput!]!) { upsertSeries(input: $input) { series { id } errors { index code message } } }""",
        Map.of("input", input)).path("upsertSeries");
    if (!result.path("errors").isEmpty()) {
      throw new IllegalStateException("Series refused: " + result.path("errors"));
    }
    List<Long> ids = new ArrayList<>();
    result.path("series").forEach(s -> ids.add(Long.parseLong(s.path("id").asString())));
    return ids;
  }

  /** Every observation of a series through the gateway, date -> value as a plain decimal string. */
  static Map<String, String> readSeries(GraphQLClient gateway, long seriesId) {
    JsonNode data = gateway.data("query($id: ID!) { series(id: $id) { data { dates values } } }",
        Map.of("id", String.valueOf(seriesId))).path("series").path("data");
    Map<String, String> values = new LinkedHashMap<>();
    JsonNode dates = data.path("dates");
    JsonNode numbers = data.path("values");
    for (int i = 0; i < dates.size(); i++) {
      JsonNode v = numbers.get(i);
      values.put(dates.get(i).asString(), v.isNull() ? null : v.decimalValue().stripTrailingZeros().toPlainString());
    }
    return values;
  }
}
