package io.almanac.financial.vintages;

import static io.almanac.financial.vintages.VintageGolden.POINTS;
import static io.almanac.financial.vintages.VintageGolden.V1;
import static io.almanac.financial.vintages.VintageGolden.V2;
import static io.almanac.financial.vintages.VintageGolden.V3;
import static io.almanac.financial.vintages.VintageGolden.V4;
import static io.almanac.financial.vintages.VintageGolden.V5;
import static io.almanac.financial.vintages.VintageGolden.V6;
import static io.almanac.financial.vintages.VintageGolden.VINTAGES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.almanac.financial.generated.types.Frequency;
import io.almanac.financial.generated.types.RevisionStats;
import io.almanac.financial.generated.types.Transform;
import io.almanac.financial.observations.ResponseLimit;
import io.almanac.financial.observations.SeriesReads;
import io.almanac.financial.observations.SeriesView;
import io.almanac.financial.observations.ViewRequest;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import io.almanac.store.SeriesHistory;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Golden tests of the vintage views (issue 13, point 7) without Spring or a database: the as-of view,
 * the vintage panel, changes and revision statistics of {@link VintageGolden}'s series against the same
 * views recomputed from its raw points; the panel's one-merge path against a read per vintage on random
 * histories; the response limit.
 */
class VintageViewsGoldenTest {

  private static final SeriesHistory HISTORY = VintageGolden.history(40, POINTS);
  private static final ResponseLimit NO_LIMIT = new ResponseLimit(Long.MAX_VALUE);
  private static final ViewRequest ALL = ViewRequest.asOf(null, null, null);

  private static LocalDate d(String iso) {
    return LocalDate.parse(iso);
  }

  /** Every day from before the first vintage to after the last, and no asOf: as-of views as ALFRED gives them. */
  @Test
  void asOfViewsAreTheLatestPointPublishedByEachDay() {
    List<LocalDate> asOfs = new ArrayList<>();
    asOfs.add(null);
    for (LocalDate day = V1.minusDays(2); !day.isAfter(V6.plusDays(2)); day = day.plusDays(1)) {
      asOfs.add(day);
    }
    for (LocalDate asOf : asOfs) {
      for (LocalDate[] range : new LocalDate[][] {{null, null}, {d("2023-02-01"), d("2023-04-30")}}) {
        TreeMap<LocalDate, VintageGolden.Point> expected = VintageGolden.asOf(POINTS, asOf, range[0], range[1]);
        SeriesView view = SeriesReads.read(HISTORY, Frequency.MONTHLY, ViewRequest.asOf(range[0], range[1], asOf));
        assertThat(view.size()).as("as of %s", asOf).isEqualTo(expected.size());
        int i = 0;
        for (VintageGolden.Point point : expected.values()) {
          assertThat(view.date(i)).isEqualTo(point.date());
          assertThat(view.revisionDate(i)).isEqualTo(point.revision());
          assertSameDecimal(view.value(i), point.value());
          i++;
        }
      }
    }
  }

  /**
   * ALFRED output type 4 recomputed from the points: each date's first release is what the panel shows
   * in the vintage of that release, and what revision statistics start from.
   */
  @Test
  void firstReleasesAreWhatThePanelShowsInTheirOwnVintage() {
    TreeMap<LocalDate, VintageGolden.Point> firstReleases = VintageGolden.firstRelease(POINTS, null);
    assertThat(firstReleases).hasSize(7);
    assertThat(firstReleases.get(d("2023-01-01")).value()).isEqualByComparingTo("100");
    assertThat(firstReleases.get(d("2023-04-01")).value()).as("published as missing first").isNull();
    VintagePanel panel = VintagePanel.build(HISTORY, Frequency.MONTHLY, VINTAGES, ALL, NO_LIMIT);
    for (VintageGolden.Point first : firstReleases.values()) {
      int v = VINTAGES.indexOf(first.revision());
      int d = dateIndex(panel, first.date());
      assertSameDecimal(panel.decimal(v, d), first.value());
      if (v > 0) {
        assertThat(panel.decimal(v - 1, d)).as("not yet published the vintage before").isNull();
      }
    }
    // As of V3 only the dates first published by then.
    assertThat(VintageGolden.firstRelease(POINTS, V3).keySet())
        .containsExactly(d("2023-01-01"), d("2023-02-01"), d("2023-03-01"));
  }

