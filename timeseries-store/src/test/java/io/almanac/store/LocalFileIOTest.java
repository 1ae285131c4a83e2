package io.almanac.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SeekableInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local FileIO's streams: positions, seeks and reads of every size agree with the bytes written. */
class LocalFileIOTest {

  @TempDir
  Path dir;

  private final LocalFileIO io = new LocalFileIO();

  @Test
  void writesAndReadsBackAtEveryPosition() throws IOException {
    byte[] data = new byte[200_000];
    new Random(7).nextBytes(data);
    String location = dir.toUri() + "nested/dir/file.bin";
    try (PositionOutputStream out = io.newOutputFile(location).create()) {
      out.write(data[0]);
      assertThat(out.getPos()).isEqualTo(1);
      out.write(data, 1, 99);
      out.write(data, 100, 100_000); // larger than the write buffer
      out.write(data, 100_100, data.length - 100_100);
      assertThat(out.getPos()).isEqualTo(data.length);
    }
    assertThat(io.newInputFile(location).getLength()).isEqualTo(data.length);
    try (SeekableInputStream in = io.newInputFile(location).newStream()) {
      assertThat(in.read()).isEqualTo(data[0] & 0xff);
      byte[] small = new byte[10];
      assertThat(in.read(small, 0, 10)).isEqualTo(10);
      assertThat(small).isEqualTo(java.util.Arrays.copyOfRange(data, 1, 11));
      in.seek(150_000);
      byte[] large = new byte[40_000];
      int read = 0;
      while (read < large.length) {
        read += in.read(large, read, large.length - read);
      }
      assertThat(large).isEqualTo(java.util.Arrays.copyOfRange(data, 150_000, 190_000));
      assertThat(in.getPos()).isEqualTo(190_000);
      in.seek(5);
      assertThat(in.read()).isEqualTo(data[5] & 0xff);
      in.seek(data.length - 1);
      assertThat(in.read()).isEqualTo(data[data.length - 1] & 0xff);
      assertThat(in.read()).isEqualTo(-1);
      assertThat(in.read(small, 0, 10)).isEqualTo(-1);
    }
  }

  @Test
  void createRefusesAnExistingFileAndMissingFilesAreNotFound() throws IOException {
    String location = dir.resolve("once.json").toString(); // a plain path works too
    try (PositionOutputStream out = io.newOutputFile(location).create()) {
      out.write(1);
    }
    assertThatThrownBy(() -> io.newOutputFile(location).create()).isInstanceOf(AlreadyExistsException.class);
    try (PositionOutputStream out = io.newOutputFile(location).createOrOverwrite()) {
      out.write(new byte[] {1, 2, 3});
    }
    assertThat(Files.size(dir.resolve("once.json"))).isEqualTo(3);
    assertThatThrownBy(() -> io.newInputFile(dir.resolve("missing").toString()).newStream())
        .isInstanceOf(NotFoundException.class);
    assertThat(io.newInputFile(dir.toUri() + "missing").exists()).isFalse();
  }

  @Test
  void deletesFilesAndTheChecksumsHadoopLeftBesideThem() throws IOException {
    Path file = Files.writeString(dir.resolve("a.parquet"), "x");
    Path checksum = Files.writeString(dir.resolve(".a.parquet.crc"), "c");
    Path other = Files.writeString(dir.resolve("b.parquet"), "y");
    io.deleteFiles(List.of(file.toUri().toString(), "file:" + other, dir.resolve("never-there").toString()));
    assertThat(file).doesNotExist();
    assertThat(checksum).doesNotExist();
    assertThat(other).doesNotExist();
  }

  /**
   * Iceberg's Parquet writer opens Hadoop output files through Hadoop's file system registry, not through
   * the FileIO's own file system; Hadoop's default local file system there (a checksum file system) writes a
   * {@code .crc} file beside each data file and forks a {@code chmod} for it. Its checksum file is the
   * visible trace: none may appear, and the file must read back.
   */
  @Test
  void parquetDataFilesAreWrittenWithoutHadoopsChecksumFileSystem() throws IOException {
    Schema schema = new Schema(Types.NestedField.required(1, "n", Types.LongType.get()));
    String location = dir.toUri() + "data/part-0.parquet";
    try (FileAppender<Record> appender = Parquet.write(io.newOutputFile(location)).schema(schema)
        .createWriterFunc(GenericParquetWriter::create).build()) {
      for (long n = 0; n < 1_000; n++) {
        GenericRecord record = GenericRecord.create(schema);
        record.setField("n", n);
        appender.add(record);
      }
    }
    try (java.util.stream.Stream<Path> files = Files.list(dir.resolve("data"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("part-0.parquet");
    }
    long sum = 0;
    try (CloseableIterable<Record> rows = Parquet.read(io.newInputFile(location)).project(schema)
        .createReaderFunc(type -> GenericParquetReaders.buildReader(schema, type)).build()) {
      for (Record row : rows) {
        sum += (Long) row.getField("n");
      }
    }
    assertThat(sum).isEqualTo(999L * 1_000 / 2);
  }
}
