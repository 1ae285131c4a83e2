package io.almanac.crawler.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.graphql.dgs.internal.DefaultInputObjectMapper;
import io.almanac.crawler.generated.types.BulkDataPointsInput;
import io.almanac.crawler.generated.types.DataPointInput;
import io.almanac.graphql.Scalars;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The direct path for upload payloads reads what DGS's own mapper would, and tells numbers from strings. */
class UploadInputMapperTest {

  private final DefaultInputObjectMapper dgs = new DefaultInputObjectMapper();

  /** A point as graphql-java coerces it: absent fields are absent, explicit nulls present. */
  private static Map<String, Object> point(Object... pairs) {
    Map<String, Object> point = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      point.put((String) pairs[i], pairs[i + 1]);
    }
    return point;
  }

  @Test
  void uploadsReadAsDgsWouldMapThem() {
    List<Map<String, Object>> points = List.of(
        point("seriesId", "7", "date", "2024-01-01", "value", "1.25", "revisionDate", "2024-02-01"),
        point("providerId", "3", "externalId", "GDP", "date", "2024-13-01", "value", null),
        point("date", "not a date"));
    Map<String, Object> full = new HashMap<>(Map.of("batchId", "b-1", "runId", "4", "atomic", true, "points", points));
    Map<String, Object> defaults = new HashMap<>(Map.of("points", points));
    Map<String, Object> nullAtomic = new HashMap<>(Map.of("points", points));
    nullAtomic.put("atomic", null);
    for (Map<String, Object> input : List.of(full, defaults, nullAtomic)) {
      BulkUpsertService.Upload direct = UploadInputMapper.upload(input);
      BulkDataPointsInput expected = dgs.mapToJavaObject(input, BulkDataPointsInput.class);
      assertThat(direct.batchId()).isEqualTo(expected.getBatchId());
      assertThat(direct.runId()).isEqualTo(expected.getRunId());
      assertThat(direct.atomic()).isEqualTo(Boolean.TRUE.equals(expected.getAtomic()));
      assertThat(direct.more()).isFalse();
      assertThat(direct.points()).hasSize(3);
      for (int i = 0; i < 3; i++) {
        DataPointInput want = expected.getPoints().get(i);
        assertThat(direct.points().get(i)).isEqualTo(new ReceivedPoint(i, want.getSeriesId(), want.getProviderId(),
            want.getExternalId(), want.getDate(), want.getValue(), want.getRevisionDate(), null, null, null));
      }
    }
  }

  @Test
  void numbersUpToFifteenDigitsAreKeptAndLongerOnesRefusedOnReceipt() {
    Map<String, Object> input = Map.of("points", List.of(
        point("seriesId", "7", "date", "2024-01-01", "value", new Scalars.DecimalNumber("123456789.012345")),
        point("seriesId", "7", "date", "2024-01-02", "value", new Scalars.DecimalNumber("1234567890.1234567")),
        point("seriesId", "7", "date", "2024-01-03", "value", "1234567890.1234567891")));
    List<ReceivedPoint> points = UploadInputMapper.upload(input).points();
    assertThat(points.get(0).value()).isEqualTo("123456789.012345");
    assertThat(points.get(0).errorCode()).isNull();
    assertThat(points.get(1).value()).isEqualTo("1234567890.1234567");
    assertThat(points.get(1).errorCode()).isEqualTo(PointErrorCode.INVALID_VALUE);
    assertThat(points.get(1).errorMessage()).contains("17 significant digits").contains("send decimals as strings");
    assertThat(points.get(2).value()).isEqualTo("1234567890.1234567891");
    assertThat(points.get(2).errorCode()).isNull();
  }
}
