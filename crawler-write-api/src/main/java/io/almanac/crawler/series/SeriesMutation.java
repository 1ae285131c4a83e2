package io.almanac.crawler.series;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import com.netflix.graphql.dgs.DgsMutation;
import java.util.List;
import java.util.Map;

@DgsComponent
public class SeriesMutation {

  private final SeriesUpsertService service;

  public SeriesMutation(SeriesUpsertService service) {
    this.service = service;
  }

  @DgsMutation
  public UpsertSeriesResult upsertSeries(DgsDataFetchingEnvironment env) {
    List<Map<String, Object>> input = env.getArgument("input");
    return service.upsert(input);
  }
}