  /** Vintages out of order, repeated, before any publication and between vintages; ranges cut the dates. */
  @Test
  void panelIsTheAsOfViewOfEachVintageAlignedOnTheirDates() {
    List<LocalDate> vintages = List.of(V6, V1, d("2023-01-01"), V3, V3, d("2023-05-20"), V2);
    for (LocalDate[] range : new LocalDate[][] {{null, null}, {d("2023-02-01"), d("2023-04-01")},
        {d("2023-06-02"), null}, {null, d("2022-12-31")}}) {
      VintageGolden.Panel expected = VintageGolden.panel(POINTS, vintages, range[0], range[1]);
      for (ViewRequest steps : new ViewRequest[] {ViewRequest.asOf(range[0], range[1], null),
          new ViewRequest(range[0], range[1], null, false, Transform.LEVEL, null, null, null)}) {
        for (boolean oneMerge : new boolean[] {true, false}) {
          VintagePanel panel = VintagePanel.build(HISTORY, Frequency.MONTHLY, vintages, steps, NO_LIMIT, oneMerge);
          assertPanel(panel, expected);
          assertThat(panel.vintageDates()).isEqualTo(vintages);
        }
      }
    }
    VintageGolden.Panel all = VintageGolden.panel(POINTS, vintages, null, null);
    assertThat(all.dates()).hasSize(7);
    assertThat(all.values().get(2)).as("a vintage before any publication").containsOnlyNulls();
    assertThat(all.values().get(3)).isEqualTo(all.values().get(4));
  }

  @Test
  void changesAreNewAndRevisedValuesWithTheValueTheyReplaced() {
    LocalDate[][] windows = {{V1.minusDays(1), null}, {V1, V3}, {V2, V4}, {V3, V3}, {V5, null}, {V6, null},
        {d("2000-01-01"), d("2023-03-20")}};
    for (LocalDate[] window : windows) {
      List<Map.Entry<VintageGolden.Point, BigDecimal>> expected = VintageGolden.changes(POINTS, window[0], window[1]);
      SeriesView changes = Revisions.changes(HISTORY, window[0], window[1], NO_LIMIT);
      assertThat(changes.size()).as("changes in (%s, %s]", window[0], window[1]).isEqualTo(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        VintageGolden.Point point = expected.get(i).getKey();
        assertThat(changes.date(i)).isEqualTo(point.date());
        assertThat(changes.revisionDate(i)).isEqualTo(point.revision());
        assertSameDecimal(changes.value(i), point.value());
        assertSameDecimal(changes.previousValue(i), expected.get(i).getValue());
      }
    }
    // What the golden series is built to show: V3 re-published January (left out) and revised February.
    SeriesView v3 = Revisions.changes(HISTORY, V2, V3, NO_LIMIT);
    assertThat(v3.size()).isEqualTo(2);
    assertThat(v3.date(0)).isEqualTo(d("2023-02-01"));
    assertThat(v3.previousValue(0)).isEqualByComparingTo("200");
    assertThat(v3.date(1)).isEqualTo(d("2023-03-01"));
    assertThat(v3.previousValue(1)).isNull();
    assertThat(v3.originalRelease(1)).isTrue();
    // The whole history has 15 rows, 3 of them re-publications (January in V3, March in V4, April in V6).
    assertThat(Revisions.changes(HISTORY, d("2000-01-01"), null, NO_LIMIT).size()).isEqualTo(12);
  }

