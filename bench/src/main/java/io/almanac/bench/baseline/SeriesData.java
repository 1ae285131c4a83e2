package io.almanac.bench.baseline;

import java.time.LocalDate;
import java.util.List;

/** Columnar observations, as Almanac serves them. */
public record SeriesData(List<LocalDate> dates, List<Double> values, int count) {}
