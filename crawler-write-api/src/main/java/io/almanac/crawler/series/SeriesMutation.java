package io.almanac.crawler.series;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsMutation;
import com.netflix.graphql.dgs.InputArgument;
import io.almanac.crawler.generated.DgsConstants.MUTATION;
import io.almanac.crawler.generated.types.SeriesInput;
import io.almanac.crawler.generated.types.UpsertSeriesResult;
import io.almanac.graphql.Ids;
import graphql.schema.DataFetchingEnvironment;
import io.almanac.crawler.generated.DgsConstants.SERIESINPUT;
import java.util.List;
import java.util.Map;

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

  /**
   * Whether each input names {@code releaseId} is read from the argument as coerced: omitted leaves the
   * membership unchanged, an explicit null clears it, which the generated input cannot tell apart.
   */
  @DgsMutation(field = MUTATION.UpsertSeries)
  public UpsertSeriesResult upsertSeries(DataFetchingEnvironment env,
      @InputArgument(name = MUTATION.UPSERTSERIES_INPUT_ARGUMENT.Input) List<SeriesInput> input) {
    List<Map<String, Object>> sent = env.getArgument(MUTATION.UPSERTSERIES_INPUT_ARGUMENT.Input);
    return service.upsert(input, sent.stream().map(m -> m.containsKey(SERIESINPUT.ReleaseId)).toList());
  }
}
