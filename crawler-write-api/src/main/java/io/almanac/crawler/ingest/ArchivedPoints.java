package io.almanac.crawler.ingest;

import io.almanac.store.ObservationRow;
import io.almanac.store.RawBatch;
import io.almanac.store.RawPoint;
import io.almanac.store.TimeseriesReader;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * The archived point that wrote a stored row, for {@code ObservationSource.point}. A batch's archive
 * is read and decoded once into an index of the rows its accepted points wrote (validated again as on
 * the day it was received, as {@link ArchivedWrites} does), kept for {@link #TTL}, so that a page of
 * observations from a few batches costs one archive read per batch, not one per point. Concurrent asks
 * for one batch share its read.
 */
@Component
class ArchivedPoints {

  /** How long a decoded batch is kept: the span of one request and the next few, not more. */
  static final Duration TTL = Duration.ofSeconds(30);
  /** Points held across cached batches (about 150 bytes each); older batches are dropped beyond it. */
  static final long MAX_POINTS = 1_000_000;

  /** A stored row's key. */
  record RowKey(long seriesId, LocalDate date, LocalDate revisionDate) {}

  private record Cached(CompletableFuture<Map<RowKey, RawPoint>> index, long loadedAtNanos, AtomicLong points) {}

  private final TimeseriesReader reader;
  private final PointValidator validator;
  private final IngestSettings settings;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  /** Archive reads made, for tests that check batching. */
  private final AtomicLong reads = new AtomicLong();

  ArchivedPoints(TimeseriesReader reader, PointValidator validator, IngestSettings settings) {
    this.reader = reader;
    this.validator = validator;
    this.settings = settings;
  }

  /** The point of batch {@code batchId} (received at {@code receivedAt}) that wrote {@code key}; null when none did. */
  RawPoint pointThatWrote(String batchId, OffsetDateTime receivedAt, RowKey key) {
    long now = System.nanoTime();
    Cached[] mine = new Cached[1];
    Cached entry = cache.compute(batchId, (id, old) -> {
      if (old != null && now - old.loadedAtNanos() < TTL.toNanos() && !old.index().isCompletedExceptionally()) {
        return old;
      }
      mine[0] = new Cached(new CompletableFuture<>(), now, new AtomicLong());
      return mine[0];
    });
    if (mine[0] != null) {
      try {
        Map<RowKey, RawPoint> index = load(batchId, receivedAt);
        entry.points().set(index.size());
        entry.index().complete(index);
        evict(now);
      } catch (RuntimeException e) {
        entry.index().completeExceptionally(e);
        cache.remove(batchId, entry);
        throw e;
      }
    }
    return entry.index().join().get(key);
  }

  long archiveReads() {
    return reads.get();
  }

  private Map<RowKey, RawPoint> load(String batchId, OffsetDateTime receivedAt) {
    reads.incrementAndGet();
    RawBatch batch = reader.readRawBatch(batchId, receivedAt).orElse(null);
    if (batch == null) {
      return Map.of();
    }
    List<RawPoint> accepted = new ArrayList<>();
    List<ReceivedPoint> received = new ArrayList<>();
    for (RawPoint p : batch.points()) {
      if (p.index() != null && p.errorCode() == null) {
        received.add(ReceivedPoint.of(accepted.size(), p.seriesId(), p.providerId(), p.externalId(), p.date(),
            p.value(), p.revisionDate()));
        accepted.add(p);
      }
    }
    LocalDate receivedDay = receivedAt.atZoneSameInstant(settings.zone()).toLocalDate();
    ValidatedBatch validated = validator.validate(received, receivedDay);
    // Valid rows come in the order of the points that are valid (PointValidator), so they pair up.
    Iterator<ObservationRow> rows = validated.validRows().iterator();
    Map<RowKey, RawPoint> index = new HashMap<>(validated.validRows().size() * 2);
    for (ReceivedPoint p : validated.points()) {
      if (p.errorCode() == null && p.malformed() == null) {
        ObservationRow row = rows.next();
        index.put(new RowKey(row.seriesId(), row.date(), row.revisionDate()), accepted.get(p.index()));
      }
    }
    return index;
  }

  /** Drops expired batches, then the oldest while more than {@link #MAX_POINTS} points are held. */
  private void evict(long now) {
    cache.entrySet().removeIf(e -> now - e.getValue().loadedAtNanos() >= TTL.toNanos());
    long held = cache.values().stream().mapToLong(c -> c.points().get()).sum();
    while (held > MAX_POINTS && cache.size() > 1) {
      Map.Entry<String, Cached> oldest = cache.entrySet().stream()
          .min((a, b) -> Long.compare(a.getValue().loadedAtNanos(), b.getValue().loadedAtNanos())).orElseThrow();
      cache.remove(oldest.getKey(), oldest.getValue());
      held -= oldest.getValue().points().get();
    }
  }
}
