package io.almanac.crawler.releases;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsData;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import com.netflix.graphql.dgs.DgsEntityFetcher;
import com.netflix.graphql.dgs.DgsMutation;
import com.netflix.graphql.dgs.DgsQuery;
import com.netflix.graphql.dgs.InputArgument;
import io.almanac.crawler.generated.DgsConstants.MUTATION;
import io.almanac.crawler.generated.DgsConstants.QUERY;
import io.almanac.crawler.generated.DgsConstants.RELEASE;
import io.almanac.crawler.generated.DgsConstants.RELEASEDATE;
import io.almanac.crawler.generated.DgsConstants.SERIES;
import io.almanac.crawler.generated.types.ReleaseInput;
import io.almanac.crawler.generated.types.Series;
import io.almanac.crawler.providers.Provider;
import io.almanac.crawler.providers.ProviderLoader;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.Connection;
import io.almanac.graphql.Cursors;
import io.almanac.graphql.Ids;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.dataloader.DataLoader;

/**
 * Releases: queries, mutations, the {@code Release} entity, and the fields this subgraph contributes to
 * {@code Series} ({@code release}, {@code nextRelease}).
 */
@DgsComponent
public class ReleaseDataFetcher {

  private static final String RELEASE_CURSOR = "release";
  private static final String SERIES_CURSOR = "release-series";

  private final ReleaseRepository releases;
  private final ReleaseService service;

  public ReleaseDataFetcher(ReleaseRepository releases, ReleaseService service) {
    this.releases = releases;
    this.service = service;
  }

  @DgsQuery(field = QUERY.Release)
  public Release release(@InputArgument(name = QUERY.RELEASE_INPUT_ARGUMENT.Id) String id) {
    return service.find(id).orElse(null);
  }

  @DgsQuery(field = QUERY.Releases)
  public Connection<Release> releases(@InputArgument(name = QUERY.RELEASES_INPUT_ARGUMENT.ProviderId) String providerId,
      @InputArgument(name = QUERY.RELEASES_INPUT_ARGUMENT.First) Integer first,
      @InputArgument(name = QUERY.RELEASES_INPUT_ARGUMENT.After) String after) {
    int size = Cursors.pageSize(first, 20, 1000);
    long afterId = after == null ? 0 : Cursors.decodeLong(RELEASE_CURSOR, after);
    Long provider = providerId == null ? null : Ids.parse(providerId);
    if (providerId != null && provider == null) {
      return Connection.of(List.of(), size, after != null, r -> "", 0);
    }
    return Connection.of(releases.page(provider, afterId, size + 1), size, after != null,
        r -> Cursors.encode(RELEASE_CURSOR, r.id()), releases.count(provider));
  }

  /** Dates come as text (this subgraph's raw {@code Date}): checked by the service. */
  @DgsQuery(field = QUERY.ReleaseCalendar)
  public List<CalendarDate> releaseCalendar(DgsDataFetchingEnvironment env,
      @InputArgument(name = QUERY.RELEASECALENDAR_INPUT_ARGUMENT.ProviderId) String providerId) {
    return service.calendar(env.getArgument(QUERY.RELEASECALENDAR_INPUT_ARGUMENT.From),
        env.getArgument(QUERY.RELEASECALENDAR_INPUT_ARGUMENT.To), providerId);
  }

  @DgsMutation(field = MUTATION.UpsertRelease)
  public Release upsertRelease(@InputArgument(name = MUTATION.UPSERTRELEASE_INPUT_ARGUMENT.Input) ReleaseInput input) {
    return service.upsert(input);
  }

  @DgsMutation(field = MUTATION.ScheduleReleaseDates)
  public Release scheduleReleaseDates(DgsDataFetchingEnvironment env,
      @InputArgument(name = MUTATION.SCHEDULERELEASEDATES_INPUT_ARGUMENT.ReleaseId) String releaseId) {
    return service.schedule(releaseId, env.getArgument(MUTATION.SCHEDULERELEASEDATES_INPUT_ARGUMENT.Dates));
  }

  @DgsData(parentType = RELEASE.TYPE_NAME, field = RELEASE.Provider)
  public CompletableFuture<Provider> provider(DgsDataFetchingEnvironment env) {
    Release release = env.getSource();
    DataLoader<Long, Provider> loader = env.getDataLoader(ProviderLoader.class);
    return loader.load(release.providerId());
  }

