package io.almanac.backup;

import java.net.URI;
import java.nio.file.Path;

/** Iceberg locations of a local warehouse ({@code file:/a/b}, {@code file:///a/b} or a plain path) as files. */
final class WarehousePaths {

  private WarehousePaths() {}

  static Path path(String location) {
    if (location.startsWith("file:")) {
      return Path.of(URI.create(location.startsWith("file://") ? location : "file://" + location.substring(5)));
    }
    return Path.of(location);
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
