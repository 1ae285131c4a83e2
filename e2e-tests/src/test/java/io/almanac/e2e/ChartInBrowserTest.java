package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chart page (GET /chart at the gateway) in headless Chromium, offline: gateway-config/check-chart.mjs
 * opens the demo CPI (monthly, revised every February) from 2023, reports what the page drew, hovers a date,
 * types in the search box and picks a result; this test checks that against its own GraphQL reads.
 */
@ExtendWith(RunningAlmanac.class)
class ChartInBrowserTest {

  private static final String FROM = "2023-01-01";
  private static final int DEFAULT_VINTAGES = 5;
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void pageIsOneDocumentThatLoadsNothingElse() throws IOException, InterruptedException {
    URI chart = RunningAlmanac.get().stack().gateway().resolve("/chart");
    HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(chart).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("content-security-policy")).hasValueSatisfying(policy -> assertThat(policy)
        .contains("default-src 'none'").contains("connect-src 'self'").doesNotContain("unsafe-inline"));
    // uPlot and the page's script inlined: no element loads a file, from here or elsewhere.
    assertThat(page.body()).contains("uPlot").doesNotContainPattern("<script[^>]+src=|<link[^>]+stylesheet");
    // Only GET and HEAD are the page's; anything else is the gateway's usual 404.
    HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(chart).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(404);
  }

  @Test
  void chartDrawsTheSeriesWithItsVintagesAndRevisionsOffline() throws IOException, InterruptedException {
    RunningAlmanac.Almanac almanac = RunningAlmanac.get();
    String cpi = almanac.demo().seriesIds().get("CPI");
    String unemployment = almanac.demo().seriesIds().get("UNRATE");
    JsonNode expected = almanac.gateway().data("""
        query($id: ID!, $from: Date!) { series(id: $id) { title vintages data(from: $from) { count values } } }""",
        Map.of("id", cpi, "from", FROM)).path("series");
    List<String> vintages = new ArrayList<>();
    expected.path("vintages").forEach(date -> vintages.add(date.asString()));
    // The view drawn is the latest vintage's; the lighter lines are the ones before it, the newest five.
    List<String> earlier = vintages.subList(Math.max(0, vintages.size() - 1 - DEFAULT_VINTAGES), vintages.size() - 1);
    int nonNull = 0;
    for (JsonNode value : expected.path("data").path("values")) {
      nonNull += value.isNull() ? 0 : 1;
    }

    Path screenshot = Path.of("target/chart.png").toAbsolutePath();
    String log = NodeScript.run("check-chart.mjs", "chart-check.log",
        // Anonymous reads are off in this stack: the check types the key into the page's key field.
        Map.of("CHECK_AUTHORIZATION", almanac.stack().adminAuthorization(), "CHECK_TIMEOUT_MS", "75000"),
        Duration.ofSeconds(90),
        almanac.stack().gateway().toString(), screenshot.toString(), cpi, FROM, "unemploy");
    JsonNode result = JSON.readTree(log.lines().filter(line -> line.startsWith("RESULT ")).findFirst()
        .orElseThrow(() -> new AssertionError("no RESULT line in:\n" + log)).substring("RESULT ".length()));

    // Without a key the page says why, with the API's code, instead of drawing nothing.
    assertThat(result.path("withoutKey").path("state").asString()).isEqualTo("error");
    assertThat(result.path("withoutKey").path("status").asString()).startsWith("UNAUTHENTICATED:");
    assertThat(result.path("csp").asString()).contains("default-src 'none'").contains("connect-src 'self'");

    JsonNode chart = result.path("chart");
    assertThat(chart.path("title").asString()).isEqualTo(expected.path("title").asString());
    assertThat(chart.path("points").asInt()).isEqualTo(expected.path("data").path("count").asInt());
    List<String> drawnVintages = new ArrayList<>();
    chart.path("vintages").forEach(date -> drawnVintages.add(date.asString()));
    assertThat(drawnVintages).hasSize(DEFAULT_VINTAGES).isEqualTo(earlier);
    assertThat(chart.path("selectedVintage").asString()).isEqualTo(vintages.get(vintages.size() - 1));

    // Lines in drawing order: the first releases, the earlier vintages (oldest first), the latest view on top.
    JsonNode lines = chart.path("lines");
    assertThat(lines.size()).isEqualTo(DEFAULT_VINTAGES + 2);
    JsonNode firstRelease = lines.get(0);
    assertThat(firstRelease.path("label").asString()).isEqualTo("first release");
    int vintagePixels = 0;
    for (int i = 0; i < DEFAULT_VINTAGES; i++) {
      JsonNode vintage = lines.get(1 + i);
      assertThat(vintage.path("label").asString()).isEqualTo("as of " + earlier.get(i));
      assertThat(vintage.path("nonNull").asInt()).as("vintage %s has values", earlier.get(i)).isPositive();
      vintagePixels += vintage.path("pixels").asInt();
    }
    JsonNode latest = lines.get(DEFAULT_VINTAGES + 1);
    assertThat(latest.path("label").asString()).isEqualTo("latest");
    assertThat(latest.path("nonNull").asInt()).isEqualTo(nonNull);
    // Drawn, not only computed: the canvas holds pixels of the latest line's colour, of the first releases'
    // (CPI's 2023 was revised in February 2024, so they differ) and of the earlier vintages' (2024's months
    // revised in February 2025 differ from what the autumn 2024 vintages knew).
    assertThat(latest.path("pixels").asInt()).isGreaterThan(500);
    assertThat(firstRelease.path("pixels").asInt()).isGreaterThan(50);
    assertThat(vintagePixels).isGreaterThan(50);

    // Hover: the date, its value, the revision against the first release and the previous vintage, and the
    // published revisions of that date.
    assertThat(result.path("revision").asString())
        .containsPattern("^\\d{4}-\\d{2}-\\d{2}: [\\d,.]+ · ")
        .containsPattern("(first release [\\d,.]+, revised [+−±][\\d,.]+|unrevised since its first release)")
        .contains("vintage of " + earlier.get(earlier.size() - 1))
        .containsPattern("Published \\d+ times?: ");

    // Search as you type lists the matching series, and picking one puts it in the URL and draws it.
    JsonNode search = result.path("search");
    assertThat(search.path("options").get(0).path("id").asString()).isEqualTo(unemployment);
    assertThat(search.path("options").get(0).path("title").asString()).isEqualTo("Unemployment Rate (demo)");
    assertThat(search.path("requests").asInt()).isPositive();
    assertThat(result.path("picked").path("url").asString()).contains("series=" + unemployment).contains("from=" + FROM);
    assertThat(result.path("picked").path("title").asString()).isEqualTo("Unemployment Rate (demo)");

    // Units and frequency from the schema's enums (FRED's codes shown): the picked series as quarterly averages
    // in percent change from a year ago, as many points as the same read gives here.
    List<String> transforms = new ArrayList<>();
    result.path("transforms").forEach(text -> transforms.add(text.asString()));
    assertThat(transforms).contains("pc1: percent change from year ago", "log: natural log", "cca: continuously compounded annual");
    JsonNode transformed = almanac.gateway().data("""
        query($id: ID!, $from: Date!) { series(id: $id) {
          data(from: $from, frequency: QUARTERLY, transform: PERCENT_CHANGE_FROM_YEAR_AGO) { count } } }""",
        Map.of("id", unemployment, "from", FROM)).path("series").path("data");
    assertThat(transformed.path("count").asInt()).isPositive();
    assertThat(result.path("transformed").path("points").asInt()).isEqualTo(transformed.path("count").asInt());
    assertThat(result.path("transformed").path("url").asString())
        .contains("transform=PERCENT_CHANGE_FROM_YEAR_AGO").contains("frequency=QUARTERLY");

    assertThat(result.path("foreignRequests").asInt()).isZero();
    assertThat(Files.size(screenshot)).isGreaterThan(10_000);
  }
}
