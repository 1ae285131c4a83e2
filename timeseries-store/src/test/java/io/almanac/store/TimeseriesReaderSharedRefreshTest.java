package io.almanac.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Concurrent reads share catalog refreshes ({@code TimeseriesReader.refresh}); each read must still see every
 * commit that completed before it asked for the snapshot (read-your-writes). Commits land one after another
 * while eight threads read; with no compaction, commit {@code i} has Iceberg sequence number {@code i}.
 */
class TimeseriesReaderSharedRefreshTest {

  private static final int COMMITS = 40;
  private static final int READERS = 8;

  @Test
  void everyReadSeesTheCommitsCompletedBeforeItAsked() throws Exception {
    try (EmbeddedCatalog catalog = new EmbeddedCatalog();
        TimeseriesStore store = TimeseriesStore.open(catalog.settings(Duration.ZERO));
        TimeseriesWriter writer = new TimeseriesWriter(store)) {
      TimeseriesReader reader = new TimeseriesReader(store);
      AtomicLong completed = new AtomicLong(); // commits whose futures completed
      AtomicInteger reads = new AtomicInteger();
      ConcurrentLinkedQueue<String> stale = new ConcurrentLinkedQueue<>();
      CountDownLatch done = new CountDownLatch(1);
      List<Thread> readers = new ArrayList<>();
      for (int r = 0; r < READERS; r++) {
        Thread thread = new Thread(() -> {
          while (done.getCount() > 0) {
            long known = completed.get();
            long snapshot = reader.observationsSnapshot();
            long sequence = reader.observationsSequenceNumber(snapshot);
            if (sequence < known) {
              stale.add("read after commit " + known + " got sequence number " + sequence);
            }
            reads.incrementAndGet();
          }
        });
        thread.start();
        readers.add(thread);
      }
      try {
        for (int i = 1; i <= COMMITS; i++) {
          writer.appendObservations("b" + i, List.of(new ObservationRow(7, LocalDate.of(2020, 1, 1).plusDays(i),
              LocalDate.of(2024, 1, 1), BigDecimal.valueOf(i)))).get();
          completed.set(i);
        }
      } finally {
        done.countDown();
        for (Thread thread : readers) {
          thread.join();
        }
      }
      assertThat(stale).isEmpty();
      assertThat(reads.get()).isGreaterThan(COMMITS);
      assertThat(reader.observationsSequenceNumber(reader.observationsSnapshot())).isEqualTo(COMMITS);
    }
  }
}
