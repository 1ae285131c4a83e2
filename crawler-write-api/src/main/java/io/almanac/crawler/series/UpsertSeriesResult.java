package io.almanac.crawler.series;

import java.util.List;

public record UpsertSeriesResult(List<Series> series, List<InputError> errors) {}
