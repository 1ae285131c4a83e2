package io.almanac.crawler.runs;

import io.almanac.crawler.generated.types.OrderDirection;
import io.almanac.crawler.generated.types.RunOrder;
import io.almanac.crawler.generated.types.RunOrderField;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.Cursors;
import java.time.OffsetDateTime;

/**
 * The order of a run list and its keyset cursors. A cursor holds the sort value and id of a page's last
 * run and names the order it belongs to, so a cursor of another order is refused rather than skipping
 * runs. The sort values are those {@link RunRepository#page} orders by.
 *
 * @param byDuration by {@code durationMs} (a running run counts as -1), else by start time
 * @param ascending else descending
 */
record RunPageOrder(boolean byDuration, boolean ascending) {

  private static final String CURSOR_KIND = "run";

  /** The order asked for; null means the schema's default, newest start first. */
  static RunPageOrder of(RunOrder order) {
    return new RunPageOrder(order != null && order.getField() == RunOrderField.DURATION,
        order != null && order.getDirection() == OrderDirection.ASC);
  }

  /** The cursor after {@code run}. */
  String cursor(IngestionRun run) {
    return Cursors.encode(kind(), sortValue(run) + ":" + run.id());
  }

  /**
   * The position a cursor names, or null when {@code cursor} is null.
   *
   * @throws AlmanacGraphQLException {@code BAD_USER_INPUT} (argument {@code after}) for a cursor that is
   *     garbage or belongs to another order
   */
  RunRepository.Position after(String cursor) {
    if (cursor == null) {
      return null;
    }
    String[] parts = Cursors.decode(kind(), cursor).split(":");
    try {
      return new RunRepository.Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
    } catch (RuntimeException e) {
      throw AlmanacGraphQLException.badInput("after", "Invalid cursor '" + cursor + "'");
    }
  }

  /** Duration in milliseconds (-1 while running), or the start in epoch microseconds. */
  long sortValue(IngestionRun run) {
    if (byDuration) {
      return run.durationMs() == null ? -1 : run.durationMs();
    }
    OffsetDateTime t = run.startedAt();
    return t.toEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  private String kind() {
    return CURSOR_KIND + (byDuration ? "-duration" : "-started") + (ascending ? "-asc" : "-desc");
  }
}
