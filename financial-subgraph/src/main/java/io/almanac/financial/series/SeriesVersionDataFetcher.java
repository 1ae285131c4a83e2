package io.almanac.financial.series;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsData;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import io.almanac.financial.generated.DgsConstants.SERIES;
import io.almanac.financial.generated.types.Frequency;
import io.almanac.financial.generated.types.SeriesVersion;
import io.almanac.store.SeriesRecord;
import java.util.List;

/** {@code Series.metadataVersions}: the series' metadata history from the in-memory series directory. */
@DgsComponent
public class SeriesVersionDataFetcher {

  private final SeriesCatalog catalog;

  public SeriesVersionDataFetcher(SeriesCatalog catalog) {
    this.catalog = catalog;
  }

  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.MetadataVersions)
  public List<SeriesVersion> metadataVersions(DgsDataFetchingEnvironment env) {
    Series series = env.getSource();
    return catalog.versions(series.numericId()).stream().map(SeriesVersionDataFetcher::version).toList();
  }

  private static SeriesVersion version(SeriesRecord r) {
    return SeriesVersion.newBuilder().title(r.title()).units(r.units()).frequency(Frequency.valueOf(r.frequency()))
        .seasonalAdjustment(r.seasonalAdjustment()).description(r.description()).active(r.active())
        .validFrom(r.updatedAt()).build();
  }
}
