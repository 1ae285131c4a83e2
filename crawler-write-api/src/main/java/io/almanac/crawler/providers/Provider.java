package io.almanac.crawler.providers;

import java.time.OffsetDateTime;

/** The {@code Provider} entity; named like its GraphQL type for the federation resolver. */
public record Provider(String id, String name, String type, String status, String description, OffsetDateTime createdAt) {}
