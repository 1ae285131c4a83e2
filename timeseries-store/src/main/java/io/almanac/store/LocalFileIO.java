package io.almanac.store;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.hadoop.HadoopOutputFile;
import org.apache.iceberg.io.BulkDeletionFailureException;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.SeekableInputStream;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsBulkOperations;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FileIO of a warehouse on a local disk (the default).
 *
 * <p>Iceberg's default for {@code file:} locations is HadoopFileIO over Hadoop's local file system,
 * which forks a {@code chmod} process for every file it creates (without Hadoop's native library) and
 * writes a {@code .crc} file beside each one. A commit creates four files (data, manifest, manifest
 * list, table metadata), so every upload paid several process forks: a 100-point batch took ~170 ms,
 * almost all of it waiting for {@code chmod}. Here reads use java.nio and writes Hadoop's raw local
 * file system with the {@code chmod} left out (see {@link #newOutputFile}). Object stores keep their
 * own FileIO ({@code almanac.store.catalog.io-impl}).
 *
 * <p>Deletes run on the caller's thread: a bulk delete is a few metadata files after each commit,
 * which Iceberg would otherwise hand to a pool it polls every 10 ms.
 */
public class LocalFileIO implements SupportsBulkOperations, SupportsPrefixOperations {

  private static final Logger log = LoggerFactory.getLogger(LocalFileIO.class);
  private static final int READ_BUFFER = 8 << 10;
  private static final Configuration CONF = parsedConfiguration();
  private static final RawLocalFileSystem LOCAL_FS = new NoChmodLocalFileSystem(CONF);

  private static Configuration parsedConfiguration() {
    Configuration conf = new Configuration();
    // Iceberg's Parquet writer does not write through the Hadoop output file it is given: it asks Hadoop
    // for the file system of its path with this configuration (ParquetIO.file, then FileSystem.get), which
    // would be Hadoop's cached LocalFileSystem, a checksum file system that forks a chmod for every data
    // file and writes a .crc beside it. These two make that look-up answer a new NoChmodLocalFileSystem.
    conf.set("fs.file.impl", NoChmodLocalFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    // Hadoop loads that class by name through the configuration's loader: the one that has it, whatever
    // the thread that first opens a table had as its context loader.
    conf.setClassLoader(LocalFileIO.class.getClassLoader());
    conf.size(); // parses the default resources now, so copies start from parsed properties
    return conf;
  }

  public LocalFileIO() {}

  @Override
  public InputFile newInputFile(String location) {
    return new LocalInputFile(location, path(location), -1);
  }

  /** Readers that know the length (from the manifest) save a {@code stat} per file opened. */
  @Override
  public InputFile newInputFile(String location, long length) {
    return new LocalInputFile(location, path(location), length);
  }

  /**
   * A Hadoop output file, because Iceberg's Parquet writer copies a Hadoop output file's configuration
   * but parses Hadoop's XML defaults anew (a few ms, on every data file of every commit) for any
   * other; the configuration here is parsed once, and the file system never forks.
   */
  @Override
  public OutputFile newOutputFile(String location) {
    return HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(path(location).toUri()), LOCAL_FS, CONF);
  }

  @Override
  public void deleteFile(String location) {
    Path path = path(location);
    try {
      Files.deleteIfExists(path);
      // Files written by HadoopFileIO (tables created before this FileIO) have a checksum beside them.
      Path checksum = path.resolveSibling("." + path.getFileName() + ".crc");
      Files.deleteIfExists(checksum);
    } catch (IOException e) {
      throw new UncheckedIOException("Deleting " + location + " failed", e);
    }
  }

  @Override
  public void deleteFiles(Iterable<String> locations) throws BulkDeletionFailureException {
    int failures = 0;
    for (String location : locations) {
      try {
        deleteFile(location);
      } catch (RuntimeException e) {
        failures++;
        log.warn("Deleting {} failed: {}", location, e.toString());
      }
    }
    if (failures > 0) {
      throw new BulkDeletionFailureException(failures);
    }
  }

  /**
   * Every regular file under {@code prefix} (a directory location), named as {@code prefix} is
   * ({@code prefix + "/" + relative path}), with its size and last-modified time (local files have no
   * reliable creation time; a file is written once). A missing directory lists nothing.
   */
  @Override
  public Iterable<FileInfo> listPrefix(String prefix) {
    Path root = path(prefix);
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    String base = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    List<FileInfo> files = new ArrayList<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path file : (Iterable<Path>) paths::iterator) {
        try {
          BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
          if (attributes.isRegularFile()) {
            String relative = root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
            files.add(new FileInfo(base + "/" + relative, attributes.size(),
                attributes.lastModifiedTime().toMillis()));
          }
        } catch (NoSuchFileException deletedMeanwhile) {
          // deleted while listing (an expired snapshot's file): nothing to report
        }
      }
    } catch (IOException | UncheckedIOException e) {
      throw new UncheckedIOException("Listing " + prefix + " failed",
          e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
    }
    return files;
  }

  /** Deletes every file under {@code prefix}. */
  @Override
  public void deletePrefix(String prefix) {
    deleteFiles(() -> Stream.of(listPrefix(prefix)).flatMap(i -> {
      List<String> locations = new ArrayList<>();
      i.forEach(f -> locations.add(f.location()));
      return locations.stream();
    }).iterator());
  }

  /** {@code file:/a/b}, {@code file:///a/b} or a plain path. */
  static Path path(String location) {
    if (location.startsWith("file:")) {
      return Path.of(URI.create(location.startsWith("file://") ? location : "file://" + location.substring(5)));
    }
    return Path.of(location);
  }

  /** {@code knownLength} is -1 when the length must be read from the file system. */
  private record LocalInputFile(String location, Path path, long knownLength) implements InputFile {

    @Override
    public long getLength() {
      if (knownLength >= 0) {
        return knownLength;
      }
      try {
        return Files.size(path);
      } catch (NoSuchFileException e) {
        throw new NotFoundException(e, "File does not exist: %s", location);
      } catch (IOException e) {
        throw new UncheckedIOException("Reading the size of " + location + " failed", e);
      }
    }

    @Override
    public SeekableInputStream newStream() {
      try {
        return new ChannelInputStream(FileChannel.open(path, StandardOpenOption.READ));
      } catch (NoSuchFileException e) {
        throw new NotFoundException(e, "File does not exist: %s", location);
      } catch (IOException e) {
        throw new UncheckedIOException("Opening " + location + " failed", e);
      }
    }

    @Override
    public boolean exists() {
      return Files.exists(path);
    }
  }

  /**
   * Hadoop's local file system without its {@code chmod} after each create. Public with a no-argument
   * constructor: Hadoop instantiates it by name for the Parquet writer (see {@link #parsedConfiguration}).
   */
  public static final class NoChmodLocalFileSystem extends RawLocalFileSystem {

    /** For Hadoop's {@code FileSystem.get}, which initializes the instance itself. */
    public NoChmodLocalFileSystem() {}

    NoChmodLocalFileSystem(Configuration conf) {
      try {
        initialize(URI.create("file:///"), conf);
      } catch (IOException e) {
        throw new UncheckedIOException("Opening the local file system failed", e);
      }
    }

    @Override
    public void setPermission(org.apache.hadoop.fs.Path path, FsPermission permission) {
      // Files keep the process's default permissions; Hadoop would fork a chmod here.
    }
  }

  /**
   * Positional reads from a file channel. Small reads (Avro manifests read a few bytes at a time) go
   * through a buffer; large ones (Parquet column chunks) straight into the caller's array.
   */
  private static final class ChannelInputStream extends SeekableInputStream {

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER).limit(0);
    /** File position of the buffer's first byte. */
    private long bufferStart;

    ChannelInputStream(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public long getPos() {
      return bufferStart + buffer.position();
    }

    @Override
    public void seek(long position) throws IOException {
      if (position < 0) {
        throw new EOFException("Negative position " + position);
      }
      if (position >= bufferStart && position <= bufferStart + buffer.limit()) {
        buffer.position((int) (position - bufferStart));
      } else {
        bufferStart = position;
        buffer.limit(0);
      }
    }

    @Override
    public int read() throws IOException {
      if (!buffer.hasRemaining() && !fill()) {
        return -1;
      }
      return buffer.get() & 0xff;
    }

    @Override
    public int read(byte[] bytes, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (buffer.hasRemaining()) {
        int n = Math.min(len, buffer.remaining());
        buffer.get(bytes, off, n);
        return n;
      }
      if (len < READ_BUFFER) {
        if (!fill()) {
          return -1;
        }
        int n = Math.min(len, buffer.remaining());
        buffer.get(bytes, off, n);
        return n;
      }
      long position = getPos();
      int n = channel.read(ByteBuffer.wrap(bytes, off, len), position);
      if (n > 0) {
        bufferStart = position + n;
        buffer.limit(0);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long target = Math.min(getPos() + Math.max(0, n), channel.size());
      long skipped = target - getPos();
      seek(target);
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(Integer.MAX_VALUE, Math.max(0, channel.size() - getPos()));
    }

    /** Refills the buffer from the current position; false at the end of the file. */
    private boolean fill() throws IOException {
      long position = getPos();
      buffer.clear();
      int n = channel.read(buffer, position);
      buffer.flip();
      bufferStart = position;
      return n > 0;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
