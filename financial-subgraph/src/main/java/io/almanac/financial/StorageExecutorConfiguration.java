package io.almanac.financial;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Data loaders run their storage reads here, not in the common pool, which stalls under I/O. */
@Configuration(proxyBeanMethods = false)
public class StorageExecutorConfiguration {

  public static final String NAME = "storageExecutor";

  @Bean(name = NAME, destroyMethod = "shutdown")
  public ExecutorService storageExecutor() {
    return Executors.newFixedThreadPool(8, runnable -> {
      Thread thread = new Thread(runnable, "storage-read");
      thread.setDaemon(true);
      return thread;
    });
  }
}
