package io.almanac.financial.warmup;

import com.netflix.graphql.dgs.context.DgsContext;
import com.netflix.graphql.dgs.internal.DefaultDgsGraphQLContextBuilder;
import com.netflix.graphql.dgs.internal.DgsDataLoaderProvider;
import com.netflix.graphql.dgs.internal.DgsWebMvcRequestData;
import graphql.ExecutionResult;
import io.almanac.financial.observations.ObservationHistories;
import io.almanac.graphql.auth.Caller;
import io.almanac.graphql.auth.Callers;
import io.almanac.graphql.auth.Role;
import io.almanac.store.SeriesDirectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.graphql.ExecutionGraphQlService;
import org.springframework.graphql.support.DefaultExecutionGraphQlRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Warms the read path before the process reports ready: a JVM that has served no read loads the read path's
 * classes on its first requests and runs them interpreted while the JIT compiles (measured: the first 60 cold
 * reads of a fresh financial subgraph took about twice the baseline's p50). So at start this runs the reads a
 * client sends ({@code series(id) { data { dates values count } latest { date value } }}, executed in process
 * through the same GraphQL service, instrumentations and data loaders, and written to JSON as a response is)
 * over series of the observations table it finds, spread over their ids.
 *
 * <p>Bounded: at most {@code almanac.financial.warmup.max-reads} reads and {@code max-time} (the process reports
 * ready when either is reached, also when a read hangs: the runner stops waiting at the deadline); memory: each
 * history read is dropped from the cache after its read (the warm-up keeps nothing, so it neither evicts what
 * clients read nor makes a series look warm to them), so at most one read's data (itself under the response
 * limit) is held at a time. A summary line is logged; a failed read is logged and counted, and three end it.
 */
