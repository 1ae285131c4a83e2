package io.almanac.crawler.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.crawler.series.SeriesKey;
import io.almanac.crawler.series.SeriesLookup;
import io.almanac.store.ObservationRow;
import io.almanac.store.RawPoint;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each point error the validator produces, against a registry of two series held in memory. */
class PointValidatorTest {

  private static final SeriesKey GDP = new SeriesKey(1, "GDP");
  private static final SeriesKey CPI = new SeriesKey(1, "CPI");
  private static final LocalDate TODAY = LocalDate.parse("2024-06-30");

  /** Series 10 is provider 1's GDP, 11 its CPI; remembers what it was asked. */
  private static final class Registry implements SeriesLookup {
    private final Map<Long, SeriesKey> series = Map.of(10L, GDP, 11L, CPI);
    final List<Set<Long>> idQueries = new ArrayList<>();
    final List<Set<SeriesKey>> keyQueries = new ArrayList<>();

    @Override
    public Map<Long, SeriesKey> existing(Collection<Long> ids) {
      idQueries.add(new HashSet<>(ids));
      Map<Long, SeriesKey> found = new HashMap<>();
      ids.forEach(id -> {
        if (series.containsKey(id)) {
          found.put(id, series.get(id));
        }
      });
      return found;
    }

    @Override
    public Map<SeriesKey, Long> find(Collection<SeriesKey> keys) {
      keyQueries.add(new HashSet<>(keys));
      Map<SeriesKey, Long> found = new HashMap<>();
      series.forEach((id, key) -> {
        if (keys.contains(key)) {
          found.put(key, id);
        }
      });
      return found;
    }
  }

  private static ReceivedPoint byId(int index, String seriesId, String date, String value, String revision) {
    return ReceivedPoint.of(index, seriesId, null, null, date, value, revision);
  }

  private static ReceivedPoint byKey(int index, String providerId, String externalId, String date, String value,
      String revision) {
    return ReceivedPoint.of(index, null, providerId, externalId, date, value, revision);
  }

  @Test
  void eachBadPointGetsItsCodeAndTheValidOnesBecomeRows() {
    List<ReceivedPoint> points = List.of(
        byId(0, "10", "2024-01-01", "1.5", "2024-02-01"),
        ReceivedPoint.malformed(1, "line is not a JSON object: {x"),
        byId(2, null, "2024-01-01", "1", null),
        byId(3, "999", "2024-01-01", "1", null),
        byId(4, "abc", "2024-01-01", "1", null),
        byKey(5, "1", "NOPE", "2024-01-01", "1", null),
        ReceivedPoint.of(6, "10", "1", "CPI", "2024-01-01", "1", null),
        byId(7, "10", "2024-02-30", "1", null),
        byId(8, "10", null, "1", null),
        byId(9, "10", "2024-01-05", "1", "31/03/2024"),
        byId(10, "10", "2024-01-06", "12,5", null),
        byId(11, "10", "2024-01-07", "1.00000000001", null),
        byId(12, "10", "2024-01-08", "1" + "0".repeat(28), null),
        byId(13, "10", "2024-01-09", "NaN", null),
        byId(14, "10", "2024-01-10", "-Infinity", null),
        byKey(15, "1", "GDP", "2024-01-01", "2", "2024-02-01"),
        byKey(16, "1", "GDP", "2024-01-02", null, null),
        ReceivedPoint.of(17, "10", "1", "GDP", "2024-01-03", "1234567890123456789012345678.0123456789", "2024-01-04"));
    Registry registry = new Registry();

    ValidatedBatch batch = new PointValidator(registry).validate(points, TODAY);

    assertThat(batch.errors()).extracting(e -> e.index() + ":" + e.code()).containsExactly(
        "1:MALFORMED_RECORD", "2:MISSING_SERIES", "3:UNKNOWN_SERIES", "4:UNKNOWN_SERIES", "5:UNKNOWN_SERIES",
        "6:SERIES_MISMATCH", "7:INVALID_DATE", "8:INVALID_DATE", "9:INVALID_REVISION_DATE", "10:INVALID_VALUE",
        "11:INVALID_VALUE", "12:INVALID_VALUE", "13:NON_FINITE_VALUE", "14:NON_FINITE_VALUE", "15:DUPLICATE_KEY");
    Map<Integer, String> messages = new HashMap<>();
    batch.errors().forEach(e -> messages.put(e.index(), e.message()));
    assertThat(messages.get(1)).isEqualTo("line is not a JSON object: {x");
    assertThat(messages.get(8)).isEqualTo("date is required");
    assertThat(messages.get(15)).isEqualTo("Same series, date 2024-01-01 and revision date 2024-02-01 as point 0");

    assertThat(batch.validRows()).containsExactly(
        new ObservationRow(10, LocalDate.parse("2024-01-01"), LocalDate.parse("2024-02-01"), new BigDecimal("1.5")),
        new ObservationRow(10, LocalDate.parse("2024-01-02"), TODAY, null),
        new ObservationRow(10, LocalDate.parse("2024-01-03"), LocalDate.parse("2024-01-04"),
            new BigDecimal("1234567890123456789012345678.0123456789")));

    // Every point keeps the text as sent; refused ones carry their error, for the archive.
    assertThat(batch.points()).hasSize(points.size());
    assertThat(batch.points().get(0)).isSameAs(points.get(0));
    assertThat(batch.points().get(7).toRawPoint()).isEqualTo(new RawPoint(7, "10", null, null, "2024-02-30", "1",
        null, "INVALID_DATE", "date '2024-02-30' is not an ISO date (yyyy-MM-dd)"));
    assertThat(batch.points().get(1).toRawPoint()).isEqualTo(
        new RawPoint(1, null, null, null, null, null, null, "MALFORMED_RECORD", "line is not a JSON object: {x"));
    assertThat(batch.points().get(16).toRawPoint())
        .isEqualTo(new RawPoint(16, null, "1", "GDP", "2024-01-02", null, null, null, null));

    // The batch's series references are resolved in one query by id and one by key.
    assertThat(registry.idQueries).containsExactly(Set.of(10L, 999L));
    assertThat(registry.keyQueries).containsExactly(Set.of(new SeriesKey(1, "NOPE"), CPI, GDP));
  }

