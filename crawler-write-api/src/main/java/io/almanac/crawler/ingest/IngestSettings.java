package io.almanac.crawler.ingest;

import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param maxPoints largest number of points accepted in one upload
 * @param zone zone whose calendar day is a point's default revision date
 */
@ConfigurationProperties("almanac.ingest")
public record IngestSettings(Integer maxPoints, ZoneId zone) {
  public IngestSettings {
    maxPoints = maxPoints == null ? 100_000 : maxPoints;
    zone = zone == null ? ZoneId.of("UTC") : zone;
    if (maxPoints < 1) {
      throw new IllegalArgumentException("almanac.ingest.max-points must be at least 1, got " + maxPoints);
    }
  }
}
