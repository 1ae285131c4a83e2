package io.almanac.crawler.runs;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * The {@code IngestionRun} entity; named like its GraphQL type for the federation resolver. Hand-written:
 * it carries the provider's id, resolved to {@code provider} by a loader, where the generated type holds a Provider.
 */
public record IngestionRun(String id, long providerId, String status, OffsetDateTime startedAt,
    OffsetDateTime completedAt, Long durationMs, long recordsIngested, long recordsFailed, String errorMessage,
    Object parameters, List<String> logs) {}