  @DgsData(parentType = RELEASE.TYPE_NAME, field = RELEASE.Series)
  public Connection<Series> series(DgsDataFetchingEnvironment env,
      @InputArgument(name = RELEASE.SERIES_INPUT_ARGUMENT.First) Integer first,
      @InputArgument(name = RELEASE.SERIES_INPUT_ARGUMENT.After) String after) {
    Release release = env.getSource();
    int size = Cursors.pageSize(first, 20, 1000);
    long afterId = after == null ? 0 : Cursors.decodeLong(SERIES_CURSOR, after);
    List<Series> items = releases.seriesOf(release.numericId(), afterId, size + 1).stream()
        .map(id -> Series.newBuilder().id(String.valueOf(id)).build()).toList();
    return Connection.of(items, size, after != null, s -> Cursors.encode(SERIES_CURSOR, s.getId()),
        releases.countSeries(release.numericId()));
  }

  @DgsData(parentType = RELEASE.TYPE_NAME, field = RELEASE.Dates)
  public List<CalendarDate> dates(DgsDataFetchingEnvironment env) {
    Release release = env.getSource();
    Object from = env.getArgument(RELEASE.DATES_INPUT_ARGUMENT.From);
    Object to = env.getArgument(RELEASE.DATES_INPUT_ARGUMENT.To);
    LocalDate start = from == null ? null : ReleaseService.date(from, RELEASE.DATES_INPUT_ARGUMENT.From);
    LocalDate end = to == null ? null : ReleaseService.date(to, RELEASE.DATES_INPUT_ARGUMENT.To);
    if (start != null && end != null && end.isBefore(start)) {
      // As releaseCalendar: an empty answer would hide the mistake.
      throw AlmanacGraphQLException.badInput(RELEASE.DATES_INPUT_ARGUMENT.To,
          "to (" + end + ") is before from (" + start + ")");
    }
    return releases.calendar(release.numericId(), null, start, end);
  }

  @DgsData(parentType = RELEASE.TYPE_NAME, field = RELEASE.NextDate)
  public CompletableFuture<LocalDate> nextDate(DgsDataFetchingEnvironment env) {
    Release release = env.getSource();
    DataLoader<Long, LocalDate> loader = env.getDataLoader(NextReleaseDateLoader.class);
    return loader.load(release.numericId());
  }

  @DgsData(parentType = RELEASEDATE.TYPE_NAME, field = RELEASEDATE.Release)
  public CompletableFuture<Release> calendarRelease(DgsDataFetchingEnvironment env) {
    CalendarDate date = env.getSource();
    DataLoader<Long, Release> loader = env.getDataLoader(ReleaseLoader.class);
    return loader.load(date.releaseId());
  }

  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.Release)
  public CompletableFuture<Release> seriesRelease(DgsDataFetchingEnvironment env) {
    return releaseOf(env).thenApply(r -> r == null ? null : r.release());
  }

  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.NextRelease)
  public CompletableFuture<LocalDate> nextRelease(DgsDataFetchingEnvironment env) {
    return releaseOf(env).thenApply(r -> r == null ? null : r.nextDate());
  }

  /** Series come from the financial subgraph; this subgraph answers only the fields it contributes. */
  @DgsEntityFetcher(name = SERIES.TYPE_NAME)
  public Series seriesEntity(Map<String, Object> values) {
    return Series.newBuilder().id(String.valueOf(values.get(SERIES.Id))).build();
  }

  @DgsEntityFetcher(name = RELEASE.TYPE_NAME)
  public CompletionStage<Release> releaseEntity(Map<String, Object> values, DgsDataFetchingEnvironment env) {
    Long id = Ids.parse(String.valueOf(values.get(RELEASE.Id)));
    if (id == null) {
      return CompletableFuture.completedFuture(null);
    }
    DataLoader<Long, Release> loader = env.getDataLoader(ReleaseLoader.class);
    return loader.load(id);
  }

  private static CompletableFuture<ReleaseRepository.SeriesRelease> releaseOf(DgsDataFetchingEnvironment env) {
    Series series = env.getSource();
    Long id = Ids.parse(series.getId());
    if (id == null) {
      return CompletableFuture.completedFuture(null);
    }
    DataLoader<Long, ReleaseRepository.SeriesRelease> loader = env.getDataLoader(SeriesReleaseLoader.class);
    return loader.load(id);
  }
}
