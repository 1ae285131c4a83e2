/**
 * Reliability tests (issue 14): each class starts the real processes it needs (embedded PostgreSQL,
 * subgraph jars, Hive Gateway) and injects one kind of fault or hostile input. Sizes come from
 * {@link io.almanac.reliability.Sizes}: quick in {@code ./almanac test}, long in {@code ./almanac reliability}.
 */
package io.almanac.reliability;
