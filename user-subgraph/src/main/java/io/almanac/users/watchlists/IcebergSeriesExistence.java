package io.almanac.users.watchlists;

import io.almanac.store.SeriesDirectory;
import io.almanac.store.SeriesRecord;
import io.almanac.store.spring.TimeseriesStoreConfiguration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Component;

/**
 * {@link SeriesExistence} read from the Iceberg series table through the storage library's in-memory
 * {@link SeriesDirectory} (reloaded when the table has a new snapshot, so a series written before a call is seen).
 * The only class of this module that uses {@code io.almanac.store}; it also brings in the store's configuration.
 */
@Component
@Import(TimeseriesStoreConfiguration.class)
class IcebergSeriesExistence implements SeriesExistence {

  private final SeriesDirectory directory;

  IcebergSeriesExistence(SeriesDirectory directory) {
    this.directory = directory;
  }

  @Override
  public Set<Long> existing(Collection<Long> ids) {
    Map<Long, SeriesRecord> live = directory.current().byId();
    Set<Long> found = new HashSet<>();
    for (Long id : ids) {
      if (live.containsKey(id)) {
        found.add(id);
      }
    }
    return found;
  }

  @Override
  public boolean exists(long id) {
    return directory.current().byId().containsKey(id);
  }
}
