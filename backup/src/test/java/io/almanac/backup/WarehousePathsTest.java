package io.almanac.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class WarehousePathsTest {

  @Test
  void localLocationsAreFilesInEveryIcebergSpelling() {
    assertThat(WarehousePaths.path("file:/w/almanac/x.parquet")).isEqualTo(Path.of("/w/almanac/x.parquet"));
    assertThat(WarehousePaths.path("file:///w/almanac/x.parquet")).isEqualTo(Path.of("/w/almanac/x.parquet"));
    assertThat(WarehousePaths.path("/w/almanac/x.parquet")).isEqualTo(Path.of("/w/almanac/x.parquet"));
    assertThat(WarehousePaths.path("data/warehouse")).isEqualTo(Path.of("data/warehouse"));
  }

  @Test
  void objectStorageIsRefusedSayingWhatToDoInstead() {
    for (String location : new String[] {"s3://almanac/warehouse", "s3a://b/w/metadata/v1.metadata.json", "gs://b/w"}) {
      assertThatThrownBy(() -> WarehousePaths.path(location))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(location)
          .hasMessageContaining("bucket versioning")
          .hasMessageContaining("Backup and restore");
    }
  }
}
