package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.GraphQLClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The crawler examples a newcomer runs ({@code examples/java/Crawler.java} with {@code java}, and
 * {@code examples/python/crawler.py} with {@code python3}, which must be installed: without it this test fails)
 * against the shared stack: each exits 0, and its points are then read through the gateway by this test.
 */
@ExtendWith(RunningAlmanac.class)
class CrawlerExamplesTest {

  @TempDir Path dir;

  private static final Path HOME = Path.of("..").toAbsolutePath().normalize();

  private int run(List<String> command) throws Exception {
    List<String> full = new ArrayList<>(command);
    RunningAlmanac.Almanac almanac = RunningAlmanac.get();
    full.addAll(List.of("--gateway", almanac.stack().gateway().resolve("/").toString().replaceAll("/$", ""),
        "--crawler", almanac.stack().crawler().resolve("/").toString().replaceAll("/$", ""),
        "--key", almanac.stack().adminAuthorization().substring("Bearer ".length())));
    Path log = Files.createTempFile(dir, "example", ".log");
    Process process = new ProcessBuilder(full).directory(HOME.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("the example ended within 3 minutes").isTrue();
    assertThat(process.exitValue()).as("exit code; output:%n%s", Files.readString(log)).isZero();
    return process.exitValue();
  }

  /** The values the provider named {@code provider} holds for {@code externalId}, January to March 2024. */
  private static List<String> stored(String provider, String externalId) {
    GraphQLClient gateway = RunningAlmanac.get().gateway();
    String providerId = null;
    for (JsonNode p : gateway.data("query($s: String) { providers(search: $s) { nodes { id name } } }",
        Map.of("s", provider)).path("providers").path("nodes")) {
      if (p.path("name").asString().equals(provider)) {
        providerId = p.path("id").asString();
      }
    }
    assertThat(providerId).as("provider %s exists", provider).isNotNull();
    JsonNode nodes = gateway.data("""
        query($p: ID!, $x: String!) { seriesByExternalId(providerId: $p, externalId: $x) {
          observations(from: "2024-01-01", to: "2024-03-01") { nodes { date value } } } }""",
        Map.of("p", providerId, "x", externalId)).path("seriesByExternalId").path("observations").path("nodes");
    List<String> values = new ArrayList<>();
    for (JsonNode n : nodes) {
      values.add(n.path("date").asString() + "=" + new java.math.BigDecimal(n.path("value").asString()).stripTrailingZeros().toPlainString());
    }
    return values;
  }

  @Test
  void theJavaCrawlerRunsWithTheJdkAlone() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    run(List.of(java, "examples/java/Crawler.java"));
    assertThat(stored("Example Crawler (Java)", "EXAMPLE_JAVA"))
        .containsExactly("2024-01-01=100.5", "2024-02-01=101.25", "2024-03-01=99.75");
  }

  @Test
  void thePythonCrawlerRunsWithTheStandardLibraryAlone() throws Exception {
    run(List.of("python3", "examples/python/crawler.py"));
    assertThat(stored("Example Crawler (Python)", "EXAMPLE_PYTHON"))
        .containsExactly("2024-01-01=200.5", "2024-02-01=201.25", "2024-03-01=199.75");
  }
}
