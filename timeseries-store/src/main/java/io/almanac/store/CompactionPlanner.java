package io.almanac.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToIntFunction;
import org.apache.iceberg.DataFile;

/**
 * Which files of a table to merge, from their statistics alone. The aims, in order: a read of one
 * series opens at most two files once writes pause; no file is rewritten again and again while data
 * streams in (a full rewrite per pass made maintenance quadratic in the table size); few files.
 *
 * <p>For observations, the files are split into a <em>base</em> (the largest files that do not
 * overlap by series id, chosen greedily) and the <em>rest</em> (files overlapping a bigger one:
 * recent uploads and revisions). Jobs, each a k-way merge:
 * <ol>
 *   <li>rest into the base files that it holds at least {@code restToBaseRatio} of the rows of
 *       (estimated from id ranges): the only job that rewrites large files, so a large file is
 *       rewritten once per that fraction of new rows in its range;
 *   <li>while writes go on, rest files of the same size tier (log4 of rows) once there are
 *       {@code minFilesToMerge} of them: each row is rewritten about log4(size) times, not once per pass;
 *   <li>once the table is quiet, each group of rest files that overlap each other into one sorted
 *       run: base plus the rest is then at most two files per series;
 *   <li>runs of adjacent small base files (an upload of many series in id order) into large files.
 * </ol>
 * The raw archive (ordered by time, never overlapping) only needs small files merged by tier.
 */
final class CompactionPlanner {

  /** Rows of the lowest size tier; each next tier holds four times as many. */
  private static final long TIER_BASE_ROWS = 1024;
  /** Target size of an archive file: its rows are whole batches, so rows say little about bytes. */
  static final long ARCHIVE_FILE_BYTES = 128L << 20;

  /**
   * @param minFilesToMerge files of one tier merged together (and small base files coalesced when quiet)
   * @param rowsPerFile rows per written file; files below a quarter of it count as small
   * @param restToBaseRatio rest rows estimated within a base file's id range, relative to its rows, that
   *     make it worth rewriting
   * @param maxFanIn files merged in one job at most
   */
  record Policy(int minFilesToMerge, long rowsPerFile, double restToBaseRatio, int maxFanIn) {

    long smallRows() {
      return rowsPerFile / 4;
    }
  }

  private CompactionPlanner() {}

  /** Merge jobs for the observations table; {@code quiet} when no data was written for a while. */
  static List<List<DataFile>> planObservations(List<DataFile> files, Policy policy, boolean quiet) {
    if (files.size() < 2) {
      return List.of();
    }
    List<DataFileSpan> base = new ArrayList<>();
    List<DataFileSpan> rest = new ArrayList<>();
    TreeMap<Long, DataFileSpan> baseByLow = new TreeMap<>();
    List<DataFileSpan> bySize = files.stream().map(DataFileSpan::of)
        .sorted(Comparator.comparingLong(DataFileSpan::rows).reversed().thenComparingLong(DataFileSpan::low)).toList();
    for (DataFileSpan s : bySize) {
      if (overlapsAny(baseByLow, s)) {
        rest.add(s);
      } else {
        base.add(s);
        baseByLow.put(s.low(), s);
      }
    }
    List<List<DataFile>> jobs = new ArrayList<>();
    if (!rest.isEmpty()) {
      List<DataFileSpan> hot = base.stream().filter(b -> restRowsWithin(rest, b) >= policy.restToBaseRatio() * b.rows())
          .toList();
      if (!hot.isEmpty()) {
        List<DataFileSpan> newer = rest.stream().filter(r -> hot.stream().anyMatch(r::overlaps)).toList();
        if (hot.size() + newer.size() <= policy.maxFanIn()) {
          List<DataFile> job = new ArrayList<>(files(newer));
          job.addAll(files(hot));
          return List.of(job); // the rest may change shape: plan the remainder next pass
        }
      }
      List<List<DataFileSpan>> clusters = quiet ? overlappingClusters(rest) : List.of();
      if (!clusters.isEmpty()) {
        for (List<DataFileSpan> cluster : clusters) {
          jobs.add(files(cluster.stream().sorted(Comparator.comparingLong(DataFileSpan::rows)).limit(policy.maxFanIn())
              .toList()));
        }
      } else {
        tierJob(rest, policy, s -> tier(s.rows())).ifPresent(jobs::add);
      }
    }
    jobs.addAll(coalesceAdjacentSmall(base, policy, quiet));
    return jobs;
  }

  /**
   * Merge jobs for the raw archive (appended in time order, one row per batch, rows of very different
   * sizes): files under a quarter of {@link #ARCHIVE_FILE_BYTES}, tier by tier of bytes.
   */
  static List<List<DataFile>> planArchive(List<DataFile> files, Policy policy) {
    List<DataFileSpan> small = files.stream().filter(f -> f.fileSizeInBytes() < ARCHIVE_FILE_BYTES / 4)
        .map(f -> new DataFileSpan(f, 0, 0)).toList();
    return tierJob(small, policy, s -> tier(s.file().fileSizeInBytes() / 64)).map(List::of).orElse(List.of());
  }

