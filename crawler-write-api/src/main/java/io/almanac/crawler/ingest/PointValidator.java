package io.almanac.crawler.ingest;

import static io.almanac.crawler.ingest.PointErrorCode.DUPLICATE_KEY;
import static io.almanac.crawler.ingest.PointErrorCode.INVALID_DATE;
import static io.almanac.crawler.ingest.PointErrorCode.INVALID_REVISION_DATE;
import static io.almanac.crawler.ingest.PointErrorCode.INVALID_VALUE;
import static io.almanac.crawler.ingest.PointErrorCode.MALFORMED_RECORD;
import static io.almanac.crawler.ingest.PointErrorCode.MISSING_SERIES;
import static io.almanac.crawler.ingest.PointErrorCode.NON_FINITE_VALUE;
import static io.almanac.crawler.ingest.PointErrorCode.SERIES_MISMATCH;
import static io.almanac.crawler.ingest.PointErrorCode.UNKNOWN_SERIES;

import io.almanac.crawler.generated.DgsConstants.DATAPOINTINPUT;
import io.almanac.crawler.series.SeriesKey;
import io.almanac.crawler.series.SeriesLookup;
import io.almanac.graphql.Ids;
import io.almanac.graphql.Scalars;
import io.almanac.store.ObservationRow;
import io.almanac.store.TimeseriesWriter;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Checks every point of an upload and says precisely what is wrong with each bad one. Series
 * references of the whole batch are resolved with two queries, not one per point.
 */
@Component
class PointValidator {

  /**
   * A point's observation key, for finding duplicates in a batch. Its hash is mixed: a record's default hash
   * (31 * (31 * series + date) + revision) is equal for series s and date d and for series s + 1 and date
   * d - 31, so a batch of consecutive series with one revision date filled hash buckets with one key per
   * series (40 in a 100,000-point upload); Java's HashMap then turned them into trees, and duplicate
   * detection was a tenth of the crawler's CPU during the load.
   */
  record Key(long seriesId, int date, int revision) {
    @Override
    public int hashCode() {
      long h = seriesId * 0x9E3779B97F4A7C15L + ((((long) date) << 32) | (revision & 0xFFFFFFFFL)) * 0xC2B2AE3D27D4EB4FL;
      h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L;
      return (int) (h ^ (h >>> 32));
    }
  }

  /** Longest value text parsed: a stored decimal has 38 digits, a sign, a point and maybe an exponent. */
  private static final int MAX_VALUE_CHARS = 100;

  private static final int QUOTED_CHARS = 200;

  private final SeriesLookup series;

  PointValidator(SeriesLookup series) {
    this.series = series;
  }

  /**
   * @param points the batch as received, {@code points.get(i).index() == i}
   * @param today default revision date
   * @return the valid rows, and every point with its error if it has one
   */
  ValidatedBatch validate(List<ReceivedPoint> points, LocalDate today) {
    Map<Long, SeriesKey> knownIds = series.existing(requestedIds(points));
    Map<SeriesKey, Long> knownKeys = series.find(requestedKeys(points));
    List<ObservationRow> valid = new ArrayList<>(points.size());
    List<ReceivedPoint> checked = new ArrayList<>(points.size());
    List<PointError> errors = new ArrayList<>();
    Map<Key, Integer> seen = new HashMap<>(points.size() * 2);
    for (ReceivedPoint p : points) {
      try {
        if (p.malformed() != null) {
          throw new Refusal(MALFORMED_RECORD, p.malformed());
        }
        if (p.errorCode() != null) {
          throw new Refusal(p.errorCode(), p.errorMessage()); // refused on receipt
        }
        long id = resolveSeries(p, knownIds, knownKeys);
        LocalDate day = parseDate(p.date(), INVALID_DATE, DATAPOINTINPUT.Date);
        LocalDate revisionDay = p.revisionDate() == null
            ? today : parseDate(p.revisionDate(), INVALID_REVISION_DATE, DATAPOINTINPUT.RevisionDate);
        BigDecimal number = parseValue(p.value());
        Integer earlier = seen.putIfAbsent(new Key(id, (int) day.toEpochDay(), (int) revisionDay.toEpochDay()),
            p.index());
        if (earlier != null) {
          throw new Refusal(DUPLICATE_KEY, "Same series, date " + day + " and revision date " + revisionDay
              + " as point " + earlier);
        }
        valid.add(new ObservationRow(id, day, revisionDay, number));
        checked.add(p);
      } catch (Refusal refusal) {
        errors.add(new PointError(p.index(), refusal.code, refusal.getMessage()));
        checked.add(p.withError(refusal.code, refusal.getMessage()));
      }
    }
    return new ValidatedBatch(valid, checked, errors);
  }

