package io.almanac.financial.observations;

import java.util.List;

/**
 * Columnar observations for charts: {@code values.get(i)} (null when missing) belongs to
 * {@code dates.get(i)} (ISO text). Hand-written rather than the generated type because its lists
 * are views over a {@link SeriesView} and its dates are already text (see {@link #of}).
 */
public record SeriesData(List<String> dates, List<Double> values, int count) {

  static SeriesData of(SeriesView view) {
    int size = view.size();
    // ISO text straight away: the Date scalar passes server-made strings through, per-element
    // LocalDate coercion being most of the cost of a large range.
    List<String> dates = LazyList.of(size, i -> IsoDates.format(view.epochDay(i)));
    List<Double> values = LazyList.of(size, i -> {
      double value = view.doubleValue(i);
      return Double.isNaN(value) ? null : value;
    });
    return new SeriesData(dates, values, size);
  }
}
