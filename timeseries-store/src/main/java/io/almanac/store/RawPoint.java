package io.almanac.store;

/**
 * One point of an upload exactly as received (raw text, nothing parsed), with the reason it was
 * refused, if it was. {@code index} is null for an error about the whole batch.
 */
public record RawPoint(
    Integer index,
    String seriesId,
    String providerId,
    String externalId,
    String date,
    String value,
    String revisionDate,
    String errorCode,
    String errorMessage) {}