@Component
public class ReadPathWarmup implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(ReadPathWarmup.class);

  static final String DOCUMENT = "query($id: ID!) { series(id: $id) { data { dates values count } latest { date value } } }";
  /** Failed reads after which the warm-up stops (a broken table is the readiness check's business). */
  static final int MAX_FAILURES = 3;
  /** Who the warm-up reads as: a viewer without a user or key (it sends no credentials and makes none). */
  private static final Caller WARMUP = new Caller(null, null, Role.VIEWER);

  /** What a warm-up did: why it stopped is {@code reads}, {@code time}, {@code failures} or {@code no series}. */
  public record Result(int reads, int series, long points, int failures, Duration took, String stoppedBy) {}

  private final boolean enabled;
  private final int maxReads;
  private final Duration maxTime;
  private final SeriesDirectory directory;
  private final ObservationHistories histories;
  private final ExecutionGraphQlService graphql;
  private final DefaultDgsGraphQLContextBuilder contexts;
  private final DgsDataLoaderProvider dataLoaders;
  private final JsonMapper json;
  private volatile Result startResult;

  public ReadPathWarmup(@Value("${almanac.financial.warmup.enabled:true}") boolean enabled,
      @Value("${almanac.financial.warmup.max-reads:300}") int maxReads,
      @Value("${almanac.financial.warmup.max-time:10s}") Duration maxTime, SeriesDirectory directory,
      ObservationHistories histories, ExecutionGraphQlService graphql, DefaultDgsGraphQLContextBuilder contexts,
      DgsDataLoaderProvider dataLoaders, JsonMapper json) {
    this.enabled = enabled;
    this.maxReads = maxReads;
    this.maxTime = maxTime;
    this.directory = directory;
    this.histories = histories;
    this.graphql = graphql;
    this.contexts = contexts;
    this.dataLoaders = dataLoaders;
    this.json = json;
  }

  /** Runs before Spring Boot publishes readiness: readiness waits for the warm-up, at most {@code max-time}. */
  @Override
  public void run(ApplicationArguments args) throws InterruptedException {
    if (!enabled || maxReads <= 0) {
      log.info("Read-path warm-up: off (almanac.financial.warmup.enabled={}, max-reads={})", enabled, maxReads);
      return;
    }
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "read-warmup");
      t.setDaemon(true);
      return t;
    });
    try {
      Future<Result> running = thread.submit(() -> warm(maxReads, maxTime, stop));
      try {
        startResult = running.get(maxTime.toMillis() + 1_000, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        stop.set(true); // a read outlived the deadline: stop after it, do not delay readiness further
        log.warn("Read-path warm-up: still reading {} after its deadline; ready without it", maxTime);
      } catch (ExecutionException e) {
        log.warn("Read-path warm-up failed; ready without it", e.getCause());
      }
    } finally {
      thread.shutdown();
    }
  }

  /** The start-up warm-up's result; null while it runs, when off, or when it did not finish in time. */
  public Result startResult() {
    return startResult;
  }

  /**
   * Reads series of the observations table (spread over their ids, cycling when there are fewer than
   * {@code reads}) until {@code reads} reads, {@code time} or {@link #MAX_FAILURES} failures; logs a summary.
   */
  public Result warm(int reads, Duration time, AtomicBoolean stop) {
    long start = System.nanoTime();
    long deadline = start + time.toNanos();
    List<Long> ids = spread(new ArrayList<>(directory.current().byId().keySet()), reads);
    int done = 0;
    long points = 0;
    int failures = 0;
    String stoppedBy = ids.isEmpty() ? "no series" : "reads";
    for (int i = 0; !ids.isEmpty() && i < reads; i++) {
      if (stop.get() || System.nanoTime() - deadline >= 0) {
        stoppedBy = "time";
        break;
      }
      long id = ids.get(i % ids.size());
      try {
        ExecutionResult result = read(id);
        if (!result.getErrors().isEmpty()) {
          throw new IllegalStateException(result.getErrors().get(0).getMessage());
        }
        json.writeValueAsBytes(result.toSpecification()); // as the response would be written
        Map<String, Object> series = ((Map<String, Map<String, Object>>) result.getData()).get("series");
        if (series != null) {
          points += ((Number) ((Map<?, ?>) series.get("data")).get("count")).longValue();
        }
        done++;
      } catch (RuntimeException e) {
        failures++;
        log.warn("Read-path warm-up: reading series {} failed: {}", id, e.getMessage());
        if (failures >= MAX_FAILURES) {
          stoppedBy = "failures";
          break;
        }
      } finally {
        histories.forget(id);
      }
    }
    Result result = new Result(done, Math.min(ids.size(), done), points, failures,
        Duration.ofNanos(System.nanoTime() - start), stoppedBy);
    log.info(String.format(Locale.ROOT, "Read-path warm-up: %d reads of %d series (%,d points) in %d ms, %d failed;"
            + " stopped by %s (max-reads %d, max-time %s)", result.reads(), result.series(), result.points(),
        result.took().toMillis(), result.failures(), result.stoppedBy(), reads, time));
    return result;
  }

  /** At most {@code count} of {@code ids} (sorted), evenly spaced from the first to the last. */
  static List<Long> spread(List<Long> ids, int count) {
    if (ids.size() <= count) {
      return ids;
    }
    List<Long> picked = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      picked.add(ids.get((int) ((long) i * (ids.size() - 1) / Math.max(1, count - 1))));
    }
    return picked;
  }

  /** One read as a client's request runs it (DGS context and data loaders as the HTTP path builds them). */
  private ExecutionResult read(long seriesId) {
    DefaultExecutionGraphQlRequest request = new DefaultExecutionGraphQlRequest(DOCUMENT, null,
        Map.of("id", String.valueOf(seriesId)), null, "warmup-" + seriesId, Locale.ROOT);
    DgsContext dgs = contexts.build(new DgsWebMvcRequestData(Map.of(), new HttpHeaders(), null));
    request.configureExecutionInput((input, builder) -> builder
        .graphQLContext(dgs)
        .graphQLContext(context -> Callers.establish(context, WARMUP))
        .dataLoaderRegistry(dataLoaders.buildRegistryWithContextSupplier(input::getGraphQLContext))
        .build());
    return graphql.execute(request).block().getExecutionResult();
  }
}
