package io.almanac.crawler.series;

/** Why one input of a list was refused. */
public record InputError(int index, String field, String code, String message) {}
