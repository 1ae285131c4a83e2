package io.almanac.crawler.webhooks;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * The {@code Webhook} type's stored fields (never the secret). Hand-written: ids as numbers for the
 * filters, and {@code deliveries} has its own fetcher.
 */
public record Webhook(String id, String url, List<String> events, List<String> seriesIds, String releaseId,
    String providerId, boolean enabled, int consecutiveFailures, OffsetDateTime createdAt) {

  public long numericId() {
    return Long.parseLong(id);
  }
}
