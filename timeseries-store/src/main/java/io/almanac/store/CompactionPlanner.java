package io.almanac.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntFunction;
import org.apache.iceberg.DataFile;

/**
 * Which files of a table to merge, from their statistics alone. The aims, in order: a read of one
 * series opens at most two files once writes pause; no file is rewritten again and again while data
 * streams in (a full rewrite per pass made maintenance quadratic in the table size); few files.
 *
 * <p>For observations, the files are split into a <em>base</em> (the largest files that do not
 * overlap by series id, except that two files may share the one series an upload was cut in, chosen
 * greedily) and the <em>rest</em> (files overlapping a bigger one: recent uploads and revisions).
 * Jobs, each a k-way merge:
 * <ol>
 *   <li>rest into the large base files that it holds at least {@code restToBaseRatio} of the rows of
 *       (estimated from id ranges): the only job that rewrites large files, so a large file is
 *       rewritten once per that fraction of new rows in its range;
 *   <li>runs of adjacent small base files (an upload of many series in id order) into large files,
 *       with the rest files that lie within the run: each row of such a load is rewritten about once;
 *   <li>while writes go on, the other rest files by size tier (log4 of rows) once a tier has
 *       {@code minFilesToMerge} of them: each row is rewritten about log4(size) times, not once per pass;
 *   <li>once the table is quiet, each group of rest files that overlap each other into one sorted
 *       run: base plus the rest is then at most two files per series (three for a series two base
 *       files share).
 * </ol>
 * {@code CompactionSimulationTest} plays these rules against the benchmark's workloads.
 * The raw archive (ordered by time, never overlapping) only needs small files merged by tier.
 */
final class CompactionPlanner {

  /** Rows of the lowest size tier; each next tier holds four times as many. */
  private static final long TIER_BASE_ROWS = 1024;
  /** Target size of an archive file: its rows are whole batches, so rows say little about bytes. */
  static final long ARCHIVE_FILE_BYTES = 128L << 20;
  /** Rest files within a run of small base files from which on they merge among themselves by tier. */
  static final int RUN_REST_FILES = 32;

  /**
   * @param minFilesToMerge files of one tier merged together (and small base files coalesced when quiet)
   * @param rowsPerFile rows per written file; files below a quarter of it count as small
   * @param restToBaseRatio rest rows estimated within a base file's id range, relative to its rows, that
   *     make it worth rewriting
   * @param maxFanIn files merged in one job at most
   */
  record Policy(int minFilesToMerge, long rowsPerFile, double restToBaseRatio, int maxFanIn) {

    /**
     * @throws IllegalArgumentException naming the first argument out of range: a fan-in or tier below
     *     two files, a tier larger than the fan-in, no rows per file, or a ratio that is not a positive
     *     finite number
     */
    Policy {
      if (maxFanIn < 2) {
        throw new IllegalArgumentException("maxFanIn must be >= 2, was " + maxFanIn);
      }
      if (minFilesToMerge < 2) {
        throw new IllegalArgumentException("minFilesToMerge must be >= 2, was " + minFilesToMerge);
      }
      if (minFilesToMerge > maxFanIn) {
        throw new IllegalArgumentException(
            "minFilesToMerge must be <= maxFanIn (" + maxFanIn + "), was " + minFilesToMerge);
      }
      if (rowsPerFile < 1) {
        throw new IllegalArgumentException("rowsPerFile must be >= 1, was " + rowsPerFile);
      }
      if (!(restToBaseRatio > 0) || Double.isInfinite(restToBaseRatio)) {
        throw new IllegalArgumentException(
            "restToBaseRatio must be a positive finite number, was " + restToBaseRatio);
      }
    }

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
    List<DataFileSpan> rest = new ArrayList<>();
    TreeMap<Long, DataFileSpan> baseByLow = new TreeMap<>();
    List<DataFileSpan> bySize = files.stream().map(DataFileSpan::of)
        .sorted(Comparator.comparingLong(DataFileSpan::rows).reversed().thenComparingLong(DataFileSpan::low)).toList();
    for (DataFileSpan s : bySize) {
      if (overlapsAny(baseByLow, s)) {
        rest.add(s);
      } else {
        baseByLow.put(s.low(), s);
      }
    }
    if (!rest.isEmpty()) {
      List<DataFileSpan> hot = baseByLow.values().stream().filter(b -> b.rows() >= policy.smallRows()
          && restRowsWithin(rest, b) >= policy.restToBaseRatio() * b.rows()).toList();
      if (!hot.isEmpty()) {
        List<DataFileSpan> newer = rest.stream().filter(r -> hot.stream().anyMatch(r::overlaps)).toList();
        if (hot.size() + newer.size() <= policy.maxFanIn()) {
          List<DataFile> job = new ArrayList<>(files(newer));
          job.addAll(files(hot));
          return List.of(job); // the rest may change shape: plan the remainder next pass
        }
      }
    }
    List<DataFileSpan> unclaimed = new ArrayList<>(rest);
    List<List<DataFile>> jobs = new ArrayList<>(coalesceAdjacentSmall(baseByLow, unclaimed, policy, quiet));
    if (quiet) {
      for (List<DataFileSpan> cluster : overlappingClusters(unclaimed)) {
        jobs.add(files(cluster.stream().sorted(Comparator.comparingLong(DataFileSpan::rows)).limit(policy.maxFanIn())
            .toList()));
      }
    } else {
      jobs.addAll(tierJobs(unclaimed, policy, s -> tier(s.rows())));
    }
    return jobs;
  }

