package io.almanac.crawler.series;

import io.almanac.crawler.generated.DgsConstants.MUTATION;
import io.almanac.crawler.generated.DgsConstants.SERIESINPUT;
import io.almanac.crawler.generated.types.InputError;
import io.almanac.crawler.generated.types.Series;
import io.almanac.crawler.generated.types.SeriesInput;
import io.almanac.crawler.generated.types.UpsertSeriesResult;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import io.almanac.graphql.Ids;
import io.almanac.crawler.releases.Release;
import io.almanac.crawler.releases.ReleaseRepository;
import io.almanac.store.SeriesDirectory;
import io.almanac.store.SeriesRecord;
import io.almanac.store.SeriesTag;
import io.almanac.store.TimeseriesWriter;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.springframework.stereotype.Service;

/**
 * Creates or replaces series metadata: allocates ids in PostgreSQL, then appends a new version of
 * each series to the Iceberg series table. Returns after the commit.
 */
@Service
public class SeriesUpsertService {

  private static final int MAX_INPUTS = 10_000;

  private final SeriesRegistry registry;
  private final TimeseriesWriter writer;
  private final SeriesDirectory directory;
  private final ReleaseRepository releases;

  public SeriesUpsertService(SeriesRegistry registry, TimeseriesWriter writer, SeriesDirectory directory,
      ReleaseRepository releases) {
    this.registry = registry;
    this.writer = writer;
    this.directory = directory;
    this.releases = releases;
  }

  /**
   * @param inputs at most 10,000 ({@code LIMIT_EXCEEDED} beyond)
   * @param releaseGiven for each input, whether it named {@code releaseId} (null included): only those
   *     change the series' release ({@code UNKNOWN_RELEASE} when it names no release of the series' provider)
   * @return the series written, in input order, and an error for each input refused
   */
  public UpsertSeriesResult upsert(List<SeriesInput> inputs, List<Boolean> releaseGiven) {
    if (inputs.size() > MAX_INPUTS) {
      throw new AlmanacGraphQLException(ErrorCode.LIMIT_EXCEEDED, "At most " + MAX_INPUTS + " series per request, got "
          + inputs.size(), Map.of("argument", MUTATION.UPSERTSERIES_INPUT_ARGUMENT.Input));
    }
    // Tag rules are checked before anything is written: a bad tag refuses the request (BAD_USER_INPUT).
    Map<Integer, List<SeriesTag>> tags = new HashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i).getTags() != null) {
        tags.put(i, SeriesTags.normalize(inputs.get(i).getTags(), i));
      }
    }
    List<InputError> errors = new ArrayList<>();
    Map<Integer, SeriesKey> keys = new HashMap<>();
    Map<SeriesKey, Integer> firstIndex = new HashMap<>();
    List<Long> providerIds = new ArrayList<>();
    for (SeriesInput input : inputs) {
      Long providerId = Ids.parse(input.getProviderId());
      if (providerId != null) {
        providerIds.add(providerId);
      }
    }
    Set<Long> knownProviders = registry.existingProviders(providerIds);
    Map<Long, Release> namedReleases = new HashMap<>();
    List<Long> releaseIds = new ArrayList<>();
    for (SeriesInput input : inputs) {
      Long releaseId = input.getReleaseId() == null ? null : Ids.parse(input.getReleaseId());
      if (releaseId != null) {
        releaseIds.add(releaseId);
      }
    }
    if (!releaseIds.isEmpty()) {
      releases.findAll(releaseIds).forEach(r -> namedReleases.put(r.numericId(), r));
    }
    for (int i = 0; i < inputs.size(); i++) {
      SeriesInput input = inputs.get(i);
      Long providerId = Ids.parse(input.getProviderId());
      String externalId = input.getExternalId().strip();
      if (providerId == null || !knownProviders.contains(providerId)) {
        errors.add(error(i, SERIESINPUT.ProviderId, "UNKNOWN_PROVIDER",
            "No provider with id '" + input.getProviderId() + "'"));
      } else if (externalId.isEmpty()) {
        errors.add(error(i, SERIESINPUT.ExternalId, "INVALID_INPUT", "externalId must not be blank"));
      } else if (input.getTitle().isBlank()) {
        errors.add(error(i, SERIESINPUT.Title, "INVALID_INPUT", "title must not be blank"));
      } else if (input.getReleaseId() != null && !releaseOf(namedReleases, input.getReleaseId(), providerId)) {
        errors.add(error(i, SERIESINPUT.ReleaseId, "UNKNOWN_RELEASE",
            "No release with id '" + input.getReleaseId() + "' of provider " + providerId));
      } else {
        SeriesKey key = new SeriesKey(providerId, externalId);
        Integer earlier = firstIndex.putIfAbsent(key, i);
        if (earlier != null) {
          errors.add(error(i, SERIESINPUT.ExternalId, "DUPLICATE_KEY",
              "Same provider and externalId as input " + earlier));
        } else {
          keys.put(i, key);
        }
      }
    }
    Map<SeriesKey, Long> ids = registry.idsFor(new ArrayList<>(keys.values()));
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    // Omitted tags keep the series' current ones (last writer wins between concurrent upserts of one series,
    // as for every other field).
    SeriesDirectory.View current =
        keys.keySet().stream().allMatch(tags::containsKey) ? null : directory.current();
    List<SeriesRecord> versions = new ArrayList<>();
    List<Series> written = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      SeriesKey key = keys.get(i);
      if (key == null) {
        continue;
      }
      SeriesInput input = inputs.get(i);
      long id = ids.get(key);
      List<SeriesTag> seriesTags = tags.get(i);
      if (seriesTags == null) {
        SeriesRecord before = current.byId().get(id);
        seriesTags = before == null ? List.of() : before.tags();
      }
      versions.add(new SeriesRecord(id, String.valueOf(key.providerId()), key.externalId(),
          input.getTitle().strip(), input.getDescription(), input.getUnits(), input.getFrequency().name(),
          input.getSeasonalAdjustment(), input.getActive() == null || input.getActive(), now, false, seriesTags));
      written.add(Series.newBuilder().id(String.valueOf(id)).build());
    }
    Map<Long, List<Long>> membership = new HashMap<>();
    List<Long> leaving = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      SeriesKey key = keys.get(i);
      if (key != null && i < releaseGiven.size() && releaseGiven.get(i)) {
        Long releaseId = inputs.get(i).getReleaseId() == null ? null : Ids.parse(inputs.get(i).getReleaseId());
        (releaseId == null ? leaving : membership.computeIfAbsent(releaseId, r -> new ArrayList<>())).add(ids.get(key));
      }
    }
    try {
      writer.upsertSeries(versions).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while committing series", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Committing " + versions.size() + " series failed", e.getCause());
    }
    // Membership is PostgreSQL's, set once the metadata committed (a failed commit changes neither).
    membership.forEach((releaseId, seriesIds) -> releases.setRelease(seriesIds, releaseId));
    releases.setRelease(leaving, null);
    return UpsertSeriesResult.newBuilder().series(written).errors(errors).build();
  }

  private static boolean releaseOf(Map<Long, Release> releases, String releaseId, long providerId) {
    Long id = Ids.parse(releaseId);
    Release release = id == null ? null : releases.get(id);
    return release != null && release.providerId() == providerId;
  }

  private static InputError error(int index, String field, String code, String message) {
    return InputError.newBuilder().index(index).field(field).code(code).message(message).build();
  }
}
