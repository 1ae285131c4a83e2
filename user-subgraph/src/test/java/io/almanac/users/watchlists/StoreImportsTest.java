package io.almanac.users.watchlists;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The storage library is this module's one documented exception ({@link SeriesExistence}): one class may use it. */
class StoreImportsTest {

  @Test
  void onlyIcebergSeriesExistenceUsesTheStorageLibrary() throws IOException {
    Path main = Path.of("src/main/java");
    List<String> using = new ArrayList<>();
    try (Stream<Path> files = Files.walk(main)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        if (Files.readString(file).contains("io.almanac.store")) {
          using.add(main.relativize(file).toString().replace('\\', '/'));
        }
      }
    }
    assertThat(using).containsExactly("io/almanac/users/watchlists/IcebergSeriesExistence.java");
  }
}
