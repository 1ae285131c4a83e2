package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway's explorer page, opened in headless Chromium with the network closed to everything but
 * this machine: it must render, run a query and show the answer, and list the example operations of
 * gateway-config/examples/ as a collection, one of which it runs (gateway-config/check-graphiql.mjs).
 */
@ExtendWith(RunningAlmanac.class)
class GraphiqlInBrowserTest {

  @Test
  void explorerRendersOfflineRunsAQueryAndListsTheExamples() throws IOException, InterruptedException {
    RunningAlmanac.Almanac almanac = RunningAlmanac.get();
    Path screenshot = Path.of("target/graphiql.png").toAbsolutePath();
    // Anonymous reads are off in this stack: the page's requests carry a key, as an analyst's would.
    String log = NodeScript.run("check-graphiql.mjs", "graphiql-check.log",
        Map.of("CHECK_AUTHORIZATION", almanac.stack().adminAuthorization(), "CHECK_EXAMPLE", "Search",
            "CHECK_TIMEOUT_MS", "75000"),
        Duration.ofSeconds(90), almanac.stack().gateway().toString(), screenshot.toString(),
        "{ searchSeries(query: \"equity\") { totalCount nodes { title } } }");
    assertThat(log).contains("Broad Equity Index (demo)");
    assertThat(Files.size(screenshot)).isGreaterThan(10_000);

    List<String> titles = ExplorerExamplesTest.titles();
    assertThat(log).contains("examples: [\"" + String.join("\",\"", titles) + "\"]");
    // The Search example's default text is "price": the demo's CPI.
    assertThat(log).contains("example Search:").contains("Consumer Price Index for All Urban Consumers (demo)");
    assertThat(Files.size(Path.of("target/graphiql-examples.png"))).isGreaterThan(10_000);
  }
}
