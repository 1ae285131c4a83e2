package io.almanac.crawler.series;

/** A reference to a series entity; the router resolves its other fields from the financial subgraph. */
public record Series(String id) {}
