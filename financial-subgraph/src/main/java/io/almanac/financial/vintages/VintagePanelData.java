package io.almanac.financial.vintages;

import io.almanac.financial.observations.IsoDates;
import io.almanac.financial.observations.LazyList;
import java.time.LocalDate;
import java.util.List;

/**
 * The {@code VintagePanel} type as GraphQL reads it: lists that are views over a {@link VintagePanel},
 * made element by element while the response is written (a matrix cell costs nothing until then, and a
 * query that selects only {@code values} never makes a decimal). Hand-written rather than the generated
 * type, which would copy the matrix into nested lists up front. Each row of {@code values} and
 * {@code decimals} is a list of scalars, which the scalar-list execution strategy writes in one loop.
 * Dates and decimals are text already (the {@code Date} and {@code Decimal} scalars pass server-made
 * text through): dates as for {@code data}, decimals written from the stored unscaled longs.
 */
public record VintagePanelData(List<String> dates, List<LocalDate> vintageDates, List<List<Double>> values,
    List<List<String>> decimals) {

  static VintagePanelData of(VintagePanel panel) {
    int dates = panel.dateCount();
    int vintages = panel.vintageDates().size();
    return new VintagePanelData(
        LazyList.of(dates, d -> IsoDates.format(panel.epochDay(d))),
        panel.vintageDates(),
        LazyList.of(vintages, v -> LazyList.of(dates, d -> {
          double value = panel.value(v, d);
          return Double.isNaN(value) ? null : value;
        })),
        LazyList.of(vintages, v -> LazyList.of(dates, d -> panel.decimalText(v, d))));
  }
}