  @Test
  void onlyPlainFourDigitYearDatesAreAccepted() {
    // ISO's expanded years parse with LocalDate.parse, and an export of such a date failed mid-stream.
    List<String> refused = List.of("+10000-01-01", "+99999-01-01", "-0001-01-01", "+2024-01-01", "2024-1-01",
        "20240101", "2024-01-01T00:00", "٢٠٢٤-٠١-٠١");
    List<ReceivedPoint> points = new java.util.ArrayList<>();
    for (int i = 0; i < refused.size(); i++) {
      points.add(byId(i, "10", refused.get(i), "1", null));
    }
    int revision = points.size();
    points.add(byId(revision, "10", "2024-01-01", "1", "+20000-01-01"));
    points.add(byId(revision + 1, "10", "0000-01-01", "1", "9999-12-31"));

    ValidatedBatch batch = new PointValidator(new Registry()).validate(points, TODAY);

    List<String> expected = new java.util.ArrayList<>();
    for (int i = 0; i < refused.size(); i++) {
      expected.add(i + ":INVALID_DATE");
    }
    expected.add(revision + ":INVALID_REVISION_DATE");
    assertThat(batch.errors()).extracting(e -> e.index() + ":" + e.code()).containsExactlyElementsOf(expected);
    assertThat(batch.errors().get(0).message()).isEqualTo("date '+10000-01-01' is not an ISO date (yyyy-MM-dd)");
    assertThat(batch.validRows()).containsExactly(
        new ObservationRow(10, LocalDate.of(0, 1, 1), LocalDate.of(9999, 12, 31), BigDecimal.ONE));
  }

  /**
   * The duplicate check's keys spread over hash codes for the shape of a bulk upload (40 consecutive series
   * of 2,520 consecutive days, one revision date): the record's default hash gave such a batch 3,729
   * distinct codes for its 100,800 keys, so its map's buckets were trees of up to 40 keys.
   */
  @Test
  void observationKeysOfAnUploadHaveDistinctHashCodes() {
    Set<Integer> hashes = new HashSet<>();
    int keys = 0;
    int revision = (int) TODAY.toEpochDay();
    for (long series = 1_000; series < 1_040; series++) {
      for (int day = 16_000; day < 16_000 + 2_520; day++) {
        hashes.add(new PointValidator.Key(series, day, revision).hashCode());
        keys++;
      }
    }
    assertThat(hashes.size()).isGreaterThan(keys * 99 / 100);
  }
}
