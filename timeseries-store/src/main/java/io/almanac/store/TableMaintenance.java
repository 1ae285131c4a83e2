package io.almanac.store;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.apache.iceberg.parquet.Parquet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the tables fast to read without anyone's help: merges files as {@link CompactionPlanner}
 * decides (k-way merges into sorted files, dropping superseded duplicates of observation keys), expires old snapshots (which deletes the files
 * only they referenced) and lets Iceberg merge manifests. Merging and writing run on the caller's
 * thread; each commit runs on the table's committer between appends, and a commit that lost a race
 * (e.g. a series deleted meanwhile) is abandoned and its files deleted, so no data is ever lost.
 *
 * <p>Orphan files (under a table's location, referenced by no retained snapshot or metadata file,
 * e.g. written by a commit that a crash interrupted) are deleted once older than the orphan age, like
 * Iceberg's {@code DeleteOrphanFiles}: its default of 3 days leaves any running writer's (a Spark job's)
 * files alone. Listing goes through the table's FileIO ({@link SupportsPrefixOperations}: local disk
 * and S3 alike); a FileIO without it is skipped, with a warning.
 */
public final class TableMaintenance {

  private static final Logger log = LoggerFactory.getLogger(TableMaintenance.class);
  /** Files merged in one pass at most: each open reader holds a row group in memory. */
  static final int MAX_FAN_IN = 64;
  private static final int MAX_PASSES = 100;

  /**
   * @param minFilesToMerge files of one size tier merged together (see {@link CompactionPlanner})
   * @param rowsPerFile rows per compacted file; files under a quarter of it are small
   * @param restToBaseRatio newer rows estimated within a large file's series-id range, as a fraction of
   *     its rows, that make it worth rewriting
   * @param quietPeriod observations without a data commit for this long are merged down to at most
   *     two files per series
   * @param snapshotRetention snapshots older than this are expired, and beyond the newest
   *     {@code maxSnapshots} too (every snapshot adds to the metadata each commit rewrites); as-of
   *     reads of the past use revision dates, not old snapshots
   * @param orphanAge files no snapshot references are deleted once older than this; it must exceed the
   *     longest time any writer (this service's compaction, a Spark job) takes from writing a file to
   *     committing it
   */
  public record Settings(int minFilesToMerge, long rowsPerFile, double restToBaseRatio, Duration quietPeriod,
      Duration snapshotRetention, int maxSnapshots, Duration orphanAge) {

    /** Iceberg's own default for {@code DeleteOrphanFiles}. */
    public static final Duration DEFAULT_ORPHAN_AGE = Duration.ofDays(3);

    /** With the default orphan age. */
    public Settings(int minFilesToMerge, long rowsPerFile, double restToBaseRatio, Duration quietPeriod,
        Duration snapshotRetention, int maxSnapshots) {
      this(minFilesToMerge, rowsPerFile, restToBaseRatio, quietPeriod, snapshotRetention, maxSnapshots,
          DEFAULT_ORPHAN_AGE);
    }

    /**
     * @throws IllegalArgumentException naming the first argument out of range: {@code minFilesToMerge}
     *     from 2 to the fan-in ({@value TableMaintenance#MAX_FAN_IN}), {@code rowsPerFile} at least 1,
     *     {@code restToBaseRatio} a positive finite number, durations zero or positive (not null),
     *     {@code maxSnapshots} at least 1, {@code orphanAge} positive
     */
    public Settings {
      // The planner's policy checks the arguments the two share (fields are not assigned yet here).
      new CompactionPlanner.Policy(minFilesToMerge, rowsPerFile, restToBaseRatio, MAX_FAN_IN);
      if (quietPeriod == null || quietPeriod.isNegative()) {
        throw new IllegalArgumentException("quietPeriod must be zero or positive, was " + quietPeriod);
      }
      if (snapshotRetention == null || snapshotRetention.isNegative()) {
        throw new IllegalArgumentException("snapshotRetention must be zero or positive, was " + snapshotRetention);
      }
      if (maxSnapshots < 1) {
        throw new IllegalArgumentException("maxSnapshots must be >= 1 (the current snapshot), was " + maxSnapshots);
      }
      if (orphanAge == null || orphanAge.isNegative() || orphanAge.isZero()) {
        // Zero would delete the files of a commit being written right now.
        throw new IllegalArgumentException("orphanAge must be positive, was " + orphanAge);
      }
    }

    CompactionPlanner.Policy policy() {
      return new CompactionPlanner.Policy(minFilesToMerge, rowsPerFile, restToBaseRatio, MAX_FAN_IN);
    }
  }

