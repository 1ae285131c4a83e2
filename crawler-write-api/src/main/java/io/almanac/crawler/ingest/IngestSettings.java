package io.almanac.crawler.ingest;

import java.time.Duration;
import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param maxPoints largest number of points accepted in one upload
 * @param zone zone whose calendar day is a point's default revision date
 * @param maxPointsInFlight points that uploads being read, validated and committed may hold at once, over
 *     both paths (GraphQL and HTTP); at least {@code maxPoints}. About 1 KiB of heap a point at the peak
 *     of an upload (received text, rows, archive), so the default 400,000 is about 400 MiB.
 * @param inFlightWait how long an upload waits for room among {@code maxPointsInFlight} before it is
 *     refused with LIMIT_EXCEEDED (HTTP 429 with Retry-After)
 */
@ConfigurationProperties("almanac.ingest")
public record IngestSettings(Integer maxPoints, ZoneId zone, Integer maxPointsInFlight, Duration inFlightWait) {
  public IngestSettings {
    maxPoints = maxPoints == null ? 100_000 : maxPoints;
    zone = zone == null ? ZoneId.of("UTC") : zone;
    maxPointsInFlight = maxPointsInFlight == null ? 4 * maxPoints : maxPointsInFlight;
    inFlightWait = inFlightWait == null ? Duration.ofSeconds(10) : inFlightWait;
    if (maxPoints < 1) {
      throw new IllegalArgumentException("almanac.ingest.max-points must be at least 1, got " + maxPoints);
    }
    if (maxPointsInFlight < maxPoints) {
      throw new IllegalArgumentException("almanac.ingest.max-points-in-flight (" + maxPointsInFlight
          + ") must be at least almanac.ingest.max-points (" + maxPoints + ")");
    }
    if (inFlightWait.isNegative()) {
      throw new IllegalArgumentException("almanac.ingest.in-flight-wait must not be negative, got " + inFlightWait);
    }
  }
}
