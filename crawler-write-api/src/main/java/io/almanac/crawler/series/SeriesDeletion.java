package io.almanac.crawler.series;

import io.almanac.store.SeriesDirectory;
import io.almanac.store.SeriesRecord;
import io.almanac.store.TimeseriesWriter;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.springframework.stereotype.Service;

/**
 * Deletes series: observations rewritten away and a tombstone version in the series table (both
 * committed in Iceberg first), then the ids in PostgreSQL. The raw archive keeps what was sent.
 */
@Service
public class SeriesDeletion {

  private final SeriesRegistry registry;
  private final SeriesDirectory directory;
  private final TimeseriesWriter writer;

  public SeriesDeletion(SeriesRegistry registry, SeriesDirectory directory, TimeseriesWriter writer) {
    this.registry = registry;
    this.directory = directory;
    this.writer = writer;
  }

  /** @return false when no series has this id */
  public boolean delete(long seriesId) {
    Map<Long, SeriesKey> found = registry.existing(List.of(seriesId));
    if (found.isEmpty()) {
      return false;
    }
    delete(found);
    return true;
  }

  public void deleteAllOf(long providerId) {
    delete(registry.ofProvider(providerId));
  }

  private void delete(Map<Long, SeriesKey> series) {
    if (series.isEmpty()) {
      return;
    }
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    Map<Long, SeriesRecord> current = directory.current().byId();
    List<SeriesRecord> tombstones = new ArrayList<>();
    series.forEach((id, key) -> {
      SeriesRecord known = current.get(id);
      tombstones.add(known != null ? known.tombstone(now)
          : new SeriesRecord(id, String.valueOf(key.providerId()), key.externalId(), key.externalId(), null, null,
              "DAILY", null, false, now).tombstone(now));
    });
    await(CompletableFuture.allOf(
        writer.deleteObservations(new HashSet<>(series.keySet())),
        writer.upsertSeries(tombstones)));
    registry.delete(series.keySet());
  }

  private static void await(CompletableFuture<?> commit) {
    try {
      commit.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while deleting series", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Deleting series failed", e.getCause());
    }
  }
}
