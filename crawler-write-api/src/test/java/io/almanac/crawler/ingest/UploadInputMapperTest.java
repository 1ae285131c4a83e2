package io.almanac.crawler.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.graphql.dgs.internal.DefaultInputObjectMapper;
import io.almanac.crawler.generated.types.BulkDataPointsInput;
import io.almanac.crawler.generated.types.Frequency;
import io.almanac.crawler.generated.types.SeriesInput;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The direct path for upload payloads maps exactly what DGS's own mapper does. */
class UploadInputMapperTest {

  private final UploadInputMapper mapper = new UploadInputMapper();
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
  void uploadsMapAsDgsWouldMapThem() {
    List<Map<String, Object>> points = List.of(
        point("seriesId", "7", "date", "2024-01-01", "value", "1.25", "revisionDate", "2024-02-01"),
        point("providerId", "3", "externalId", "GDP", "date", "2024-13-01", "value", null),
        point("date", "not a date"));
    Map<String, Object> full = new HashMap<>(Map.of("batchId", "b-1", "runId", "4", "atomic", true, "points", points));
    Map<String, Object> defaults = new HashMap<>(Map.of("points", points));
    Map<String, Object> nullAtomic = new HashMap<>(Map.of("points", points));
    nullAtomic.put("atomic", null);
    for (Map<String, Object> input : List.of(full, defaults, nullAtomic)) {
      BulkDataPointsInput direct = mapper.mapToJavaObject(input, BulkDataPointsInput.class);
      assertThat(direct).isEqualTo(dgs.mapToJavaObject(input, BulkDataPointsInput.class));
      assertThat(direct.getPoints()).hasSize(3);
    }
    assertThat(mapper.mapToJavaObject(full, BulkDataPointsInput.class).getPoints().get(1).getDate())
        .isEqualTo("2024-13-01");
  }

  @Test
  void otherInputsGoToDgsMapper() {
    Map<String, Object> input =
        Map.of("providerId", "3", "externalId", "GDP", "title", "GDP", "frequency", "QUARTERLY");
    SeriesInput mapped = mapper.mapToJavaObject(input, SeriesInput.class);
    assertThat(mapped).isEqualTo(dgs.mapToJavaObject(input, SeriesInput.class));
    assertThat(mapped.getFrequency()).isEqualTo(Frequency.QUARTERLY);
    assertThat(mapped.getActive()).isTrue();
  }
}
