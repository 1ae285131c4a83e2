package io.almanac.crawler.series;

import java.util.Collection;
import java.util.Map;

/** Which series exist, by id or by key: what validating uploaded points needs to know of the registry. */
public interface SeriesLookup {

  /** The given ids that name a series, with their keys. */
  Map<Long, SeriesKey> existing(Collection<Long> ids);

  /** Ids of the keys that exist. */
  Map<SeriesKey, Long> find(Collection<SeriesKey> keys);
}