  /** The lowest size tier with enough files, its smallest files up to the fan-in. */
  private static Optional<List<DataFile>> tierJob(List<DataFileSpan> spans, Policy policy, ToIntFunction<DataFileSpan> tierOf) {
    Map<Integer, List<DataFileSpan>> tiers = new TreeMap<>();
    for (DataFileSpan s : spans) {
      tiers.computeIfAbsent(tierOf.applyAsInt(s), t -> new ArrayList<>()).add(s);
    }
    for (List<DataFileSpan> tier : tiers.values()) {
      if (tier.size() >= policy.minFilesToMerge()) {
        return Optional.of(files(tier.stream().sorted(Comparator.comparingLong(DataFileSpan::rows))
            .limit(policy.maxFanIn()).toList()));
      }
    }
    return Optional.empty();
  }

  /**
   * Runs of neighbouring small base files become one job once they hold half a file's rows (or fill
   * the fan-in); when quiet, any run of {@code minFilesToMerge} small files does.
   */
  private static List<List<DataFile>> coalesceAdjacentSmall(List<DataFileSpan> base, Policy policy, boolean quiet) {
    List<List<DataFile>> jobs = new ArrayList<>();
    List<DataFileSpan> run = new ArrayList<>();
    long runRows = 0;
    List<DataFileSpan> ordered = base.stream().sorted(Comparator.comparingLong(DataFileSpan::low)).toList();
    for (DataFileSpan s : ordered) {
      if (s.rows() >= policy.smallRows()) {
        flush(run, runRows, policy, quiet, jobs);
        run = new ArrayList<>();
        runRows = 0;
        continue;
      }
      run.add(s);
      runRows += s.rows();
      if (runRows >= policy.rowsPerFile() / 2 || run.size() == policy.maxFanIn()) {
        jobs.add(files(run));
        run = new ArrayList<>();
        runRows = 0;
      }
    }
    flush(run, runRows, policy, quiet, jobs);
    return jobs;
  }

  private static void flush(List<DataFileSpan> run, long runRows, Policy policy, boolean quiet, List<List<DataFile>> jobs) {
    if (run.size() >= 2 && (runRows >= policy.rowsPerFile() / 2 || (quiet && run.size() >= policy.minFilesToMerge()))) {
      jobs.add(files(run));
    }
  }

  /**
   * Rows of the rest estimated to fall in a base file's id range, taking each rest file's rows as
   * spread evenly over its own range: an upload that only touches the edge of a large file (a series
   * cut between two batches) does not make that file worth rewriting.
   */
  private static double restRowsWithin(List<DataFileSpan> rest, DataFileSpan b) {
    double rows = 0;
    for (DataFileSpan r : rest) {
      if (r.overlaps(b)) {
        double width = (double) r.high() - r.low() + 1;
        double shared = (double) Math.min(r.high(), b.high()) - Math.max(r.low(), b.low()) + 1;
        rows += r.rows() * Math.min(1, shared / width);
      }
    }
    return rows;
  }

  private static boolean overlapsAny(TreeMap<Long, DataFileSpan> disjointByLow, DataFileSpan s) {
    // Disjoint spans sorted by low: only the last one starting at or before s.high can reach s.
    Map.Entry<Long, DataFileSpan> candidate = disjointByLow.floorEntry(s.high());
    return candidate != null && candidate.getValue().high() >= s.low();
  }

  /** Groups of two or more spans linked by overlaps; spans overlapping nothing are left out. */
  private static List<List<DataFileSpan>> overlappingClusters(List<DataFileSpan> spans) {
    List<DataFileSpan> byLow = spans.stream().sorted(Comparator.comparingLong(DataFileSpan::low)).toList();
    List<List<DataFileSpan>> clusters = new ArrayList<>();
    List<DataFileSpan> cluster = new ArrayList<>();
    long reach = Long.MIN_VALUE;
    for (DataFileSpan s : byLow) {
      if (!cluster.isEmpty() && s.low() > reach) {
        if (cluster.size() > 1) {
          clusters.add(cluster);
        }
        cluster = new ArrayList<>();
      }
      cluster.add(s);
      reach = cluster.size() == 1 ? s.high() : Math.max(reach, s.high());
    }
    if (cluster.size() > 1) {
      clusters.add(cluster);
    }
    return clusters;
  }

  private static int tier(long rows) {
    long units = Math.max(1, rows / TIER_BASE_ROWS);
    return (63 - Long.numberOfLeadingZeros(units)) / 2;
  }

  private static List<DataFile> files(List<DataFileSpan> spans) {
    return spans.stream().map(DataFileSpan::file).toList();
  }
}
