package io.almanac.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesHistoryTest {

  private static final LocalDate Q1 = LocalDate.parse("2024-01-01");
  private static final LocalDate Q2 = LocalDate.parse("2024-04-01");
  private static final LocalDate ADVANCE = LocalDate.parse("2024-04-25");
  private static final LocalDate SECOND = LocalDate.parse("2024-05-30");
  private static final LocalDate THIRD = LocalDate.parse("2024-06-27");
  private static final LocalDate Q2_ADVANCE = LocalDate.parse("2024-07-25");

  private static int day(LocalDate d) {
    return (int) d.toEpochDay();
  }

  /** Q1 with advance, second and third estimates; Q2 with an advance estimate; rows added out of order. */
  private static SeriesHistory gdp() {
    SeriesHistoryBuilder b = new SeriesHistoryBuilder(7);
    b.add(day(Q2), day(Q2_ADVANCE), new BigDecimal("2.8000000000"), 40);
    b.add(day(Q1), day(THIRD), new BigDecimal("1.4"), 30);
    b.add(day(Q1), day(ADVANCE), new BigDecimal("1.6"), 10);
    b.add(day(Q1), day(SECOND), new BigDecimal("1.3"), 20);
    return b.build();
  }

  private static List<String> values(SeriesHistory h, int[] rows) {
    return Arrays.stream(rows).mapToObj(r -> h.date(r) + "=" + h.value(r).toPlainString()).toList();
  }

  @Test
  void latestViewTakesTheLastRevisionOfEveryDate() {
    SeriesHistory h = gdp();
    assertThat(values(h, h.view(null, null, null))).containsExactly("2024-01-01=1.4", "2024-04-01=2.8");
  }

  @Test
  void asOfViewTakesTheLastRevisionPublishedOnOrBeforeTheDate() {
    SeriesHistory h = gdp();
    assertThat(values(h, h.view(ADVANCE.plusDays(1), null, null))).containsExactly("2024-01-01=1.6");
    assertThat(values(h, h.view(SECOND, null, null))).containsExactly("2024-01-01=1.3");
    assertThat(values(h, h.view(ADVANCE.minusDays(1), null, null))).isEmpty();
  }

  @Test
  void viewBoundsAreInclusive() {
    SeriesHistory h = gdp();
    assertThat(values(h, h.view(null, Q2, Q2))).containsExactly("2024-04-01=2.8");
    assertThat(values(h, h.view(null, Q1.plusDays(1), Q2.minusDays(1)))).isEmpty();
  }

  @Test
  void laterWriteOfTheSameKeyWins() {
    SeriesHistoryBuilder b = new SeriesHistoryBuilder(1);
    b.add(day(Q1), day(ADVANCE), new BigDecimal("9"), 200);
    b.add(day(Q1), day(ADVANCE), new BigDecimal("5"), 100);
    SeriesHistory h = b.build();
    assertThat(h.size()).isEqualTo(1);
    assertThat(h.value(0)).isEqualByComparingTo("9");
    assertThat(h.lastIngestMicros()).isEqualTo(200);
  }

  @Test
  void revisionsCarrySupersessionAndOriginalRelease() {
    SeriesHistory h = gdp();
    int[] rows = h.revisionsOf(Q1);
    assertThat(rows).hasSize(3);
    assertThat(h.revisionDate(rows[0])).isEqualTo(ADVANCE);
    assertThat(h.originalRelease(rows[0])).isTrue();
    assertThat(h.supersededOn(rows[0])).isEqualTo(SECOND);
    assertThat(h.originalRelease(rows[1])).isFalse();
    assertThat(h.supersededOn(rows[2])).isNull();
    assertThat(h.revisionsOf(Q1.plusDays(1))).isEmpty();
  }

  @Test
  void firstReleaseViewTakesEachDatesFirstRowPublishedByAsOf() {
    SeriesHistory h = gdp();
    assertThat(values(h, h.firstReleaseView(null, null, null))).containsExactly("2024-01-01=1.6", "2024-04-01=2.8");
    // Q2 was first published on 2024-07-25: absent before, whatever Q1's later revisions say.
    assertThat(values(h, h.firstReleaseView(THIRD, null, null))).containsExactly("2024-01-01=1.6");
    assertThat(values(h, h.firstReleaseView(ADVANCE, null, null))).containsExactly("2024-01-01=1.6");
    assertThat(h.firstReleaseView(ADVANCE.minusDays(1), null, null)).isEmpty();
    assertThat(values(h, h.firstReleaseView(null, Q2, null))).containsExactly("2024-04-01=2.8");
    assertThat(values(h, h.firstReleaseView(null, null, Q2.minusDays(1)))).containsExactly("2024-01-01=1.6");
    assertThat(h.firstReleaseView(null, Q2, Q1)).as("from after to").isEmpty();
    for (int row : h.firstReleaseView(null, null, null)) {
      assertThat(h.originalRelease(row)).isTrue();
    }
  }

  @Test
  void revisionEpochDayIsTheRevisionDateAsADayCount() {
    SeriesHistory h = gdp();
    for (int row = 0; row < h.size(); row++) {
      assertThat(h.revisionEpochDay(row)).isEqualTo(day(h.revisionDate(row)));
    }
  }

  @Test
  void vintagesAreDistinctRevisionDatesInRange() {
    SeriesHistory h = gdp();
    assertThat(h.vintages(null, null)).containsExactly(ADVANCE, SECOND, THIRD, Q2_ADVANCE);
    assertThat(h.vintages(SECOND, THIRD)).containsExactly(SECOND, THIRD);
  }

  @Test
  void latestIsTheLastDatedRowWithAValueOfTheView() {
    SeriesHistoryBuilder b = new SeriesHistoryBuilder(1);
    b.add(day(Q1), day(ADVANCE), new BigDecimal("1"), 1);
    b.add(day(Q2), day(SECOND), new BigDecimal("2"), 1);
    b.add(day(Q2), day(THIRD), null, 2);
    SeriesHistory h = b.build();
    for (LocalDate asOf : new LocalDate[] {null, ADVANCE.minusDays(1), ADVANCE, SECOND, THIRD}) {
      int[] view = h.view(asOf, null, null);
      int expected = -1;
      for (int i = view.length - 1; i >= 0 && expected < 0; i--) {
        if (h.value(view[i]) != null) {
          expected = view[i];
        }
      }
      assertThat(h.latest(asOf)).as("as of %s", asOf).isEqualTo(expected);
    }
    assertThat(h.value(h.latest(SECOND)).toPlainString()).isEqualTo("2");
    assertThat(h.value(h.latest(null)).toPlainString()).isEqualTo("1");
  }

  @Test
  void missingValuesStayNullAndTrailingZerosAreDropped() {
    SeriesHistoryBuilder b = new SeriesHistoryBuilder(1);
    b.add(day(Q1), day(ADVANCE), null, 1);
    b.add(day(Q2), day(ADVANCE), new BigDecimal("101.2500000000"), 1);
    SeriesHistory h = b.build();
    assertThat(h.value(0)).isNull();
    assertThat(h.value(1).toPlainString()).isEqualTo("101.25");
  }

  /**
   * Values as unscaled longs at the table's scale (the read path) give exactly the decimals and
   * doubles that the same values as BigDecimals give: trailing zeros, zero, negatives, and longs
   * beyond a double's 53 bits, where the double must still be the nearest one.
   */
  @Test
  void unscaledValuesGiveTheSameDecimalsAndDoublesAsBigDecimals() {
    java.util.Random random = new java.util.Random(42);
    for (int series = 0; series < 200; series++) {
      int n = 1 + random.nextInt(20);
      long[] unscaled = new long[n];
      BigDecimal[] decimals = new BigDecimal[n];
      java.util.BitSet missing = new java.util.BitSet();
      int[] days = new int[n];
      for (int i = 0; i < n; i++) {
        days[i] = i;
        long value = switch (random.nextInt(5)) {
          case 0 -> random.nextLong(); // up to 19 digits
          case 1 -> random.nextInt(1000) * 10_000_000_000L; // whole numbers
          case 2 -> (random.nextInt(2_000_001) - 1_000_000) * (long) Math.pow(10, random.nextInt(8));
          case 3 -> 0;
          default -> random.nextLong() >> random.nextInt(40);
        };
        if (random.nextInt(10) == 0) {
          missing.set(i);
          value = 0;
        }
        unscaled[i] = value;
        decimals[i] = missing.get(i) ? null : BigDecimal.valueOf(value, TimeseriesTables.VALUE_SCALE).stripTrailingZeros();
      }
      SeriesHistory fast = SeriesHistory.ofUnscaled(1, days, days, unscaled, missing, 0);
      SeriesHistory general = SeriesHistory.ofValues(1, days, days, decimals, 0);
      for (int i = 0; i < n; i++) {
        assertThat(fast.value(i)).isEqualTo(general.value(i));
        String plain = missing.get(i) ? null : decimals[i].toPlainString();
        assertThat(fast.plainValue(i)).isEqualTo(plain);
        assertThat(general.plainValue(i)).isEqualTo(plain);
        assertThat(Double.valueOf(fast.doubleValue(i))).isEqualTo(Double.valueOf(general.doubleValue(i))); // NaN equals NaN
        if (!missing.get(i)) {
          assertThat(fast.doubleValue(i)).isEqualTo(decimals[i].doubleValue());
        }
      }
    }
  }

  /**
   * {@code sameValue} and {@code republication} against BigDecimal comparison, for series held as longs and
   * as wide decimals: equal values at different scales, a value and a missing one, two missing ones.
   */
  @Test
  void sameValueComparesExactlyAndRepublicationIsAnUnchangedVintage() {
    java.util.Random random = new java.util.Random(7);
    String[] pool = {"1.5", "1.50", "1.500000001", "-1.5", "0", null, "2"};
    for (boolean wide : new boolean[] {false, true}) {
      for (int series = 0; series < 50; series++) {
        int n = 2 + random.nextInt(12);
        int[] dates = new int[n];
        int[] revisions = new int[n];
        BigDecimal[] values = new BigDecimal[n];
        for (int i = 0; i < n; i++) {
          dates[i] = i / 3;
          revisions[i] = i;
          String text = pool[random.nextInt(pool.length)];
          values[i] = text == null ? null : new BigDecimal(text);
        }
        if (wide) {
          values[n - 1] = new BigDecimal("1E+25"); // beyond a long at any scale: the series holds BigDecimals
        }
        SeriesHistory h = SeriesHistory.of(1, dates, revisions, values);
        for (int a = 0; a < n; a++) {
          for (int b = 0; b < n; b++) {
            boolean expected = values[a] == null || values[b] == null
                ? values[a] == null && values[b] == null
                : values[a].compareTo(values[b]) == 0;
            assertThat(h.sameValue(a, b)).as("rows %d and %d of %s", a, b, Arrays.toString(values)).isEqualTo(expected);
          }
          boolean republication = a % 3 != 0 && (values[a] == null ? values[a - 1] == null
              : values[a - 1] != null && values[a].compareTo(values[a - 1]) == 0);
          assertThat(h.republication(a)).isEqualTo(republication);
          assertThat(h.revisionEpochDay(a)).isEqualTo(a);
        }
        assertThat(h.firstRowOnOrAfter(1)).isEqualTo(Math.min(3, n));
        assertThat(h.firstRowOnOrAfter(-5)).isZero();
        assertThat(h.firstRowOnOrAfter(n)).isEqualTo(n);
      }
    }
  }

  /** Plain text at the extremes of a long, and of a tenth of a unit at the table's scale. */
  @Test
  void plainValueMatchesBigDecimalAtTheExtremes() {
    long[] values = {Long.MIN_VALUE, Long.MAX_VALUE, -1, 1, -10, 0, 10_000_000_000L, -10_000_000_000L, 123_000_000_000L};
    int[] days = new int[values.length];
    for (int i = 0; i < days.length; i++) {
      days[i] = i;
    }
    SeriesHistory h = SeriesHistory.ofUnscaled(1, days, days, values, new java.util.BitSet(), 0);
    for (int i = 0; i < values.length; i++) {
      assertThat(h.plainValue(i)).isEqualTo(
          BigDecimal.valueOf(values[i], TimeseriesTables.VALUE_SCALE).stripTrailingZeros().toPlainString());
    }
  }

  @Test
  void ofTakesRowsInKeyOrderAndRefusesOthers() {
    SeriesHistory h = SeriesHistory.of(9, new int[] {day(Q1), day(Q1), day(Q2)},
        new int[] {day(ADVANCE), day(SECOND), day(SECOND)},
        new BigDecimal[] {new BigDecimal("1.60"), null, new BigDecimal("1E+20")});
    assertThat(h.seriesId()).isEqualTo(9);
    assertThat(h.value(0).toPlainString()).isEqualTo("1.6");
    assertThat(h.value(1)).isNull();
    assertThat(h.value(2).toPlainString()).isEqualTo("1" + "0".repeat(20));
    assertThat(h.plainValue(0)).isEqualTo("1.6");
    assertThat(h.plainValue(1)).isNull();
    assertThat(h.plainValue(2)).isEqualTo("1" + "0".repeat(20));
    assertThat(h.lastIngestMicros()).isZero();
    assertThat(h.view(null, null, null)).containsExactly(1, 2);

    assertThatThrownBy(() -> SeriesHistory.of(9, new int[] {day(Q1), day(Q1)},
            new int[] {day(SECOND), day(SECOND)}, new BigDecimal[2]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 1");
    assertThatThrownBy(() -> SeriesHistory.of(9, new int[] {day(Q2), day(Q1)},
            new int[] {day(SECOND), day(SECOND)}, new BigDecimal[2]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ascending");
    assertThatThrownBy(() -> SeriesHistory.of(9, new int[1], new int[1],
            new BigDecimal[2]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1, 1 and 2");
  }
}
