package io.almanac.crawler.releases;

/**
 * The {@code Release} entity's stored fields; named like its GraphQL type for the federation resolver.
 * Hand-written: it carries the provider's id (resolved to {@code provider} by a loader), where the generated
 * type holds a Provider, and its series, dates and next date have their own fetchers.
 */
public record Release(String id, long providerId, String name, String link, String notes) {

  public long numericId() {
    return Long.parseLong(id);
  }
}
