package io.almanac.crawler.ingest;

/**
 * The {@code ObservationSource} entity: a batch named by a stored row ({@code Observation.source}). Its
 * other fields are resolved from the ledger and the raw archive by {@link ObservationSourceDataFetcher}.
 * Named like the GraphQL type for the federation resolver.
 */
public record ObservationSource(String batchId) {}
