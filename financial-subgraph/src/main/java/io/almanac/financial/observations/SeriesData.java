package io.almanac.financial.observations;

import java.time.LocalDate;
import java.util.List;

/** Columnar observations for charts: {@code values.get(i)} belongs to {@code dates.get(i)}. */
public record SeriesData(List<LocalDate> dates, List<Double> values, int count) {}
