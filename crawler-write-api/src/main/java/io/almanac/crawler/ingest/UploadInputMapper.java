package io.almanac.crawler.ingest;

import com.netflix.graphql.dgs.internal.DefaultInputObjectMapper;
import com.netflix.graphql.dgs.internal.InputObjectMapper;
import io.almanac.crawler.generated.DgsConstants.BULKDATAPOINTSINPUT;
import io.almanac.crawler.generated.DgsConstants.DATAPOINTINPUT;
import io.almanac.crawler.generated.types.BulkDataPointsInput;
import io.almanac.crawler.generated.types.DataPointInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import kotlin.reflect.KClass;
import org.springframework.stereotype.Component;

/**
 * DGS's input mapper with a direct path for upload payloads. DGS's own sets every field of every point
 * through a Spring BeanWrapper: about 9 ms per 10,000-point batch once warm against 0.8 ms here (measured
 * side by side), on the hottest write path. Every other input type goes to DGS's mapper, which comes
 * back here for nested inputs.
 */
@Component
class UploadInputMapper implements InputObjectMapper {

  private final InputObjectMapper general = new DefaultInputObjectMapper(this);

  @Override
  public <T> T mapToJavaObject(Map<String, ?> input, Class<T> type) {
    if (type == BulkDataPointsInput.class) {
      return type.cast(bulk(input));
    }
    if (type == DataPointInput.class) {
      return type.cast(point(input));
    }
    return general.mapToJavaObject(input, type);
  }

  @Override
  public <T> T mapToKotlinObject(Map<String, ?> input, KClass<T> type) {
    return general.mapToKotlinObject(input, type);
  }

  /** Values are as graphql-java coerced them: IDs and this subgraph's raw Date and Decimal are Strings. */
  static BulkDataPointsInput bulk(Map<String, ?> input) {
    List<?> sent = (List<?>) input.get(BULKDATAPOINTSINPUT.Points);
    List<DataPointInput> points = new ArrayList<>(sent.size());
    for (Object point : sent) {
      points.add(point((Map<?, ?>) point));
    }
    BulkDataPointsInput.Builder bulk = BulkDataPointsInput.newBuilder()
        .batchId((String) input.get(BULKDATAPOINTSINPUT.BatchId))
        .runId((String) input.get(BULKDATAPOINTSINPUT.RunId))
        .points(points);
    if (input.containsKey(BULKDATAPOINTSINPUT.Atomic)) {
      bulk.atomic((Boolean) input.get(BULKDATAPOINTSINPUT.Atomic));
    }
    return bulk.build();
  }

  static DataPointInput point(Map<?, ?> input) {
    DataPointInput point = new DataPointInput();
    point.setSeriesId((String) input.get(DATAPOINTINPUT.SeriesId));
    point.setProviderId((String) input.get(DATAPOINTINPUT.ProviderId));
    point.setExternalId((String) input.get(DATAPOINTINPUT.ExternalId));
    point.setDate((String) input.get(DATAPOINTINPUT.Date));
    point.setValue((String) input.get(DATAPOINTINPUT.Value));
    point.setRevisionDate((String) input.get(DATAPOINTINPUT.RevisionDate));
    return point;
  }
}
