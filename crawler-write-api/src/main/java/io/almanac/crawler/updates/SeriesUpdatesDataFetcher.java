package io.almanac.crawler.updates;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsQuery;
import com.netflix.graphql.dgs.InputArgument;
import io.almanac.crawler.generated.DgsConstants.QUERY;
import io.almanac.crawler.generated.types.Series;
import io.almanac.graphql.Connection;
import io.almanac.graphql.Cursors;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code seriesUpdates}: the feed of {@link SeriesUpdatesLog}, collapsed per series within a page.
 *
 * <p>A page is the rows after the cursor up to (not including) the row that would bring a series
 * beyond {@code first} into it; each series of the page is one item, placed at its latest row and
 * carrying the vintage dates of all its rows in the page. An item's cursor is its latest row's number,
 * so the page's end cursor is its last row: resuming there skips nothing. A series updated again after
 * the page appears again on a later page.
 */
@DgsComponent
public class SeriesUpdatesDataFetcher {

  private static final String CURSOR_KIND = "series-updates";
  /** Rows read per query while filling a page. */
  private static final int CHUNK = 1_000;
  /**
   * Rows a page reads at most: one series updated by a long run of batches would otherwise make one page
   * read them all. The page then ends there, with a next page.
   */
  static final int MAX_ROWS_PER_PAGE = 50_000;
  /** {@code since} before this reads from the beginning; after {@link #LATEST}, nothing. */
  static final OffsetDateTime EARLIEST = OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
  static final OffsetDateTime LATEST = OffsetDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_999, ZoneOffset.UTC);

  /** An item: hand-written, as {@code series} is a reference and the dates keep their type. */
  public record SeriesUpdate(Series series, OffsetDateTime lastUpdated, List<LocalDate> vintageDatesAdded,
      long seq) {}

  private final SeriesUpdatesLog log;

  public SeriesUpdatesDataFetcher(SeriesUpdatesLog log) {
    this.log = log;
  }

  @DgsQuery(field = QUERY.SeriesUpdates)
  public Connection<SeriesUpdate> seriesUpdates(
      @InputArgument(name = QUERY.SERIESUPDATES_INPUT_ARGUMENT.Since) OffsetDateTime since,
      @InputArgument(name = QUERY.SERIESUPDATES_INPUT_ARGUMENT.First) Integer first,
      @InputArgument(name = QUERY.SERIESUPDATES_INPUT_ARGUMENT.After) String after) {
    int size = Cursors.pageSize(first, 100, 1000);
    long position = after == null ? 0 : Cursors.decodeLong(CURSOR_KIND, after);
    // DateTime admits years -999999999 to +999999999; the feed's rows are all within years 1 to 9999.
    if (since.isBefore(EARLIEST)) {
      since = EARLIEST;
    } else if (since.isAfter(LATEST)) {
      return Connection.of(List.of(), 0, after != null, u -> Cursors.encode(CURSOR_KIND, String.valueOf(u.seq())), 0);
    }
    Map<Long, Accumulated> bySeries = new LinkedHashMap<>();
    boolean more = false;
    int read = 0;
    fill:
    while (true) {
      List<SeriesUpdatesLog.Row> rows = log.after(since, position, CHUNK);
      for (SeriesUpdatesLog.Row row : rows) {
        if (!bySeries.containsKey(row.seriesId()) && bySeries.size() == size || read == MAX_ROWS_PER_PAGE) {
          more = true;
          break fill;
        }
        bySeries.computeIfAbsent(row.seriesId(), id -> new Accumulated()).add(row);
        position = row.seq();
        read++;
      }
      if (rows.size() < CHUNK) {
        break;
      }
    }
    List<SeriesUpdate> items = new ArrayList<>(bySeries.size());
    bySeries.forEach((seriesId, acc) -> items.add(new SeriesUpdate(
        Series.newBuilder().id(String.valueOf(seriesId)).build(), acc.lastUpdated, List.copyOf(acc.dates), acc.seq)));
    items.sort((a, b) -> Long.compare(a.seq(), b.seq()));
    if (more) {
      // Connection.of reads a next page from one item more than the page: a marker it drops.
      items.add(null);
    }
    return Connection.of(items, items.size() - (more ? 1 : 0), after != null,
        u -> Cursors.encode(CURSOR_KIND, String.valueOf(u.seq())), log.seriesUpdatedSince(since));
  }

  private static final class Accumulated {
    final TreeSet<LocalDate> dates = new TreeSet<>();
    OffsetDateTime lastUpdated;
    long seq;

    void add(SeriesUpdatesLog.Row row) {
      dates.addAll(row.vintageDates());
      lastUpdated = row.recordedAt();
      seq = row.seq();
    }
  }
}
