package io.almanac.financial.series;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsData;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import io.almanac.financial.generated.DgsConstants.SERIES;
import io.almanac.financial.generated.types.Frequency;
import io.almanac.store.SeriesRecord;
import io.almanac.store.SeriesTag;
import java.time.OffsetDateTime;
import java.util.List;

/** {@code Series.metadataVersions}: the series' metadata history from the in-memory series directory. */
@DgsComponent
public class SeriesVersionDataFetcher {

  /**
   * A {@code SeriesVersion}: the fields of one metadata version. A record rather than the generated type so that
   * {@code tags} are the store's {@link SeriesTag}s, which {@code Tag.seriesCount} resolves.
   */
  public record Version(String title, String units, Frequency frequency, String seasonalAdjustment,
      String description, boolean active, List<SeriesTag> tags, OffsetDateTime validFrom) {}

  private final SeriesCatalog catalog;

  public SeriesVersionDataFetcher(SeriesCatalog catalog) {
    this.catalog = catalog;
  }

  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.MetadataVersions)
  public List<Version> metadataVersions(DgsDataFetchingEnvironment env) {
    Series series = env.getSource();
    return catalog.versions(series.numericId()).stream().map(SeriesVersionDataFetcher::version).toList();
  }

  private static Version version(SeriesRecord r) {
    return new Version(r.title(), r.units(), Frequency.valueOf(r.frequency()), r.seasonalAdjustment(),
        r.description(), r.active(), r.tags(), r.updatedAt());
  }
}
