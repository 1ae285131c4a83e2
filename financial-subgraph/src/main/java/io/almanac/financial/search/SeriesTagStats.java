package io.almanac.financial.search;

import io.almanac.store.SeriesDirectory;
import io.almanac.store.SeriesRecord;
import io.almanac.store.SeriesTag;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Tags in use and how many live series carry each, counted once per series-table snapshot (a pass over the
 * directory's view: series times their tags) and kept until the next.
 */
@Component
public class SeriesTagStats {

  /** A tag (name and group) and its number of series. */
  record TagCount(SeriesTag tag, int seriesCount) {}

  /** Most used first, then by name, then by group (ungrouped first). */
  static final Comparator<TagCount> ORDER = Comparator.comparingInt(TagCount::seriesCount).reversed()
      .thenComparing(t -> t.tag().name())
      .thenComparing(t -> t.tag().group(), Comparator.nullsFirst(Comparator.naturalOrder()));

  record Stats(long snapshotId, List<TagCount> ordered, Map<SeriesTag, Integer> counts) {}

  private volatile Stats last = new Stats(Long.MIN_VALUE, List.of(), Map.of());

  Stats of(SeriesDirectory.View view) {
    Stats known = last;
    if (known.snapshotId() == view.snapshotId()) {
      return known;
    }
    Map<SeriesTag, Integer> counts = new HashMap<>();
    for (SeriesRecord series : view.byId().values()) {
      for (SeriesTag tag : series.tags()) {
        counts.merge(tag, 1, Integer::sum);
      }
    }
    List<TagCount> ordered = new ArrayList<>(counts.size());
    counts.forEach((tag, count) -> ordered.add(new TagCount(tag, count)));
    ordered.sort(ORDER);
    Stats stats = new Stats(view.snapshotId(), List.copyOf(ordered), Map.copyOf(counts));
    last = stats;
    return stats;
  }
}
