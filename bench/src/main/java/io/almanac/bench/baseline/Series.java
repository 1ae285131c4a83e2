package io.almanac.bench.baseline;

/** A series is only its id here (DGS needs the class to be named like the GraphQL type). */
public record Series(String id, long numericId) {}
