package io.almanac.financial.vintages;

import io.almanac.financial.generated.types.Frequency;
import io.almanac.financial.observations.SeriesReads;
import io.almanac.financial.observations.SeriesView;
import io.almanac.financial.observations.ViewRequest;
import io.almanac.store.SeriesHistory;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

/**
 * The vintage matrix of one series (ALFRED output type 2): for each requested vintage, the view
 * {@link SeriesReads} gives with {@code asOf} = that vintage, aligned on the ascending union of their
 * dates. Position {@code (v, d)} is the value of date {@code d} as of vintage {@code v}, missing where that
 * vintage had not published it. Used by the {@code vintagePanel} field and the vintages export.
 */
public final class VintagePanel {

  private final List<LocalDate> vintageDates;
  private final int[] epochDays;
  private final SeriesView[] views;
  /** {@code positions[v][d]}: the position of date {@code d} in {@code views[v]}, -1 where absent. */
  private final int[][] positions;

  private VintagePanel(List<LocalDate> vintageDates, int[] epochDays, SeriesView[] views, int[][] positions) {
    this.vintageDates = vintageDates;
    this.epochDays = epochDays;
    this.views = views;
    this.positions = positions;
  }

  /**
   * @param steps the range and the steps applied to each vintage's view (its {@code asOf} is replaced)
   */
  public static VintagePanel build(SeriesHistory history, Frequency own, List<LocalDate> vintageDates,
      ViewRequest steps) {
    SeriesView[] views = new SeriesView[vintageDates.size()];
    for (int v = 0; v < views.length; v++) {
      views[v] = SeriesReads.read(history, own, steps.withAsOf(vintageDates.get(v)));
    }
    int[] union = unionOfDates(views);
    int[][] positions = new int[views.length][];
    for (int v = 0; v < views.length; v++) {
      int[] at = new int[union.length];
      Arrays.fill(at, -1);
      SeriesView view = views[v];
      for (int i = 0, d = 0; i < view.size(); i++) {
        int day = view.epochDay(i);
        while (union[d] < day) {
          d++;
        }
        at[d] = i;
      }
      positions[v] = at;
    }
    return new VintagePanel(List.copyOf(vintageDates), union, views, positions);
  }

  private static int[] unionOfDates(SeriesView[] views) {
    int total = 0;
    for (SeriesView view : views) {
      total += view.size();
    }
    int[] all = new int[total];
    int n = 0;
    for (SeriesView view : views) {
      for (int i = 0; i < view.size(); i++) {
        all[n++] = view.epochDay(i);
      }
    }
    Arrays.sort(all);
    int distinct = 0;
    for (int i = 0; i < all.length; i++) {
      if (i == 0 || all[i] != all[i - 1]) {
        all[distinct++] = all[i];
      }
    }
    return Arrays.copyOf(all, distinct);
  }

  public List<LocalDate> vintageDates() {
    return vintageDates;
  }

  /** Number of dates (columns). */
  public int dateCount() {
    return epochDays.length;
  }

  /** Date {@code d}, in days since 1970-01-01, ascending. */
  public int epochDay(int d) {
    return epochDays[d];
  }

  /** The value of date {@code d} as of vintage {@code v}, NaN where not published or missing. */
  public double value(int v, int d) {
    int at = positions[v][d];
    return at < 0 ? Double.NaN : views[v].doubleValue(at);
  }

  /** The exact value of date {@code d} as of vintage {@code v}, null where not published or missing. */
  public BigDecimal decimal(int v, int d) {
    int at = positions[v][d];
    return at < 0 ? null : views[v].value(at);
  }
}
