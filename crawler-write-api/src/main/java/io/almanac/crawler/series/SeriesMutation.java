package io.almanac.crawler.series;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsMutation;
import com.netflix.graphql.dgs.InputArgument;
import io.almanac.crawler.generated.DgsConstants.MUTATION;
import io.almanac.crawler.generated.types.SeriesInput;
import io.almanac.crawler.generated.types.UpsertSeriesResult;
import io.almanac.graphql.Ids;
import java.util.List;

/** {@code upsertSeries} and {@code deleteSeries}. */
@DgsComponent
public class SeriesMutation {

  private final SeriesUpsertService service;
  private final SeriesDeletion deletion;

  public SeriesMutation(SeriesUpsertService service, SeriesDeletion deletion) {
    this.service = service;
    this.deletion = deletion;
  }

  @DgsMutation(field = MUTATION.DeleteSeries)
  public boolean deleteSeries(@InputArgument(name = MUTATION.DELETESERIES_INPUT_ARGUMENT.Id) String id) {
    Long numeric = Ids.parse(id);
    return numeric != null && deletion.delete(numeric);
  }

  @DgsMutation(field = MUTATION.UpsertSeries)
  public UpsertSeriesResult upsertSeries(
      @InputArgument(name = MUTATION.UPSERTSERIES_INPUT_ARGUMENT.Input) List<SeriesInput> input) {
    return service.upsert(input);
  }
}
