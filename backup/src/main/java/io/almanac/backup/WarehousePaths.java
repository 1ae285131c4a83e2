package io.almanac.backup;

import java.net.URI;
import java.nio.file.Path;

/** Iceberg locations of a local warehouse ({@code file:/a/b}, {@code file:///a/b} or a plain path) as files. */
final class WarehousePaths {

  private WarehousePaths() {}

  /** A URI scheme other than {@code file:} (s3://, gs://, abfs://, ...): object storage, not a folder here. */
  private static final java.util.regex.Pattern REMOTE = java.util.regex.Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");

  /**
   * @throws IllegalArgumentException for a location on object storage ({@code s3://...}), which this command
   *     does not copy
   */
  static Path path(String location) {
    requireLocal(location);
    if (location.startsWith("file:")) {
      return Path.of(URI.create(location.startsWith("file://") ? location : "file://" + location.substring(5)));
    }
    return Path.of(location);
  }

  /**
   * Refuses a warehouse on object storage, saying what to do instead.
   *
   * @throws IllegalArgumentException for a location with a scheme other than {@code file:}
   */
  static void requireLocal(String location) {
    if (!location.startsWith("file:") && REMOTE.matcher(location).find()) {
      throw new IllegalArgumentException("The warehouse is on object storage (" + location + "): backup and restore"
          + " copy a local warehouse folder only. For an S3 warehouse, keep the bucket's object versions (bucket"
          + " versioning) and back up PostgreSQL alone: README, \"Backup and restore\", \"On object storage\"");
    }
  }

  /**
   * The location's path relative to the warehouse root.
   *
   * @throws IllegalStateException for a file outside the warehouse (a table placed elsewhere, or object storage)
   */
  static Path relative(Path warehouse, String location) {
    Path file = path(location).toAbsolutePath().normalize();
    if (!file.startsWith(warehouse)) {
      throw new IllegalStateException("File " + location + " is outside the warehouse " + warehouse
          + "; only a local warehouse holding every table is backed up by this command");
    }
    return warehouse.relativize(file);
  }
}
