package io.almanac.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/** The compaction policy on file statistics alone: which files each kind of workload gets rewritten. */
class CompactionPlannerTest {

  private static final int SERIES_ID = TimeseriesTables.OBSERVATIONS.findField("series_id").fieldId();
  private static final CompactionPlanner.Policy POLICY = new CompactionPlanner.Policy(4, 2_000_000, 0.1, 64);
  private static final AtomicInteger NAMES = new AtomicInteger();

  private static DataFile file(long lowId, long highId, long rows) {
    return DataFiles.builder(PartitionSpec.unpartitioned())
        .withPath("/warehouse/f" + NAMES.incrementAndGet() + ".parquet")
        .withFormat("parquet")
        .withFileSizeInBytes(rows * 9)
        .withMetrics(new Metrics(rows, null, null, null, null,
            Map.of(SERIES_ID, Conversions.toByteBuffer(Types.LongType.get(), lowId)),
            Map.of(SERIES_ID, Conversions.toByteBuffer(Types.LongType.get(), highId))))
        .build();
  }

  /** A loaded table: five large files with disjoint id ranges. */
  private static List<DataFile> base() {
    List<DataFile> base = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      base.add(file(i * 1000L, i * 1000L + 999, 2_000_000));
    }
    return base;
  }

  @Test
  void aSortedLoadOfManySeriesIsCoalescedWithoutRewritingAnythingTwice() {
    List<DataFile> files = new ArrayList<>();
    for (int i = 0; i < 25; i++) { // commits of 100k rows, series in id order
      files.add(file(i * 10L, i * 10L + 9, 100_000));
    }
    List<List<DataFile>> jobs = CompactionPlanner.planObservations(files, POLICY, false);
    assertThat(jobs).hasSize(2);
    assertThat(jobs).allSatisfy(job -> assertThat(job).hasSize(10));
    assertThat(jobs.get(0)).containsExactlyElementsOf(files.subList(0, 10));
    // The 5 left over wait for more neighbours (or for quiet): no job re-merges a coalesced file.
    assertThat(CompactionPlanner.planObservations(files.subList(20, 25), POLICY, false)).isEmpty();
    assertThat(CompactionPlanner.planObservations(files.subList(20, 25), POLICY, true)).hasSize(1);
  }

  @Test
  void smallRevisionsOverALargeTableMergeAmongThemselvesUntilTheyAreWorthABaseRewrite() {
    List<DataFile> base = base();
    List<DataFile> small = new ArrayList<>();
    for (int i = 0; i < 6; i++) { // each upload touches series spread over the id range
      small.add(file(10 + i, 4_000 + i, 100));
    }
    List<DataFile> files = new ArrayList<>(base);
    files.addAll(small);

    List<List<DataFile>> busy = CompactionPlanner.planObservations(files, POLICY, false);
    assertThat(busy).containsExactly(small);
    List<List<DataFile>> quiet = CompactionPlanner.planObservations(files, POLICY, true);
    assertThat(quiet).containsExactly(small);

    // A rest already merged into one run and no new files: two files per series at most, nothing to do.
    List<DataFile> settled = new ArrayList<>(base);
    settled.add(file(10, 4_005, 600));
    assertThat(CompactionPlanner.planObservations(settled, POLICY, true)).isEmpty();

    // Once the rest holds (by its id range) a tenth of the rows of a base file, they are merged; base
    // files it touches less (the third holds ~140k of its 700k rows) or not at all are left alone.
    List<DataFile> heavy = new ArrayList<>(base);
    DataFile revisions = file(10, 2_500, 700_000);
    heavy.add(revisions);
    List<List<DataFile>> jobs = CompactionPlanner.planObservations(heavy, POLICY, false);
    assertThat(jobs).hasSize(1);
    assertThat(jobs.get(0)).containsExactlyInAnyOrder(revisions, base.get(0), base.get(1));

    // An upload that only touches a large file's last series is no reason to rewrite it.
    List<DataFile> edge = new ArrayList<>(base);
    edge.add(file(4_999, 5_400, 400_000));
    assertThat(CompactionPlanner.planObservations(edge, POLICY, false)).isEmpty();
  }

  @Test
  void restFilesMergeTierByTierWhileWritesGoOn() {
    List<DataFile> files = new ArrayList<>(base());
    List<DataFile> tierZero = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      tierZero.add(file(100 + i, 3_000 + i, 100));
    }
    DataFile[] tierTwo = {file(50, 3_900, 20_000), file(60, 3_800, 20_000), file(70, 3_700, 20_000)};
    files.addAll(tierZero);
    files.addAll(List.of(tierTwo));
    // Three files per tier: below min-files-to-merge, so nothing is rewritten while busy...
    assertThat(CompactionPlanner.planObservations(files, POLICY, false)).isEmpty();
    // ...a fourth small file completes tier 0, whose files merge without the bigger ones.
    DataFile fourth = file(200, 2_000, 100);
    files.add(fourth);
    List<DataFile> expected = new ArrayList<>(tierZero);
    expected.add(fourth);
    assertThat(CompactionPlanner.planObservations(files, POLICY, false)).hasSize(1)
        .first().asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
        .containsExactlyInAnyOrderElementsOf(expected);
    // When quiet, everything overlapping becomes one run.
    assertThat(CompactionPlanner.planObservations(files, POLICY, true).get(0)).hasSize(7);
  }

  @Test
  void whenQuietOnlyRestFilesThatOverlapEachOtherAreMerged() {
    List<DataFile> files = new ArrayList<>(base());
    DataFile a1 = file(100, 200, 50_000);
    DataFile a2 = file(150, 180, 100);
    DataFile b1 = file(3_000, 3_100, 60_000);
    DataFile b2 = file(3_050, 3_300, 200);
    DataFile lone = file(4_500, 4_600, 70_000); // overlaps only a base file: two files per series already
    files.addAll(List.of(a1, a2, b1, b2, lone));
    assertThat(CompactionPlanner.planObservations(files, POLICY, true)).containsExactlyInAnyOrder(
        List.of(a2, a1), List.of(b2, b1));
  }

  @Test
  void filesWithoutBoundsAreNeverTakenForDisjoint() {
    DataFile unbounded = DataFiles.builder(PartitionSpec.unpartitioned())
        .withPath("/warehouse/nobounds.parquet").withFormat("parquet").withFileSizeInBytes(900).withRecordCount(100)
        .build();
    List<DataFile> files = new ArrayList<>(base());
    files.add(unbounded);
    files.add(file(5, 6, 10));
    assertThat(CompactionPlanner.planObservations(files, POLICY, true)).containsExactly(
        List.of(files.get(6), unbounded));
  }

  @Test
  void theArchiveMergesSmallFilesByTierOfBytesAndLeavesLargeOnesAlone() {
    List<DataFile> files = new ArrayList<>();
    files.add(file(0, 0, CompactionPlanner.ARCHIVE_FILE_BYTES / 9)); // about the archive's file size
    for (int i = 0; i < 3; i++) {
      files.add(file(0, 0, 100)); // a small upload each
    }
    files.add(file(0, 0, 500_000)); // a big upload: another tier
    assertThat(CompactionPlanner.planArchive(files, POLICY)).isEmpty();
    files.add(file(0, 0, 120));
    List<List<DataFile>> jobs = CompactionPlanner.planArchive(files, POLICY);
    assertThat(jobs).hasSize(1);
    assertThat(jobs.get(0)).hasSize(4).doesNotContain(files.get(0), files.get(4));
  }
}
