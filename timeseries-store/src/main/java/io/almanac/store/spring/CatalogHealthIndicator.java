package io.almanac.store.spring;

import io.almanac.store.TimeseriesStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of the Iceberg catalog and the warehouse storage behind it ({@code iceberg} in
 * {@code /actuator/health}): UP with the observations table's current snapshot when
 * {@link TimeseriesStore#probe()} answers within {@code timeout}, else DOWN with the reason (the exception's
 * class and message, or the timeout). The probe runs on its own daemon thread, so a stalled catalog never
 * holds the caller beyond {@code timeout}; while one probe is still stuck, the next checks do not start
 * another (they report DOWN at once), so a hung catalog costs one thread, not one per check.
 */
public final class CatalogHealthIndicator implements HealthIndicator {

  private final TimeseriesStore store;
  private final Duration timeout;
  private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "iceberg-health");
    thread.setDaemon(true);
    return thread;
  });
  private final AtomicReference<CompletableFuture<Long>> running = new AtomicReference<>();

  public CatalogHealthIndicator(TimeseriesStore store, Duration timeout) {
    this.store = store;
    this.timeout = timeout;
  }

  @Override
  public Health health() {
    CompletableFuture<Long> probe = running.get();
    if (probe != null && !probe.isDone()) {
      return Health.down().withDetail("error", "the previous check has not answered yet").build();
    }
    probe = CompletableFuture.supplyAsync(store::probe, executor);
    running.set(probe);
    String table = store.settings().namespace() + ".observations";
    try {
      long snapshot = probe.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return Health.up().withDetail("table", table).withDetail("snapshot", snapshot).build();
    } catch (TimeoutException e) {
      return Health.down().withDetail("table", table)
          .withDetail("error", "no answer within " + timeout.toMillis() + " ms").build();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return Health.down().withDetail("table", table)
          .withDetail("error", cause.getClass().getSimpleName() + ": " + cause.getMessage()).build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Health.down().withDetail("error", "interrupted").build();
    }
  }
}
