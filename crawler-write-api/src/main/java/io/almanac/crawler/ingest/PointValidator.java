package io.almanac.crawler.ingest;

import io.almanac.graphql.Ids;
import io.almanac.crawler.series.SeriesKey;
import io.almanac.crawler.series.SeriesRegistry;
import io.almanac.graphql.Scalars;
import io.almanac.store.ObservationRow;
import io.almanac.store.RawPoint;
import io.almanac.store.TimeseriesWriter;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Checks every point of an upload and says precisely what is wrong with each bad one. Series
 * references of the whole batch are resolved with two queries, not one per point.
 */
@Component
class PointValidator {

  private record Key(long seriesId, int date, int revision) {}

  private final SeriesRegistry registry;

  PointValidator(SeriesRegistry registry) {
    this.registry = registry;
  }

  /**
   * @param points raw points as received (GraphQL input maps with text dates and values)
   * @param today default revision date
   */
  ValidatedBatch validate(List<Map<String, Object>> points, LocalDate today) {
    Map<Long, SeriesKey> knownIds = registry.existing(requestedIds(points));
    Map<SeriesKey, Long> knownKeys = registry.find(requestedKeys(points));
    List<ObservationRow> valid = new ArrayList<>(points.size());
    List<RawPoint> received = new ArrayList<>(points.size());
    List<PointError> errors = new ArrayList<>();
    Map<Key, Integer> seen = new HashMap<>(points.size() * 2);
    for (int i = 0; i < points.size(); i++) {
      Map<String, Object> p = points.get(i);
      String seriesId = text(p.get("seriesId"));
      String providerId = text(p.get("providerId"));
      String externalId = text(p.get("externalId"));
      String date = text(p.get("date"));
      String value = text(p.get("value"));
      String revision = text(p.get("revisionDate"));
      PointError error = null;
      ObservationRow row = null;
      try {
        Object malformed = p.get(BulkPointsParser.MALFORMED);
        if (malformed != null) {
          throw new Refusal("MALFORMED_RECORD", malformed.toString());
        }
        long id = resolveSeries(seriesId, providerId, externalId, knownIds, knownKeys);
        LocalDate day = parseDate(date, "INVALID_DATE", "date");
        LocalDate revisionDay = revision == null ? today : parseDate(revision, "INVALID_REVISION_DATE", "revisionDate");
        BigDecimal number = parseValue(value);
        Integer earlier = seen.putIfAbsent(new Key(id, (int) day.toEpochDay(), (int) revisionDay.toEpochDay()), i);
        if (earlier != null) {
          throw new Refusal("DUPLICATE_KEY", "Same series, date " + day + " and revision date " + revisionDay
              + " as point " + earlier);
        }
        row = new ObservationRow(id, day, revisionDay, number);
      } catch (Refusal refusal) {
        error = new PointError(i, refusal.code, refusal.getMessage());
      }
      if (error == null) {
        valid.add(row);
      } else {
        errors.add(error);
      }
      received.add(new RawPoint(i, seriesId, providerId, externalId, date, value, revision,
          error == null ? null : error.code(), error == null ? null : error.message()));
    }
    return new ValidatedBatch(valid, received, errors);
  }

  private static long resolveSeries(String seriesId, String providerId, String externalId,
      Map<Long, SeriesKey> knownIds, Map<SeriesKey, Long> knownKeys) throws Refusal {
    Long byKey = null;
    boolean hasKey = providerId != null && externalId != null;
    if (hasKey) {
      Long provider = Ids.parse(providerId);
      byKey = provider == null ? null : knownKeys.get(new SeriesKey(provider, externalId));
      if (byKey == null) {
        throw new Refusal("UNKNOWN_SERIES", "No series '" + externalId + "' of provider '" + providerId + "'");
      }
    }
    if (seriesId != null) {
      Long id = Ids.parse(seriesId);
      if (id == null || !knownIds.containsKey(id)) {
        throw new Refusal("UNKNOWN_SERIES", "No series with id '" + seriesId + "'");
      }
      if (byKey != null && !byKey.equals(id)) {
        throw new Refusal("SERIES_MISMATCH", "seriesId '" + seriesId + "' and providerId '" + providerId
            + "' + externalId '" + externalId + "' name different series");
      }
      return id;
    }
    if (byKey == null) {
      throw new Refusal("MISSING_SERIES", "Name the series by seriesId, or by providerId and externalId");
    }
    return byKey;
  }

  private static LocalDate parseDate(String text, String code, String field) throws Refusal {
    if (text == null) {
      throw new Refusal(code, field + " is required");
    }
    try {
      return Scalars.parseDate(text);
    } catch (DateTimeParseException e) {
      throw new Refusal(code, field + " '" + text + "' is not an ISO date (yyyy-MM-dd)");
    }
  }

  private static BigDecimal parseValue(String text) throws Refusal {
    if (text == null) {
      return null;
    }
    BigDecimal value;
    try {
      value = Scalars.parseDecimal(text);
    } catch (NumberFormatException e) {
      String lower = text.toLowerCase();
      if (lower.contains("nan") || lower.contains("inf")) {
        throw new Refusal("NON_FINITE_VALUE", "value '" + text + "' is not a finite number");
      }
      throw new Refusal("INVALID_VALUE", "value '" + text + "' is not a decimal number");
    }
    if (!TimeseriesWriter.fitsStoredScale(value)) {
      throw new Refusal("INVALID_VALUE",
          "value '" + text + "' has more than 10 fractional digits or more than 28 integer digits");
    }
    return value;
  }

  private static Set<Long> requestedIds(List<Map<String, Object>> points) {
    Set<Long> ids = new HashSet<>();
    for (Map<String, Object> p : points) {
      Long id = Ids.parse(text(p.get("seriesId")));
      if (id != null) {
        ids.add(id);
      }
    }
    return ids;
  }

  private static Set<SeriesKey> requestedKeys(List<Map<String, Object>> points) {
    Set<SeriesKey> keys = new HashSet<>();
    for (Map<String, Object> p : points) {
      Long provider = Ids.parse(text(p.get("providerId")));
      String external = text(p.get("externalId"));
      if (provider != null && external != null) {
        keys.add(new SeriesKey(provider, external));
      }
    }
    return keys;
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }

  /** A point's refusal; checked so each validation step states what it refuses. */
  private static final class Refusal extends Exception {
    final String code;

    Refusal(String code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }
}