  /** What one run did to one table. */
  public record Report(TableKind table, int filesBefore, int filesAfter, long rowsRead, long rowsWritten,
      int snapshotsExpired, int orphansDeleted) {}

  private final TimeseriesStore store;
  private final TimeseriesWriter writer;
  private final Settings settings;
  private final Supplier<Optional<Instant>> retainSince;
  /** When each table's orphans were last looked for (epoch ms): listing a table and reading all its manifests is not free. */
  private final Map<TableKind, Long> orphansCheckedAt = new java.util.concurrent.ConcurrentHashMap<>();

  public TableMaintenance(TimeseriesStore store, TimeseriesWriter writer, Settings settings) {
    this(store, writer, settings, Optional::empty);
  }

  /**
   * @param retainSince asked before each expiry: snapshots committed at or after the instant it gives
   *     are kept whatever their age or number (their summaries are evidence a crash recovery needs,
   *     see {@link TimeseriesWriter#tablesHolding})
   */
  public TableMaintenance(TimeseriesStore store, TimeseriesWriter writer, Settings settings,
      Supplier<Optional<Instant>> retainSince) {
    this.store = store;
    this.writer = writer;
    this.settings = settings;
    this.retainSince = retainSince;
  }

  /** One pass over every table. */
  public List<Report> run() {
    List<Report> reports = new ArrayList<>();
    reports.add(maintain(TableKind.OBSERVATIONS, store::loadObservations));
    reports.add(maintain(TableKind.SERIES, store::loadSeries));
    reports.add(maintain(TableKind.RAW_BATCHES, store::loadRawBatches));
    return reports;
  }

  /**
   * Passes until a pass compacts nothing (a table with more files than {@link #MAX_FAN_IN} needs
   * several), at most {@code 100}; returns the number of passes.
   */
  public int runUntilSettled() {
    for (int pass = 1; pass <= MAX_PASSES; pass++) {
      if (run().stream().allMatch(r -> r.rowsWritten() == 0)) {
        return pass;
      }
    }
    return MAX_PASSES;
  }

  private Report maintain(TableKind kind, Supplier<Table> loader) {
    Table table = loader.get();
    Snapshot start = table.currentSnapshot();
    if (start == null) {
      int orphans = removeOrphans(kind, table);
      StoreMetrics.maintenance(table.name().substring(table.name().lastIndexOf('.') + 1), 0, 0, 0, orphans);
      return new Report(kind, 0, 0, 0, 0, 0, orphans);
    }
    List<DataFile> files = dataFiles(table);
    List<List<DataFile>> jobs = switch (kind) {
      case OBSERVATIONS -> CompactionPlanner.planObservations(files, settings.policy(), quiet(table));
      case RAW_BATCHES -> CompactionPlanner.planArchive(files, settings.policy());
      case SERIES -> files.size() >= settings.minFilesToMerge() ? List.of(files) : List.of();
    };
    long[] counts = {0, 0};
    int filesAfter = files.size();
    int filesRewritten = 0;
    int filesWritten = 0;
    for (List<DataFile> job : jobs) {
      long[] jobCounts = {0, 0};
      List<DataFile> written = rewrite(kind, table, job, jobCounts);
      if (commitRewrite(kind, table, job, written, start.snapshotId())) {
        filesAfter += written.size() - job.size();
        filesRewritten += job.size();
        filesWritten += written.size();
        counts[0] += jobCounts[0];
        counts[1] += jobCounts[1];
      }
    }
    int expired = expire(kind);
    int orphans = removeOrphans(kind, table);
    Report report = new Report(kind, files.size(), filesAfter, counts[0], counts[1], expired, orphans);
    StoreMetrics.maintenance(table.name().substring(table.name().lastIndexOf('.') + 1), filesRewritten, filesWritten,
        expired, orphans);
    if (counts[1] > 0 || expired > 0 || orphans > 0) {
      log.info("Maintenance of {}: {}", kind, report);
    }
    return report;
  }