  /**
   * Merge jobs for the raw archive (appended in time order, one row per batch, rows of very different
   * sizes): files under a quarter of {@link #ARCHIVE_FILE_BYTES}, tier by tier of bytes.
   */
  static List<List<DataFile>> planArchive(List<DataFile> files, Policy policy) {
    List<DataFileSpan> small = files.stream().filter(f -> f.fileSizeInBytes() < ARCHIVE_FILE_BYTES / 4)
        .map(f -> new DataFileSpan(f, 0, 0)).toList();
    return tierJobs(small, policy, s -> tier(s.file().fileSizeInBytes() / 64));
  }

  /** Jobs for each size tier with enough files: all of them, in jobs of up to the fan-in. */
  private static List<List<DataFile>> tierJobs(List<DataFileSpan> spans, Policy policy, ToIntFunction<DataFileSpan> tierOf) {
    Map<Integer, List<DataFileSpan>> tiers = new TreeMap<>();
    for (DataFileSpan s : spans) {
      tiers.computeIfAbsent(tierOf.applyAsInt(s), t -> new ArrayList<>()).add(s);
    }
    List<List<DataFile>> jobs = new ArrayList<>();
    for (List<DataFileSpan> tier : tiers.values()) {
      List<DataFileSpan> smallestFirst = tier.stream().sorted(Comparator.comparingLong(DataFileSpan::rows)).toList();
      for (int from = 0; smallestFirst.size() - from >= policy.minFilesToMerge(); from += policy.maxFanIn()) {
        jobs.add(files(smallestFirst.subList(from, Math.min(smallestFirst.size(), from + policy.maxFanIn()))));
      }
    }
    return jobs;
  }

  /**
   * Runs of neighbouring small base files, each with the rest files that lie within its stretch of
   * ids (reaching at most the edge id of the base files on either side). An upload in id order from
   * concurrent clients leaves such files: each of them is merged once, with its run, instead of tier
   * by tier into files so wide that they make large files worth rewriting. A run is merged once it
   * holds half a file's rows (or fills the fan-in) or when quiet; until then, once
   * {@link #RUN_REST_FILES} rest files or more lie within it, they merge among themselves by size
   * tier. Rest files within a run are removed from {@code rest}.
   */
  private static List<List<DataFile>> coalesceAdjacentSmall(TreeMap<Long, DataFileSpan> baseByLow,
      List<DataFileSpan> rest, Policy policy, boolean quiet) {
    List<DataFileSpan> ordered = new ArrayList<>(baseByLow.values());
    List<List<DataFile>> jobs = new ArrayList<>();
    int first = 0;
    long runRows = 0;
    for (int i = 0; i <= ordered.size(); i++) {
      boolean end = i == ordered.size() || ordered.get(i).rows() >= policy.smallRows();
      if (!end) {
        runRows += ordered.get(i).rows();
      }
      boolean full = !end && (runRows >= policy.rowsPerFile() / 2 || i + 1 - first == policy.maxFanIn());
      if (!end && !full) {
        continue;
      }
      int to = end ? i : i + 1;
      if (to > first) {
        List<DataFileSpan> within = takeRestWithin(ordered, first, to, rest);
        int size = to - first;
        boolean ready = (full && size >= 2)
            || (quiet && size + within.size() >= 2 && (size >= policy.minFilesToMerge() || !within.isEmpty()));
        if (ready) {
          List<DataFileSpan> job = new ArrayList<>(ordered.subList(first, to));
          job.addAll(within.subList(0, Math.min(within.size(), Math.max(0, policy.maxFanIn() - size))));
          jobs.add(files(job));
        } else if (within.size() >= RUN_REST_FILES) {
          // Until then, many uploads within the run merge among themselves by tier, staying inside it.
          jobs.addAll(tierJobs(within, policy, s -> tier(s.rows())));
        }
      }
      first = i + 1;
      runRows = 0;
    }
    return jobs;
  }

  /** Removes from {@code rest} and returns the files within the stretch of {@code ordered[from, to)}. */
  private static List<DataFileSpan> takeRestWithin(List<DataFileSpan> ordered, int from, int to,
      List<DataFileSpan> rest) {
    long low = ordered.get(from).low();
    long high = ordered.get(to - 1).high();
    long floor = from == 0 ? Long.MIN_VALUE : ordered.get(from - 1).high();
    long ceiling = to == ordered.size() ? Long.MAX_VALUE : ordered.get(to).low();
    List<DataFileSpan> within = new ArrayList<>();
    for (Iterator<DataFileSpan> it = rest.iterator(); it.hasNext(); ) {
      DataFileSpan r = it.next();
      if (r.bounded() && r.low() <= high && r.high() >= low && r.low() >= floor && r.high() <= ceiling) {
        within.add(r);
        it.remove();
      }
    }
    return within;
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

  /**
   * Whether {@code s} shares ids with a file of a disjoint set other than one edge id: two files of
   * several series each may share the series an upload was cut in (the one ends with it, the other
   * starts with it), which keeps a load in id order from turning every other file into "rest".
   */
  private static boolean overlapsAny(TreeMap<Long, DataFileSpan> disjointByLow, DataFileSpan s) {
    // Spans sorted by low and at most touching: walk down from the last one starting at or before s.high.
    for (Map.Entry<Long, DataFileSpan> e = disjointByLow.floorEntry(s.high()); e != null;
        e = disjointByLow.lowerEntry(e.getKey())) {
      DataFileSpan b = e.getValue();
      if (b.high() < s.low()) {
        return false;
      }
      if (!touchesOnly(b, s)) {
        return true;
      }
    }
    return false;
  }

  private static boolean touchesOnly(DataFileSpan a, DataFileSpan b) {
    boolean wide = a.low() < a.high() && b.low() < b.high();
    return wide && (a.high() == b.low() || b.high() == a.low());
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
