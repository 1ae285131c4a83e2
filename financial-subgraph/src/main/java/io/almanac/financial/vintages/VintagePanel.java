package io.almanac.financial.vintages;

import io.almanac.financial.generated.types.Frequency;
import io.almanac.financial.generated.types.Transform;
import io.almanac.financial.observations.ResponseLimit;
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
 * vintage had not published it (or published it as missing). Used by the {@code vintagePanel} field and
 * the vintages export.
 *
 * <p>Vintages keep the request's order; a vintage asked twice gives two equal rows (computed once). A
 * panel without steps (the as-of values themselves, what R9 benchmarks) is built in one pass over the
 * history's rows in range, for all vintages at once: for each date, its revisions (ascending) are merged
 * with the distinct vintages (ascending), so the cost is rows + dates x vintages instead of a full as-of
 * selection per vintage. With steps, each distinct vintage goes through {@link SeriesReads#read}.
 */
public final class VintagePanel {

  private final List<LocalDate> vintageDates;
  /** Request position {@code v} -> its distinct vintage {@code j} (vintages ascending). */
  private final int[] distinctOf;
  private final int[] epochDays;
  /**
   * {@code cells[j * dateCount + d]}: where the value of date {@code d} as of distinct vintage {@code j}
   * is, -1 where absent: a row of {@link #history} in a panel without steps, else a position in
   * {@code views[j]}.
   */
  private final int[] cells;
  private final SeriesHistory history;
  private final SeriesView[] views;

  private VintagePanel(List<LocalDate> vintageDates, int[] distinctOf, int[] epochDays, int[] cells,
      SeriesHistory history, SeriesView[] views) {
    this.vintageDates = vintageDates;
    this.distinctOf = distinctOf;
    this.epochDays = epochDays;
    this.cells = cells;
    this.history = history;
    this.views = views;
  }

  /**
   * The panel of {@code vintageDates} (in that order, repeats allowed) over {@code history}.
   *
   * @param own the series' own frequency, for the steps
   * @param steps the range and the steps applied to each vintage's view (its {@code asOf} is replaced)
   * @param limit checked against vintages x dates once the dates are known, before the matrix is made
   * @throws IllegalArgumentException if {@code vintageDates} is empty
   * @throws io.almanac.graphql.AlmanacGraphQLException {@code LIMIT_EXCEEDED} past the limit;
   *     {@code BAD_USER_INPUT} from {@link SeriesReads#read} for steps that do not apply to the series
   */
  public static VintagePanel build(SeriesHistory history, Frequency own, List<LocalDate> vintageDates,
      ViewRequest steps, ResponseLimit limit) {
    return build(history, own, vintageDates, steps, limit, withoutSteps(steps));
  }

  /** {@link #build}, merging once when {@code oneMerge}, else reading every vintage through {@link SeriesReads} (tests compare the two). */
  static VintagePanel build(SeriesHistory history, Frequency own, List<LocalDate> vintageDates, ViewRequest steps,
      ResponseLimit limit, boolean oneMerge) {
    if (vintageDates.isEmpty()) {
      throw new IllegalArgumentException("a vintage panel needs at least one vintage date");
    }
    int[] asked = new int[vintageDates.size()];
    for (int v = 0; v < asked.length; v++) {
      asked[v] = (int) vintageDates.get(v).toEpochDay();
    }
    int[] distinct = Arrays.stream(asked).sorted().distinct().toArray();
    int[] distinctOf = new int[asked.length];
    for (int v = 0; v < asked.length; v++) {
      distinctOf[v] = Arrays.binarySearch(distinct, asked[v]);
    }
    List<LocalDate> requested = List.copyOf(vintageDates);
    return oneMerge
        ? asOfValues(history, requested, distinct, distinctOf, steps.from(), steps.to(), limit)
        : throughSteps(history, own, requested, distinct, distinctOf, steps, limit);
  }

  /**
   * True when the request asks for the as-of values themselves. Any step argument at all, even one
   * {@link SeriesReads} would refuse, takes the general path, so that refusals come from one place.
   */
  private static boolean withoutSteps(ViewRequest steps) {
    return (steps.transform() == null || steps.transform() == Transform.LEVEL) && steps.frequency() == null
        && steps.aggregation() == null && steps.weekEnding() == null && !steps.firstRelease();
  }

  private static VintagePanel asOfValues(SeriesHistory history, List<LocalDate> requested, int[] distinct,
      int[] distinctOf, LocalDate from, LocalDate to, ResponseLimit limit) {
    int start = from == null ? 0 : history.firstRowOnOrAfter((int) from.toEpochDay());
    int end = to == null ? history.size() : history.firstRowOnOrAfter((int) to.toEpochDay() + 1);
    int latestVintage = distinct[distinct.length - 1];
    // Pass 1, the dates: those first published by the latest vintage asked (a date's first row has its
    // earliest revision), so each is in that vintage's view at least.
    int[] days = new int[Math.max(end - start, 0)];
    int dateCount = 0;
    for (int i = start; i < end; i++) {
      if (history.originalRelease(i) && history.revisionEpochDay(i) <= latestVintage) {
        days[dateCount++] = history.epochDay(i);
      }
    }
    limit.checkMatrix(requested.size(), "vintages", dateCount, "dates", "vintagePanel");
    // Pass 2, the cells: for each date, its rows and the vintages, both ascending, merged.
    int[] cells = new int[distinct.length * dateCount];
    Arrays.fill(cells, -1);
    int d = -1;
    for (int i = start; i < end; ) {
      int first = i;
      int day = history.epochDay(i);
      while (i < end && history.epochDay(i) == day) {
        i++;
      }
      if (history.revisionEpochDay(first) > latestVintage) {
        continue;
      }
      d++;
      int current = -1;
      int next = first;
      for (int j = 0; j < distinct.length; j++) {
        while (next < i && history.revisionEpochDay(next) <= distinct[j]) {
          current = next++;
        }
        cells[j * dateCount + d] = current;
      }
    }
    return new VintagePanel(requested, distinctOf, Arrays.copyOf(days, dateCount), cells, history, null);
  }

  private static VintagePanel throughSteps(SeriesHistory history, Frequency own, List<LocalDate> requested,
      int[] distinct, int[] distinctOf, ViewRequest steps, ResponseLimit limit) {
    SeriesView[] views = new SeriesView[distinct.length];
    for (int j = 0; j < views.length; j++) {
      views[j] = SeriesReads.read(history, own, steps.withAsOf(LocalDate.ofEpochDay(distinct[j])));
    }
    int[] union = unionOfDates(views);
    limit.checkMatrix(requested.size(), "vintages", union.length, "dates", "vintagePanel");
    int[] cells = new int[views.length * union.length];
    Arrays.fill(cells, -1);
    for (int j = 0; j < views.length; j++) {
      SeriesView view = views[j];
      int base = j * union.length;
      for (int i = 0, d = 0; i < view.size(); i++) {
        int day = view.epochDay(i);
        while (union[d] < day) {
          d++;
        }
        cells[base + d] = i;
      }
    }
    return new VintagePanel(requested, distinctOf, union, cells, null, views);
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

  /** The vintages, as requested (in request order, repeats kept): one row each. */
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

  /** The value of date {@code d} as of vintage {@code v} (request order), NaN where not published or missing. */
  public double value(int v, int d) {
    int j = distinctOf[v];
    int at = cells[j * epochDays.length + d];
    if (at < 0) {
      return Double.NaN;
    }
    return history != null ? history.doubleValue(at) : views[j].doubleValue(at);
  }

  /**
   * The exact value of date {@code d} as of vintage {@code v} (request order), null where not published or
   * missing: the stored decimal, or for a derived value the shortest decimal that reads back as its double.
   */
  public BigDecimal decimal(int v, int d) {
    int j = distinctOf[v];
    int at = cells[j * epochDays.length + d];
    if (at < 0) {
      return null;
    }
    return history != null ? history.value(at) : views[j].value(at);
  }

  /**
   * {@link #decimal} as plain text ({@link BigDecimal#toPlainString()}), null where not published or
   * missing: a stored value is written from its unscaled long, with no BigDecimal made.
   */
  public String decimalText(int v, int d) {
    int j = distinctOf[v];
    int at = cells[j * epochDays.length + d];
    if (at < 0) {
      return null;
    }
    if (history != null) {
      return history.plainValue(at);
    }
    BigDecimal value = views[j].value(at);
    return value == null ? null : value.toPlainString();
  }
}
