package io.almanac.crawler.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Room for points in flight: by declared size, a full upload for chunked bodies, refused after the wait. */
class UploadPermitsTest {

  private final UploadPermits permits = new UploadPermits(new IngestSettings(100, null, 200, Duration.ofMillis(50)));

  private static void assertBusy(Runnable acquire) {
    assertThatThrownBy(acquire::run).isInstanceOfSatisfying(AlmanacGraphQLException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
      assertThat(e.retryAfterSeconds()).contains(1L);
    });
  }

  @Test
  void chunkedBodiesTakeAFullUploadAndDeclaredOnesWhatTheyCanHold() {
    try (UploadPermits.Permit first = permits.forBody(-1); UploadPermits.Permit second = permits.forBody(-1)) {
      assertBusy(() -> permits.forBody(15)); // one point's worth: none left
      assertBusy(() -> permits.forPoints(1));
    }
    // 150 bytes hold at most 10 points: twenty such bodies fit where two chunked ones did.
    UploadPermits.Permit[] small = new UploadPermits.Permit[20];
    for (int i = 0; i < small.length; i++) {
      small[i] = permits.forBody(150);
    }
    assertBusy(() -> permits.forBody(15));
    for (UploadPermits.Permit p : small) {
      p.close();
    }
    // Declared sizes beyond an upload count as one upload; received GraphQL points as their number.
    try (UploadPermits.Permit big = permits.forBody(1L << 40); UploadPermits.Permit points = permits.forPoints(100)) {
      assertBusy(() -> permits.forPoints(1));
    }
    permits.forPoints(200).close();
  }
}
