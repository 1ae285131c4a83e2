package io.almanac.crawler.series;

import io.almanac.graphql.Ids;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import io.almanac.store.SeriesRecord;
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

  public SeriesUpsertService(SeriesRegistry registry, TimeseriesWriter writer) {
    this.registry = registry;
    this.writer = writer;
  }

  public UpsertSeriesResult upsert(List<Map<String, Object>> inputs) {
    if (inputs.size() > MAX_INPUTS) {
      throw new AlmanacGraphQLException(ErrorCode.LIMIT_EXCEEDED,
          "At most " + MAX_INPUTS + " series per request, got " + inputs.size(), Map.of("argument", "input"));
    }
    List<InputError> errors = new ArrayList<>();
    Map<Integer, SeriesKey> keys = new HashMap<>();
    Map<SeriesKey, Integer> firstIndex = new HashMap<>();
    List<Long> providerIds = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      Long providerId = Ids.parse((String) inputs.get(i).get("providerId"));
      if (providerId != null) {
        providerIds.add(providerId);
      }
    }
    Set<Long> knownProviders = registry.existingProviders(providerIds);
    for (int i = 0; i < inputs.size(); i++) {
      Map<String, Object> input = inputs.get(i);
      String rawProvider = (String) input.get("providerId");
      Long providerId = Ids.parse(rawProvider);
      String externalId = ((String) input.get("externalId")).strip();
      if (providerId == null || !knownProviders.contains(providerId)) {
        errors.add(new InputError(i, "providerId", "UNKNOWN_PROVIDER", "No provider with id '" + rawProvider + "'"));
      } else if (externalId.isEmpty()) {
        errors.add(new InputError(i, "externalId", "INVALID_INPUT", "externalId must not be blank"));
      } else if (((String) input.get("title")).isBlank()) {
        errors.add(new InputError(i, "title", "INVALID_INPUT", "title must not be blank"));
      } else {
        SeriesKey key = new SeriesKey(providerId, externalId);
        Integer earlier = firstIndex.putIfAbsent(key, i);
        if (earlier != null) {
          errors.add(new InputError(i, "externalId", "DUPLICATE_KEY",
              "Same provider and externalId as input " + earlier));
        } else {
          keys.put(i, key);
        }
      }
    }
    Map<SeriesKey, Long> ids = registry.idsFor(new ArrayList<>(keys.values()));
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    List<SeriesRecord> versions = new ArrayList<>();
    List<Series> written = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      SeriesKey key = keys.get(i);
      if (key == null) {
        continue;
      }
      Map<String, Object> input = inputs.get(i);
      long id = ids.get(key);
      Object active = input.get("active");
      versions.add(new SeriesRecord(id, String.valueOf(key.providerId()), key.externalId(),
          ((String) input.get("title")).strip(), (String) input.get("description"), (String) input.get("units"),
          String.valueOf(input.get("frequency")), (String) input.get("seasonalAdjustment"),
          active == null || (Boolean) active, now));
      written.add(new Series(String.valueOf(id)));
    }
    try {
      writer.upsertSeries(versions).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while committing series", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Committing " + versions.size() + " series failed", e.getCause());
    }
    return new UpsertSeriesResult(written, errors);
  }
}
