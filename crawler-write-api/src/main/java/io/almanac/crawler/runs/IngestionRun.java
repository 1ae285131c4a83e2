package io.almanac.crawler.runs;

import java.time.OffsetDateTime;
import java.util.List;

/** The {@code IngestionRun} entity; named like its GraphQL type for the federation resolver. */
public record IngestionRun(String id, long providerId, String status, OffsetDateTime startedAt,
    OffsetDateTime completedAt, Long durationMs, long recordsIngested, long recordsFailed, String errorMessage,
    Object parameters, List<String> logs) {}
