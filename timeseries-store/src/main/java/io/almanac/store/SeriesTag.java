package io.almanac.store;

import java.util.Objects;

/**
 * One tag of a series, as FRED tags its series: a {@code name} ({@code "gdp"}, {@code "usa"}) and an optional
 * {@code group} ({@code "geo"}, {@code "source"}, {@code "concept"}, {@code "seas"}); null when ungrouped.
 */
public record SeriesTag(String name, String group) {

  public SeriesTag {
    Objects.requireNonNull(name, "name");
  }
}
