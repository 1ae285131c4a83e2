package io.almanac.financial.search;

import io.almanac.graphql.SharedSchemas;
import java.sql.Date;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Reads of each series through the API (FRED ranks by views): counted in memory as they happen, added to
 * {@code financial.series_reads} (one row per series per UTC day) every {@code almanac.search.reads-flush-interval}
 * (30 s), and the last 30 days' totals read back then, summed over every financial subgraph process. A read
 * counts at once in this process ({@link #popularity} adds what is not flushed yet). While PostgreSQL is away
 * the counts wait in memory for the next flush.
 */
@Component
public class SeriesReadCounts implements DisposableBean {

  static final int WINDOW_DAYS = 30;

  private static final Logger log = LoggerFactory.getLogger(SeriesReadCounts.class);

  private final JdbcTemplate jdbc;
  private final Clock clock;
  private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "almanac-read-counts");
    thread.setDaemon(true);
    return thread;
  });
  /**
   * The flushed totals and the counts being flushed, swapped together so a read is never counted twice or
   * missed while a flush runs.
   */
  private record Flushed(Map<Long, Long> window, Map<Long, LongAdder> flushing) {}

  private volatile ConcurrentHashMap<Long, LongAdder> pending = new ConcurrentHashMap<>();
  private volatile Flushed flushed = new Flushed(Map.of(), Map.of());
  private boolean failing;

  public SeriesReadCounts(DataSource dataSource,
      @Value("${almanac.search.reads-flush-interval:30s}") Duration flushInterval) {
    SharedSchemas.migrate(dataSource, "financial");
    this.jdbc = new JdbcTemplate(dataSource);
    this.clock = Clock.systemUTC();
    long millis = Math.max(100, flushInterval.toMillis());
    flusher.scheduleWithFixedDelay(this::flush, 0, millis, TimeUnit.MILLISECONDS);
  }

  /** Counts one read of a series. */
  public void count(long seriesId) {
    pending.computeIfAbsent(seriesId, id -> new LongAdder()).increment();
  }

  /** Reads of the series in the last 30 days (as of the last flush) plus those not flushed yet. */
  public long popularity(long seriesId) {
    Flushed state = flushed;
    LongAdder unflushed = pending.get(seriesId);
    LongAdder flushing = state.flushing().get(seriesId);
    return state.window().getOrDefault(seriesId, 0L) + (unflushed == null ? 0 : unflushed.sum())
        + (flushing == null ? 0 : flushing.sum());
  }

  /** Adds the pending counts to today's rows and reloads the window. */
  synchronized void flush() {
    ConcurrentHashMap<Long, LongAdder> taken = pending;
    flushed = new Flushed(flushed.window(), taken);
    pending = new ConcurrentHashMap<>();
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    try {
      List<Object[]> rows = new ArrayList<>(taken.size());
      taken.forEach((id, count) -> rows.add(new Object[] {id, Date.valueOf(today), count.sum()}));
      if (!rows.isEmpty()) {
        jdbc.batchUpdate("""
            INSERT INTO financial.series_reads (series_id, day, reads) VALUES (?, ?, ?)
            ON CONFLICT (series_id, day) DO UPDATE SET reads = series_reads.reads + EXCLUDED.reads""", rows);
      }
      jdbc.update("DELETE FROM financial.series_reads WHERE day < ?", Date.valueOf(today.minusDays(WINDOW_DAYS + 1)));
      Map<Long, Long> totals = new HashMap<>();
      jdbc.query("SELECT series_id, SUM(reads) FROM financial.series_reads WHERE day > ? GROUP BY series_id",
          row -> {
            totals.put(row.getLong(1), row.getLong(2));
          }, Date.valueOf(today.minusDays(WINDOW_DAYS)));
      flushed = new Flushed(Map.copyOf(totals), Map.of());
      failing = false;
    } catch (RuntimeException e) {
      // Whether or not the insert went through before the failure, keep the counts (a rare double count
      // beats losing them) for the next flush.
      taken.forEach((id, count) -> pending.computeIfAbsent(id, k -> new LongAdder()).add(count.sum()));
      flushed = new Flushed(flushed.window(), Map.of());
      if (!failing) {
        log.warn("Flushing series read counts failed; they are kept in memory until the next flush: {}", e.toString());
        failing = true;
      }
    }
  }

  @Override
  public void destroy() {
    flusher.shutdownNow();
    flush();
  }
}