  @Test
  void revisionStatisticsFollowTheirDefinitions() {
    List<LocalDate> asOfs = new ArrayList<>(VINTAGES);
    asOfs.add(null);
    asOfs.add(V1.minusDays(1));
    for (LocalDate asOf : asOfs) {
      for (LocalDate[] range : new LocalDate[][] {{null, null}, {d("2023-01-01"), d("2023-02-28")},
          {d("2023-03-01"), d("2023-07-01")}, {d("2023-04-01"), d("2023-04-01")}}) {
        VintageGolden.Stats expected = VintageGolden.stats(POINTS, range[0], range[1], asOf);
        RevisionStats actual = Revisions.stats(HISTORY, range[0], range[1], asOf);
        String as = "as of " + asOf + " in " + Arrays.toString(range);
        assertThat(actual.getObservations()).as(as).isEqualTo(expected.observations());
        assertThat(actual.getRevisedObservations()).as(as).isEqualTo(expected.revisedObservations());
        assertClose(actual.getMeanRevision(), expected.meanRevision(), as);
        assertClose(actual.getMeanAbsoluteRevision(), expected.meanAbsoluteRevision(), as);
        assertClose(actual.getMaxAbsoluteRevision(), expected.maxAbsoluteRevision(), as);
        assertClose(actual.getMeanRevisionsPerObservation(), expected.meanRevisionsPerObservation(), as);
        assertClose(actual.getMeanDaysToFinal(), expected.meanDaysToFinal(), as);
      }
    }
    // By hand, all vintages: January 100 -> 101.25 (2 revisions, V1 to V4: 89 days), February 200 -> 199.75
    // (2 revisions, V2 to V5: 92 days), the five others unrevised (April's first release is its 410).
    RevisionStats all = Revisions.stats(HISTORY, null, null, null);
    assertThat(all.getObservations()).isEqualTo(7);
    assertThat(all.getRevisedObservations()).isEqualTo(2);
    assertThat(all.getMeanRevision()).isCloseTo(1.0 / 7, within(1e-15));
    assertThat(all.getMeanAbsoluteRevision()).isCloseTo(1.5 / 7, within(1e-15));
    assertThat(all.getMaxAbsoluteRevision()).isEqualTo(1.25);
    assertThat(all.getMeanRevisionsPerObservation()).isCloseTo(4.0 / 7, within(1e-15));
    assertThat(all.getMeanDaysToFinal()).isEqualTo((89 + 92) / 2.0);
    RevisionStats none = Revisions.stats(HISTORY, null, null, V1.minusDays(1));
    assertThat(none.getObservations()).isZero();
    assertThat(none.getMeanRevision()).isNull();
    assertThat(none.getMaxAbsoluteRevision()).isNull();
    assertThat(none.getMeanDaysToFinal()).isNull();
  }

  /**
   * The panel's one merge of rows and vintages against a read per vintage through {@link SeriesReads}
   * (and against SeriesView's as-of view directly), on random histories: missing values, re-publications,
   * vintages before, between and after the revisions, repeated, in any order, with and without a range.
   */
  @Test
  void oneMergeGivesWhatAReadPerVintageGives() {
    SplittableRandom random = new SplittableRandom(13);
    for (int round = 0; round < 300; round++) {
      List<VintageGolden.Point> points = new ArrayList<>();
      LocalDate start = d("2020-01-01");
      int dates = random.nextInt(30);
      for (int k = 0; k < dates; k++) {
        LocalDate date = start.plusDays(3L * k + random.nextInt(3));
        int[] revisions = random.ints(1 + random.nextInt(5), 0, 60).sorted().distinct().toArray();
        for (int revision : revisions) {
          int pick = random.nextInt(6);
          points.add(new VintageGolden.Point(date, start.plusDays(revision),
              pick == 0 ? null : BigDecimal.valueOf(pick * 25L, 1)));
        }
      }
      SeriesHistory history = VintageGolden.history(1, points);
      List<LocalDate> vintages = new ArrayList<>();
      for (int v = 1 + random.nextInt(12); v > 0; v--) {
        vintages.add(start.plusDays(random.nextInt(-5, 70)));
      }
      LocalDate from = random.nextBoolean() ? null : start.plusDays(random.nextInt(90));
      LocalDate to = random.nextBoolean() ? null : start.plusDays(random.nextInt(90));
      if (from != null && to != null && from.isAfter(to)) {
        to = null;
      }
      ViewRequest steps = ViewRequest.asOf(from, to, null);
      VintagePanel merged = VintagePanel.build(history, Frequency.DAILY, vintages, steps, NO_LIMIT, true);
      VintagePanel read = VintagePanel.build(history, Frequency.DAILY, vintages, steps, NO_LIMIT, false);
      assertThat(merged.dateCount()).isEqualTo(read.dateCount());
      for (int d = 0; d < merged.dateCount(); d++) {
        assertThat(merged.epochDay(d)).isEqualTo(read.epochDay(d));
      }
      for (int v = 0; v < vintages.size(); v++) {
        SeriesView asOf = SeriesView.of(history, vintages.get(v), from, to);
        int present = 0;
        for (int d = 0; d < merged.dateCount(); d++) {
          assertThat(Double.valueOf(merged.value(v, d))).isEqualTo(Double.valueOf(read.value(v, d)));
          assertThat(merged.decimal(v, d)).isEqualTo(read.decimal(v, d));
          if (present < asOf.size() && asOf.epochDay(present) == merged.epochDay(d)) {
            assertThat(merged.decimal(v, d)).isEqualTo(asOf.value(present));
            present++;
          } else {
            assertThat(merged.decimal(v, d)).isNull();
          }
        }
        assertThat(present).as("every date of the vintage's view is a column").isEqualTo(asOf.size());
      }
      assertPanel(merged, VintageGolden.panel(points, vintages, from, to));
    }
  }

