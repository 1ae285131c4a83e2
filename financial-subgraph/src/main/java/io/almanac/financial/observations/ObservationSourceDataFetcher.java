package io.almanac.financial.observations;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsData;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import io.almanac.financial.generated.DgsConstants.OBSERVATION;
import io.almanac.financial.generated.types.ObservationSource;
import java.util.concurrent.CompletableFuture;
import org.dataloader.DataLoader;

/**
 * {@code Observation.source}: the batch that wrote a stored row, as an {@code ObservationSource} entity
 * reference ({@code batchId} only) that the crawler subgraph resolves. The batch ids of all rows of a
 * request are read in one storage pass ({@link ObservationSourceLoader}).
 */
@DgsComponent
public class ObservationSourceDataFetcher {

  private final ObservationHistories histories;

  public ObservationSourceDataFetcher(ObservationHistories histories) {
    this.histories = histories;
  }

  @DgsData(parentType = OBSERVATION.TYPE_NAME, field = OBSERVATION.Source)
  public CompletableFuture<ObservationSource> source(DgsDataFetchingEnvironment env) {
    Observation row = env.getSource();
    long seriesId = row.storedSeriesId();
    if (seriesId < 0) {
      return CompletableFuture.completedFuture(null); // derived: aggregated or transformed
    }
    DataLoader<ObservationSourceLoader.RowKey, String> loader = env.getDataLoader(ObservationSourceLoader.NAME);
    return loader.load(new ObservationSourceLoader.RowKey(seriesId, row.getDate(), row.getRevisionDate()),
            histories.requestSnapshot(env))
        .thenApply(batchId -> batchId == null ? null : ObservationSource.newBuilder().batchId(batchId).build());
  }
}
