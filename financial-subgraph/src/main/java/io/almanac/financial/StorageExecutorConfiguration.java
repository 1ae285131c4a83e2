package io.almanac.financial;

import io.almanac.graphql.observability.MdcTaskDecorator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Data loaders run their storage reads here, not in the common pool, which stalls under I/O. Each task carries
 * the submitting request's MDC (its correlation id) into the worker thread.
 */
@Configuration(proxyBeanMethods = false)
public class StorageExecutorConfiguration {

  public static final String NAME = "storageExecutor";

  @Bean(name = NAME, destroyMethod = "shutdown")
  public ExecutorService storageExecutor(MdcTaskDecorator mdc) {
    // Executors.newFixedThreadPool(8, ...), with every task (execute, submit, CompletableFuture) decorated.
    return new ThreadPoolExecutor(8, 8, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), runnable -> {
      Thread thread = new Thread(runnable, "storage-read");
      thread.setDaemon(true);
      return thread;
    }) {
      @Override
      public void execute(Runnable command) {
        super.execute(mdc.decorate(command));
      }
    };
  }
}
