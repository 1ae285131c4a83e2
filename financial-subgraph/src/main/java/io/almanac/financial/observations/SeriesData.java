package io.almanac.financial.observations;

import java.util.List;

/** Columnar observations for charts: {@code values.get(i)} belongs to {@code dates.get(i)} (ISO dates). */
public record SeriesData(List<String> dates, List<Double> values, int count) {}
