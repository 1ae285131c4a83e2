package io.almanac.e2e;

import io.almanac.local.DemoDataset;
import io.almanac.local.GraphQLClient;
import io.almanac.local.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * Starts the whole service once for all end-to-end test classes (free ports, a fresh embedded
 * PostgreSQL and warehouse, the demo dataset loaded through the gateway) and stops every process
 * when the test run ends.
 */
public final class RunningAlmanac implements BeforeAllCallback {

  /** The started stack and what the demo loader returned. */
  public record Almanac(LocalStack stack, DemoDataset.Loaded demo, GraphQLClient gateway)
      implements AutoCloseable {
    @Override
    public void close() {
      stack.close();
    }
  }

  private static Almanac current;

  public static Almanac get() {
    return current;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Almanac started = context.getRoot().getStore(Namespace.GLOBAL).getOrComputeIfAbsent("almanac", key -> {
      try {
        Path home = Path.of("..").toAbsolutePath().normalize();
        // Under target/: a failed run's logs stay to read, and mvn clean removes them.
        Path runDir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "almanac-e2e");
        // A generous gateway timeout: these scenarios test answers, not timeouts, and a cold first read on
        // a busy build machine can take longer than the 10 s default (SubgraphDownTest tests timeouts).
        LocalStack stack = LocalStack.start(new LocalStack.Options(home, runDir, null, null, null, 0, 0, 0, 0, false,
            Map.of("ALMANAC_UPSTREAM_TIMEOUT", "60000")));
        GraphQLClient gateway = new GraphQLClient(stack.gateway(), stack.adminAuthorization());
        return new Almanac(stack, DemoDataset.load(gateway), gateway);
      } catch (Exception e) {
        throw new IllegalStateException("Starting Almanac failed", e);
      }
    }, Almanac.class);
    current = started;
  }
}
