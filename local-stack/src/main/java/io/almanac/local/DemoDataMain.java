package io.almanac.local;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;

/**
 * Loads the demo dataset into a running Almanac through its gateway, once: docker-compose's one-shot
 * {@code demo-data} service. Run from the local-stack exec jar with Spring Boot's PropertiesLauncher:
 * {@code java -Dloader.main=io.almanac.local.DemoDataMain -cp local-stack-exec.jar
 * org.springframework.boot.loader.launch.PropertiesLauncher}.
 *
 * <p>Environment: {@code ALMANAC_GATEWAY_URL} (the gateway's GraphQL URL, default
 * {@code http://127.0.0.1:4000/graphql}) and {@code ALMANAC_BOOTSTRAP_ADMIN_KEY} (an ADMIN key: the data
 * creates providers, series and a user). When the demo's first provider exists already (a second
 * {@code docker compose up}) nothing is loaded. Exit codes: 0 loaded or already there, 1 failed, 2 no key.
 */
public final class DemoDataMain {

  /** The gateway can be up seconds after its container reports healthy; uploads wait for it this long. */
  private static final Duration GATEWAY_WAIT = Duration.ofMinutes(2);

  private DemoDataMain() {}

  public static void main(String[] args) throws InterruptedException {
    String key = System.getenv("ALMANAC_BOOTSTRAP_ADMIN_KEY");
    if (key == null || key.isBlank()) {
      System.err.println("Set ALMANAC_BOOTSTRAP_ADMIN_KEY to an ADMIN key (the one the user subgraph was started with)");
      System.exit(2);
    }
    String url = System.getenv().getOrDefault("ALMANAC_GATEWAY_URL", "http://127.0.0.1:4000/graphql");
    GraphQLClient gateway = new GraphQLClient(URI.create(url), "Bearer " + key.strip());
    try {
      if (alreadyLoaded(gateway)) {
        System.out.println("The demo dataset is already loaded (provider \"Demo Statistics Bureau\" exists).");
        return;
      }
      DemoDataset.Loaded loaded = DemoDataset.load(gateway);
      System.out.printf("Loaded the demo dataset: %d points in %d series through %s.%n",
          loaded.points(), loaded.seriesIds().size(), url);
    } catch (RuntimeException e) {
      System.err.println("Loading the demo dataset through " + url + " failed: " + e.getMessage());
      System.exit(1);
    }
  }

  /** Asks until the gateway answers (within {@link #GATEWAY_WAIT}). */
  private static boolean alreadyLoaded(GraphQLClient gateway) throws InterruptedException {
    Instant deadline = Instant.now().plus(GATEWAY_WAIT);
    while (true) {
      try {
        return !gateway.data("{ providers(search: \"Demo Statistics Bureau\") { nodes { id } } }")
            .path("providers").path("nodes").isEmpty();
      } catch (RuntimeException notYet) {
        if (Instant.now().isAfter(deadline)) {
          throw notYet;
        }
        Thread.sleep(1000); // polling an external service for readiness, not synchronising a test
      }
    }
  }
}