  /** vintages x dates up to the limit is served, one point more refused, before the matrix is made; changes likewise. */
  @Test
  void theResponseLimitCountsVintagesTimesDatesAndChanges() {
    List<LocalDate> three = List.of(V6, V6, V6); // 7 dates each
    for (boolean oneMerge : new boolean[] {true, false}) {
      assertThat(VintagePanel.build(HISTORY, Frequency.MONTHLY, three, ALL, new ResponseLimit(21), oneMerge)
          .dateCount()).isEqualTo(7);
      assertThatThrownBy(() -> VintagePanel.build(HISTORY, Frequency.MONTHLY, three, ALL, new ResponseLimit(20),
          oneMerge))
          .isInstanceOfSatisfying(AlmanacGraphQLException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
            assertThat(e.getMessage()).contains("3 vintages x 7 dates", "21 points", "limit is 20");
            assertThat(e.extensions()).containsEntry(ResponseLimit.LIMIT, 20L).containsEntry(ResponseLimit.REQUESTED, 21L);
          });
    }
    assertThat(Revisions.changes(HISTORY, V1.minusDays(1), null, new ResponseLimit(12)).size()).isEqualTo(12);
    assertThatThrownBy(() -> Revisions.changes(HISTORY, V1.minusDays(1), null, new ResponseLimit(11)))
        .isInstanceOfSatisfying(AlmanacGraphQLException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED));
    assertThatThrownBy(() -> VintagePanel.build(HISTORY, Frequency.MONTHLY, List.of(), ALL, NO_LIMIT))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertPanel(VintagePanel panel, VintageGolden.Panel expected) {
    assertThat(panel.dateCount()).isEqualTo(expected.dates().size());
    for (int d = 0; d < panel.dateCount(); d++) {
      assertThat(LocalDate.ofEpochDay(panel.epochDay(d))).isEqualTo(expected.dates().get(d));
    }
    for (int v = 0; v < expected.values().size(); v++) {
      for (int d = 0; d < panel.dateCount(); d++) {
        BigDecimal value = expected.values().get(v).get(d);
        assertSameDecimal(panel.decimal(v, d), value);
        assertThat(panel.decimalText(v, d)).isEqualTo(value == null ? null : value.stripTrailingZeros().toPlainString());
        assertThat(Double.valueOf(panel.value(v, d)))
            .isEqualTo(value == null ? Double.valueOf(Double.NaN) : Double.valueOf(value.doubleValue()));
      }
    }
  }

  private static int dateIndex(VintagePanel panel, LocalDate date) {
    for (int d = 0; d < panel.dateCount(); d++) {
      if (panel.epochDay(d) == date.toEpochDay()) {
        return d;
      }
    }
    throw new AssertionError(date + " is not a date of the panel");
  }

  /** Same number (trailing zeros aside), or both null. */
  private static void assertSameDecimal(BigDecimal actual, BigDecimal expected) {
    if (expected == null) {
      assertThat(actual).isNull();
    } else {
      assertThat(actual).isEqualByComparingTo(expected);
    }
  }

  private static void assertClose(Double actual, Double expected, String as) {
    if (expected == null) {
      assertThat(actual).as(as).isNull();
    } else {
      assertThat(actual).as(as).isNotNull();
      assertThat(actual).as(as).isCloseTo(expected, within(1e-12 * Math.max(1, Math.abs(expected))));
    }
  }
}
