package io.almanac.crawler.series;

/** How a provider names a series. */
public record SeriesKey(long providerId, String externalId) {}
