package io.almanac.crawler.releases;

import java.time.LocalDate;

/** A {@code ReleaseDate}: the release is resolved by its loader. */
public record CalendarDate(long releaseId, LocalDate date, boolean published) {}
