package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway's explorer page, opened in headless Chromium with the network closed to everything but
 * this machine: it must render, run a query and show the answer (gateway-config/check-graphiql.mjs).
 */
@ExtendWith(RunningAlmanac.class)
class GraphiqlInBrowserTest {

  @Test
  void explorerRendersOfflineAndRunsAQuery() throws IOException, InterruptedException {
    RunningAlmanac.Almanac almanac = RunningAlmanac.get();
    Path home = Path.of("..").toAbsolutePath().normalize();
    Path screenshot = Path.of("target/graphiql.png").toAbsolutePath();
    Path output = Path.of("target/graphiql-check.log").toAbsolutePath();
    Files.createDirectories(screenshot.getParent());
    ProcessBuilder builder = new ProcessBuilder(List.of("node", home.resolve("gateway-config/check-graphiql.mjs").toString(),
        almanac.stack().gateway().toString(), screenshot.toString(),
        "{ searchSeries(query: \"equity\") { totalCount nodes { title } } }"))
        .redirectErrorStream(true)
        .redirectOutput(output.toFile());
    // Anonymous reads are off in this stack: the page's requests carry a key, as an analyst's would.
    builder.environment().put("CHECK_AUTHORIZATION", almanac.stack().adminAuthorization());
    Process check = builder.start();
    boolean finished = check.waitFor(90, TimeUnit.SECONDS);
    if (!finished) {
      check.destroyForcibly();
    }
    String log = Files.readString(output, StandardCharsets.UTF_8);
    assertThat(finished).as("browser check finished; output:\n%s", log).isTrue();
    assertThat(check.exitValue()).as("browser check output:\n%s", log).isZero();
    assertThat(log).contains("Broad Equity Index (demo)");
    assertThat(Files.size(screenshot)).isGreaterThan(10_000);
  }
}