  /** True when the newest commit that changed data (not a compaction) is older than the quiet period. */
  private boolean quiet(Table table) {
    Snapshot snapshot = table.currentSnapshot();
    while (snapshot != null && DataOperations.REPLACE.equals(snapshot.operation())) {
      snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId());
    }
    return snapshot == null
        || System.currentTimeMillis() - snapshot.timestampMillis() >= settings.quietPeriod().toMillis();
  }

  private List<DataFile> rewrite(TableKind kind, Table table, List<DataFile> inputs, long[] counts) {
    return switch (kind) {
      // Observations stay in their Parquet encoding from the files read to the files written: merging
      // through Iceberg's generic records made a LocalDate, an OffsetDateTime and a BigDecimal of every row
      // only to turn them back into numbers and bytes. Of rows with equal keys only the last (the greatest
      // ingested_at) is kept.
      case OBSERVATIONS -> written(SortedFileWriter.encodedObservations(table, settings.rowsPerFile()),
          out -> merge(inputs, file -> {
            EncodedObservationFile rows = EncodedObservationFile.open(table.io(), file);
            return new SortedRows<>(rows::next, rows);
          }, EncodedObservation::compare, EncodedObservation::sameKey, out, counts));
      case RAW_BATCHES -> written(
          SortedFileWriter.records(table, Long.MAX_VALUE, CompactionPlanner.ARCHIVE_FILE_BYTES, (previous, next) -> true),
          out -> merge(inputs, file -> records(table, file, RawBatchLayout.SCHEMA), RawBatchLayout.ORDER,
              (previous, next) -> false, out, counts));
      case SERIES -> written(
          SortedFileWriter.records(table, settings.rowsPerFile(), Long.MAX_VALUE, (previous, next) -> true),
          out -> mergeSeriesVersions(table, inputs, out, counts));
    };
  }

  /** The files {@code merge} wrote into {@code out}; none left behind when it fails. */
  private static <T> List<DataFile> written(SortedFileWriter<T> out, Consumer<SortedFileWriter<T>> merge) {
    try {
      merge.accept(out);
      out.close();
      return out.files();
    } catch (RuntimeException e) {
      out.abort();
      throw e;
    }
  }

  /** The rows of one sorted file in file order: {@code next} gives null after the last; {@code source} is closed after. */
  private record SortedRows<T>(Supplier<T> next, Closeable source) {}

  private static SortedRows<Record> records(Table table, DataFile file, Schema schema) {
    CloseableIterable<Record> rows = read(table, file, schema);
    CloseableIterator<Record> iterator = rows.iterator();
    return new SortedRows<>(() -> iterator.hasNext() ? iterator.next() : null, rows);
  }

  /**
   * k-way merge of sorted files into one sorted stream; of rows {@code sameKey} says are equal only the last
   * in {@code order} is kept.
   */
  private static <T> void merge(List<DataFile> inputs, Function<DataFile, SortedRows<T>> open, Comparator<T> order,
      BiPredicate<T, T> sameKey, SortedFileWriter<T> out, long[] counts) {
    record Head<T>(T row, SortedRows<T> rest) {}
    List<SortedRows<T>> opened = new ArrayList<>();
    PriorityQueue<Head<T>> heads = new PriorityQueue<>((a, b) -> order.compare(a.row(), b.row()));
    try {
      for (DataFile file : inputs) {
        SortedRows<T> rows = open.apply(file);
        opened.add(rows);
        T first = rows.next().get();
        if (first != null) {
          heads.add(new Head<>(first, rows));
        }
      }
      T pending = null;
      while (!heads.isEmpty()) {
        Head<T> head = heads.poll();
        counts[0]++;
        T following = head.rest().next().get();
        if (following != null) {
          heads.add(new Head<>(following, head.rest()));
        }
        if (pending != null && !sameKey.test(pending, head.row())) {
          out.write(pending);
          counts[1]++;
        }
        pending = head.row();
      }
      if (pending != null) {
        out.write(pending);
        counts[1]++;
      }
    } finally {
      for (SortedRows<T> rows : opened) {
        try {
          rows.source().close();
        } catch (IOException e) {
          log.warn("Closing a data file reader failed", e);
        }
      }
    }
  }

  /**
   * Series versions: keeps every version of each id's metadata history ({@link SeriesLayout#history}:
   * {@code series(id, asOf)} and {@code metadataVersions} read them), dropping only versions that repeat
   * the metadata before them and every version of an id whose latest version deletes it.
   */
  private static void mergeSeriesVersions(Table table, List<DataFile> inputs, SortedFileWriter<Record> out,
      long[] counts) {
    Map<Long, List<Record>> versions = new HashMap<>();
    for (DataFile file : inputs) {
      try (CloseableIterable<Record> rows = read(table, file, SeriesLayout.SCHEMA)) {
        for (Record row : rows) {
          counts[0]++;
          versions.computeIfAbsent(SeriesLayout.ID.get(row), id -> new ArrayList<>()).add(row);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    versions.keySet().stream().sorted().forEach(id -> {
      List<Record> ofId = versions.get(id);
      ofId.sort(SeriesLayout.ORDER);
      for (Record r : SeriesLayout.history(ofId)) {
        out.write(r);
        counts[1]++;
      }
    });
  }

  private boolean commitRewrite(TableKind kind, Table table, List<DataFile> removed, List<DataFile> added,
      long startSnapshot) {
    try {
      writer.committerOf(kind).exclusive(current -> {
        RewriteFiles rewrite = current.newRewrite()
            .scanManifestsWith(IcebergExecutors.CALLER_THREAD)
            .validateFromSnapshot(startSnapshot)
            .rewriteFiles(new HashSet<>(removed), new HashSet<>(added));
        long through = CoalescingAppender.highWater(current);
        if (through > 0) {
          // Carried forward so that expiring the appends' snapshots does not lose the high-water mark.
          rewrite.set(CoalescingAppender.INGESTED_THROUGH, Long.toString(through));
        }
        rewrite.commit();
        return current.currentSnapshot().snapshotId();
      }).get();
      return true;
    } catch (Exception e) {
      log.warn("Compaction of {} abandoned (the table changed under it): {}", kind, e.toString());
      added.forEach(f -> table.io().deleteFile(f.location()));
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return false;
    }
  }

  private int expire(TableKind kind) {
    try {
      // Asked here, not on the committer: it may query a database.
      Optional<Instant> keep = retainSince.get();
      return writer.committerOf(kind).exclusive(table -> {
        List<Long> times = new ArrayList<>();
        table.snapshots().forEach(s -> times.add(s.timestampMillis()));
        times.sort(Comparator.reverseOrder());
        long cutoff = System.currentTimeMillis() - settings.snapshotRetention().toMillis();
        if (times.size() > settings.maxSnapshots()) {
          cutoff = Math.max(cutoff, times.get(settings.maxSnapshots() - 1));
        }
        if (keep.isPresent()) {
          cutoff = Math.min(cutoff, keep.get().toEpochMilli());
        }
        if (times.size() <= 1 || times.get(times.size() - 1) >= cutoff) {
          return 0L;
        }
        table.expireSnapshots()
            .planWith(IcebergExecutors.CALLER_THREAD)
            .executeDeleteWith(IcebergExecutors.CALLER_THREAD)
            .expireOlderThan(cutoff).retainLast(1).commit();
        table.refresh();
        return (long) (times.size() - count(table.snapshots()));
      }).get().intValue();
    } catch (Exception e) {
      log.warn("Snapshot expiry of {} failed: {}", kind, e.toString());
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return 0;
    }
  }

  /**
   * Deletes the table's orphan files older than the orphan age; returns how many. Runs at most once per
   * orphan age (and at least hourly), as no file becomes deletable sooner than that.
   */
  private int removeOrphans(TableKind kind, Table table) {
    long now = System.currentTimeMillis();
    long every = Math.min(settings.orphanAge().toMillis(), Duration.ofHours(1).toMillis());
    Long last = orphansCheckedAt.get(kind);
    if (last != null && now - last < every) {
      return 0;
    }
    orphansCheckedAt.put(kind, now);
    if (!(table.io() instanceof SupportsPrefixOperations prefixes)) {
      log.warn("Orphan files of {} are not removed: its FileIO ({}) cannot list files", kind,
          table.io().getClass().getName());
      return 0;
    }
    try {
      // Reachable files first, listing second: a file written after this point is younger than the age.
      table.refresh();
      Set<String> reachable = reachableFiles(table);
      long cutoff = System.currentTimeMillis() - settings.orphanAge().toMillis();
      List<String> orphans = new ArrayList<>();
      // On object storage a prefix is not a folder: without the slash, .../observations would also list the
      // files of a table at .../observations_old, and delete them as orphans of this one.
      String prefix = table.location().endsWith("/") ? table.location() : table.location() + "/";
      for (FileInfo file : prefixes.listPrefix(prefix)) {
        if (file.createdAtMillis() < cutoff && !reachable.contains(normalize(checksummed(file.location())))) {
          orphans.add(file.location());
        }
      }
      for (String orphan : orphans) {
        table.io().deleteFile(orphan);
      }
      if (!orphans.isEmpty()) {
        log.info("Deleted {} orphan files of {}", orphans.size(), kind);
      }
      return orphans.size();
    } catch (RuntimeException e) {
      log.warn("Orphan file removal of {} failed: {}", kind, e.toString());
      return 0;
    }
  }

  /**
   * Every file the table's metadata references: metadata files (current and logged), statistics,
   * manifest lists, manifests and the data and delete files of every retained snapshot.
   */
  static Set<String> reachableFiles(Table table) {
    Set<String> reachable = new HashSet<>();
    TableMetadata metadata = ((HasTableOperations) table).operations().current();
    reachable.add(normalize(metadata.metadataFileLocation()));
    metadata.previousFiles().forEach(entry -> reachable.add(normalize(entry.file())));
    metadata.statisticsFiles().forEach(stats -> reachable.add(normalize(stats.path())));
    metadata.partitionStatisticsFiles().forEach(stats -> reachable.add(normalize(stats.path())));
    Set<String> manifests = new HashSet<>();
    for (Snapshot snapshot : table.snapshots()) {
      if (snapshot.manifestListLocation() != null) {
        reachable.add(normalize(snapshot.manifestListLocation()));
      }
      for (ManifestFile manifest : snapshot.allManifests(table.io())) {
        if (!manifests.add(manifest.path())) {
          continue;
        }
        reachable.add(normalize(manifest.path()));
        if (manifest.content() == ManifestContent.DATA) {
          try (ManifestReader<DataFile> files = ManifestFiles.read(manifest, table.io(), table.specs())) {
            files.forEach(f -> reachable.add(normalize(f.location())));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        } else {
          try (ManifestReader<DeleteFile> files = ManifestFiles.readDeleteManifest(manifest, table.io(),
              table.specs())) {
            files.forEach(f -> reachable.add(normalize(f.location())));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
    }
    return reachable;
  }

  /** A Hadoop checksum {@code .name.crc} belongs to {@code name}: it is reachable when that is. */
  private static String checksummed(String location) {
    int slash = location.lastIndexOf('/');
    String name = location.substring(slash + 1);
    if (name.startsWith(".") && name.endsWith(".crc") && name.length() > 5) {
      return location.substring(0, slash + 1) + name.substring(1, name.length() - 4);
    }
    return location;
  }

  /** Local locations compare as paths ({@code file:/a}, {@code file:///a} and {@code /a} are one file). */
  private static String normalize(String location) {
    if (location.startsWith("file:") || location.startsWith("/")) {
      return LocalFileIO.path(location).normalize().toString();
    }
    return location;
  }

  private static int count(Iterable<?> items) {
    int n = 0;
    for (Object ignored : items) {
      n++;
    }
    return n;
  }

  /** The live data files of the table's current snapshot, with their statistics (see {@link DataFileIndex}). */
  static List<DataFile> dataFiles(Table table) {
    return DataFileIndex.dataFiles(table, table.currentSnapshot());
  }

  /**
   * The rows of a data file as records of {@code schema} (a layout's, so its column handles apply).
   * Each row is a new record (containers are not reused), so rows can be held without copying.
   */
  static CloseableIterable<Record> read(Table table, DataFile file, Schema schema) {
    return Parquet.read(table.io().newInputFile(file.location()))
        .project(schema)
        .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(schema, fileSchema))
        .build();
  }

  /**
   * For tests and benchmarks: the number of data files of the current snapshot whose series-id
   * statistics hold {@code seriesId}, i.e. of files a read of that one series opens.
   */
  public static int filesHolding(Table table, long seriesId) {
    int n = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planWith(IcebergExecutors.CALLER_THREAD)
        .filter(ObservationLayout.seriesIdEquals(seriesId)).planFiles()) {
      for (FileScanTask task : tasks) {
        n++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return n;
  }
}
