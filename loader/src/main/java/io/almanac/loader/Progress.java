package io.almanac.loader;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Points done out of the total, with points/s and the time left: a progress bar (me.tongfei:progressbar) on a
 * terminal, otherwise (a log, a pipe, a test) a plain line at most every {@code PLAIN_EVERY}, and at the end.
 * Both on standard error, so standard output keeps only the summary.
 */
interface Progress extends AutoCloseable {

  Duration PLAIN_EVERY = Duration.ofSeconds(2);

  /** {@code points} more were handled (sent, skipped or rejected before sending). */
  void advance(long points);

  @Override
  void close();

  static Progress to(PrintStream err, long total, boolean terminal) {
    return terminal ? new Bar(err, total) : new Lines(err, total);
  }

  final class Bar implements Progress {
    private final ProgressBar bar;

    Bar(PrintStream err, long total) {
      bar = new ProgressBarBuilder().setTaskName("Loading").setInitialMax(total).setUnit(" points", 1)
          .showSpeed().setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
          .setConsumer(new ConsoleProgressBarConsumer(err)).build();
    }

    @Override
    public void advance(long points) {
      bar.stepBy(points);
    }

    @Override
    public void close() {
      bar.close();
    }
  }

  final class Lines implements Progress {
    private final PrintStream err;
    private final long total;
    private final long started = System.nanoTime();
    private long done;
    private long printedAt = System.nanoTime();

    Lines(PrintStream err, long total) {
      this.err = err;
      this.total = total;
    }

    @Override
    public void advance(long points) {
      done += points;
      if (System.nanoTime() - printedAt >= PLAIN_EVERY.toNanos()) {
        print();
      }
    }

    private void print() {
      printedAt = System.nanoTime();
      double seconds = (printedAt - started) / 1e9;
      double rate = seconds > 0 ? done / seconds : 0;
      long left = Math.max(0, total - done);
      String eta = rate > 0 ? formatDuration(Duration.ofSeconds(Math.round(left / rate))) : "?";
      err.printf("Loading: %,d / %,d points (%d%%), %,.0f points/s, ETA %s%n", done, total,
          total == 0 ? 100 : Math.min(100, done * 100 / total), rate, eta);
    }

    @Override
    public void close() {
      print();
    }

    private static String formatDuration(Duration d) {
      return String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }
  }
}
