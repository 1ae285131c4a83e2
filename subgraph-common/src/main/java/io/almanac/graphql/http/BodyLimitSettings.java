package io.almanac.graphql.http;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Request body limits of every HTTP entry point of a subgraph ({@link BodyLimitFilter}).
 *
 * @param maxBodySize largest body of a request (GraphQL and every endpoint but the streamed ones)
 * @param streamedPaths path prefixes whose endpoints read their body as a stream and stop early by
 *     themselves (the crawler's {@code /bulk/}): limited by {@code maxStreamedBodySize} instead, and never
 *     buffered here
 * @param maxStreamedBodySize largest body of a request to a streamed path
 * @param maxBytesInFlight bodies of other requests being read at once, summed (declared sizes, or
 *     {@code maxBodySize} for a chunked body until it is read); at least {@code maxBodySize}
 * @param inFlightWait how long a request waits for room among {@code maxBytesInFlight} before it is
 *     refused with LIMIT_EXCEEDED (HTTP 429, Retry-After)
 */
@ConfigurationProperties("almanac.http")
public record BodyLimitSettings(DataSize maxBodySize, List<String> streamedPaths, DataSize maxStreamedBodySize,
    DataSize maxBytesInFlight, Duration inFlightWait) {

  public BodyLimitSettings {
    maxBodySize = maxBodySize == null ? DataSize.ofMegabytes(1) : maxBodySize;
    streamedPaths = streamedPaths == null ? List.of() : List.copyOf(streamedPaths);
    maxStreamedBodySize = maxStreamedBodySize == null ? maxBodySize : maxStreamedBodySize;
    maxBytesInFlight = maxBytesInFlight == null ? DataSize.ofBytes(8 * maxBodySize.toBytes()) : maxBytesInFlight;
    inFlightWait = inFlightWait == null ? Duration.ofSeconds(5) : inFlightWait;
    if (maxBodySize.toBytes() < 1 || maxStreamedBodySize.toBytes() < 1) {
      throw new IllegalArgumentException("almanac.http.max-body-size and max-streamed-body-size must be positive");
    }
    if (maxBytesInFlight.toBytes() < maxBodySize.toBytes()) {
      throw new IllegalArgumentException("almanac.http.max-bytes-in-flight (" + maxBytesInFlight
          + ") must be at least almanac.http.max-body-size (" + maxBodySize + ")");
    }
    if (maxBytesInFlight.toBytes() / 1024 > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("almanac.http.max-bytes-in-flight must be under 2 TiB");
    }
  }
}
