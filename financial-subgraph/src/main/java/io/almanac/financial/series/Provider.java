package io.almanac.financial.series;

/** A reference to a provider; crawler-write-api owns its other fields. */
public record Provider(String id) {}