  private static long resolveSeries(ReceivedPoint p, Map<Long, SeriesKey> knownIds, Map<SeriesKey, Long> knownKeys)
      throws Refusal {
    Long byKey = null;
    if (p.providerId() != null && p.externalId() != null) {
      Long provider = Ids.parse(p.providerId());
      byKey = provider == null ? null : knownKeys.get(new SeriesKey(provider, p.externalId()));
      if (byKey == null) {
        throw new Refusal(UNKNOWN_SERIES, "No series '" + abbreviate(p.externalId()) + "' of provider '"
            + abbreviate(p.providerId()) + "'");
      }
    }
    if (p.seriesId() != null) {
      Long id = Ids.parse(p.seriesId());
      if (id == null || !knownIds.containsKey(id)) {
        throw new Refusal(UNKNOWN_SERIES, "No series with id '" + abbreviate(p.seriesId()) + "'");
      }
      if (byKey != null && !byKey.equals(id)) {
        throw new Refusal(SERIES_MISMATCH, "seriesId '" + abbreviate(p.seriesId()) + "' and providerId '"
            + abbreviate(p.providerId()) + "' + externalId '" + abbreviate(p.externalId()) + "' name different series");
      }
      return id;
    }
    if (byKey == null) {
      throw new Refusal(MISSING_SERIES, "Name the series by seriesId, or by providerId and externalId");
    }
    return byKey;
  }

  private static LocalDate parseDate(String text, PointErrorCode code, String field) throws Refusal {
    if (text == null) {
      throw new Refusal(code, field + " is required");
    }
    // Only the plain yyyy-MM-dd form: ISO's signed years (+10000-01-01, -0001-01-01) parse, but no series has
    // such dates, and a stored one broke every reader that writes dates back as yyyy-MM-dd (exports).
    if (!isPlainDate(text)) {
      throw new Refusal(code, field + " '" + abbreviate(text) + "' is not an ISO date (yyyy-MM-dd)");
    }
    try {
      return Scalars.parseDate(text);
    } catch (DateTimeParseException e) {
      throw new Refusal(code, field + " '" + abbreviate(text) + "' is not an ISO date (yyyy-MM-dd)");
    }
  }

  /**
   * {@code yyyy-MM-dd} in ASCII digits, four-digit years (0000-01-01 to 9999-12-31). Checked by hand, not with a
   * regular expression: every point's two dates pass here, on the upload's hot path.
   */
  static boolean isPlainDate(String text) {
    if (text.length() != 10) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      char c = text.charAt(i);
      if (i == 4 || i == 7 ? c != '-' : c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static BigDecimal parseValue(String text) throws Refusal {
    if (text == null) {
      return null;
    }
    if (text.length() > MAX_VALUE_CHARS) {
      // No stored value is this long; BigDecimal's parse of a huge digit string would take long.
      throw new Refusal(INVALID_VALUE, "value '" + abbreviate(text) + "' (" + text.length()
          + " characters) is not a decimal of at most 38 digits");
    }
    BigDecimal value;
    try {
      value = Scalars.parseDecimal(text);
    } catch (NumberFormatException e) {
      String lower = text.toLowerCase(Locale.ROOT);
      if (lower.contains("nan") || lower.contains("inf")) {
        throw new Refusal(NON_FINITE_VALUE, "value '" + abbreviate(text) + "' is not a finite number");
      }
      if (text.trim().matches("[+-]?[0-9]+,[0-9]+")) {
        throw new Refusal(INVALID_VALUE, "value '" + text.trim() + "' has a decimal comma; write it with a point ("
            + text.trim().replace(',', '.') + ")");
      }
      throw new Refusal(INVALID_VALUE, "value '" + abbreviate(text) + "' is not a decimal number");
    }
    if (!TimeseriesWriter.fitsStoredScale(value)) {
      throw new Refusal(INVALID_VALUE,
          "value '" + abbreviate(text) + "' has more than 10 fractional digits or more than 28 integer digits");
    }
    return value;
  }

  /** A client's text quoted in an error message: at most {@link #QUOTED_CHARS} characters of it. */
  private static String abbreviate(String text) {
    return PointError.quote(text, QUOTED_CHARS);
  }

  private static Set<Long> requestedIds(List<ReceivedPoint> points) {
    Set<Long> ids = new HashSet<>();
    for (ReceivedPoint p : points) {
      Long id = Ids.parse(p.seriesId());
      if (id != null) {
        ids.add(id);
      }
    }
    return ids;
  }

  private static Set<SeriesKey> requestedKeys(List<ReceivedPoint> points) {
    Set<SeriesKey> keys = new HashSet<>();
    for (ReceivedPoint p : points) {
      Long provider = Ids.parse(p.providerId());
      // PostgreSQL text cannot hold U+0000, so no series has such an id; asking would fail the query.
      if (provider != null && p.externalId() != null && p.externalId().indexOf('\u0000') < 0) {
        keys.add(new SeriesKey(provider, p.externalId()));
      }
    }
    return keys;
  }

  /** A point's refusal; checked so each validation step states what it refuses. */
  private static final class Refusal extends Exception {
    final PointErrorCode code;

    Refusal(PointErrorCode code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }
}
