package io.almanac.store;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Executors handed to Iceberg's commits and scans.
 *
 * <p>Iceberg fans the small steps of a commit (writing the new manifest, merging and filtering
 * manifests, writing the manifest list) and of scan planning out to its worker pool and then polls
 * the futures with {@code Thread.sleep(10)} ({@code Tasks.waitFor}, {@code ParallelIterable}). For a
 * table whose manifests are few and cached, each step takes well under a millisecond, so every commit
 * paid several 10 ms sleeps: a 100-point upload waited ~130 ms. Running these steps on the calling
 * thread finishes them before anyone polls.
 */
final class IcebergExecutors {

  /** Runs each task on the thread that submits it; the returned futures are complete at once. */
  static final ExecutorService CALLER_THREAD = new CallerThreadExecutor();

  private IcebergExecutors() {}

  /** Never shut down: it owns no threads. */
  private static final class CallerThreadExecutor extends AbstractExecutorService {

    @Override
    public void execute(Runnable task) {
      task.run();
    }

    @Override
    public void shutdown() {}

    @Override
    public List<Runnable> shutdownNow() {
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return false;
    }
  }
}
