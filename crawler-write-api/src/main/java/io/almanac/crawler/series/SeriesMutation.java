package io.almanac.crawler.series;

import io.almanac.graphql.Ids;
import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import com.netflix.graphql.dgs.DgsMutation;
import com.netflix.graphql.dgs.InputArgument;
import java.util.List;
import java.util.Map;

@DgsComponent
public class SeriesMutation {

  private final SeriesUpsertService service;
  private final SeriesDeletion deletion;

  public SeriesMutation(SeriesUpsertService service, SeriesDeletion deletion) {
    this.service = service;
    this.deletion = deletion;
  }

  @DgsMutation
  public boolean deleteSeries(@InputArgument String id) {
    Long numeric = Ids.parse(id);
    return numeric != null && deletion.delete(numeric);
  }

  @DgsMutation
  public UpsertSeriesResult upsertSeries(DgsDataFetchingEnvironment env) {
    List<Map<String, Object>> input = env.getArgument("input");
    return service.upsert(input);
  }
}
