package io.almanac.financial.observations;

import io.almanac.store.SeriesHistory;
import io.almanac.store.TimeseriesReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/** Series histories at the table's current snapshot, from the cache when it has them. */
@Service
public class ObservationHistories {

  private final TimeseriesReader reader;
  private final SeriesHistoryCache cache;

  public ObservationHistories(TimeseriesReader reader, @Value("${almanac.financial.cache-max-rows:2000000}") long maxRows) {
    this.reader = reader;
    this.cache = new SeriesHistoryCache(maxRows);
  }

  public Map<Long, SeriesHistory> load(Collection<Long> seriesIds) {
    long snapshot = reader.observationsSnapshot();
    Map<Long, SeriesHistory> result = new HashMap<>();
    List<Long> misses = new ArrayList<>();
    for (Long id : seriesIds) {
      SeriesHistory cached = cache.get(id, snapshot);
      if (cached != null) {
        result.put(id, cached);
      } else {
        misses.add(id);
      }
    }
    if (!misses.isEmpty()) {
      reader.readHistories(misses, snapshot).forEach((id, history) -> {
        cache.put(snapshot, history);
        result.put(id, history);
      });
    }
    return result;
  }
}
