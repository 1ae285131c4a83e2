package io.almanac.store.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.almanac.store.LocalFileIO;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class TimeseriesStoreConfigurationTest {

  @Test
  void catalogPropertiesPassThroughWithTheirOwnNames() {
    MockEnvironment environment = new MockEnvironment()
        .withProperty("almanac.store.catalog.type", "rest")
        .withProperty("almanac.store.catalog.uri", "https://catalog.example/api")
        .withProperty("almanac.store.catalog.io-impl", "org.apache.iceberg.aws.s3.S3FileIO")
        .withProperty("almanac.store.catalog.s3.endpoint", "http://127.0.0.1:9000")
        .withProperty("almanac.store.catalog.jdbc.user", "iceberg");
    assertThat(TimeseriesStoreConfiguration.configuredCatalog(environment))
        .containsEntry("type", "rest")
        .containsEntry("uri", "https://catalog.example/api")
        .containsEntry("io-impl", "org.apache.iceberg.aws.s3.S3FileIO")
        .containsEntry("s3.endpoint", "http://127.0.0.1:9000")
        .containsEntry("jdbc.user", "iceberg")
        .hasSize(5);
  }

  @Test
  void noCatalogPropertiesMeansTheDefault() {
    assertThat(TimeseriesStoreConfiguration.configuredCatalog(new MockEnvironment())).isEmpty();
  }

  @Test
  void aLocalWarehouseIsAnAbsoluteFileUriReadWithLocalFileIo() {
    MockEnvironment environment = new MockEnvironment().withProperty("almanac.store.warehouse", "data/w");
    assertThat(TimeseriesStoreConfiguration.warehouseProperties(environment)).isEqualTo(Map.of(
        "warehouse", Path.of("data/w").toAbsolutePath().toUri().toString(),
        "io-impl", LocalFileIO.class.getName()));
  }

  @Test
  void anS3WarehouseSwitchesToS3FileIoWithTheEndpointPathStyleAndRegionGiven() {
    MockEnvironment environment = new MockEnvironment()
        .withProperty("almanac.store.warehouse", "s3://almanac/warehouse")
        .withProperty("almanac.store.s3.endpoint", "http://minio:9000")
        .withProperty("almanac.store.s3.path-style-access", "true")
        .withProperty("almanac.store.s3.region", "eu-central-1");
    assertThat(TimeseriesStoreConfiguration.warehouseProperties(environment)).isEqualTo(Map.of(
        "warehouse", "s3://almanac/warehouse",
        "io-impl", "org.apache.iceberg.aws.s3.S3FileIO",
        "s3.endpoint", "http://minio:9000",
        "s3.path-style-access", "true",
        "client.region", "eu-central-1"));
  }

  @Test
  void onAwsTheRegionIsLeftToTheSdkChainAndWithAnEndpointItDefaultsUnlessAwsRegionIsSet() {
    MockEnvironment aws = new MockEnvironment().withProperty("almanac.store.warehouse", "s3a://bucket");
    assertThat(TimeseriesStoreConfiguration.warehouseProperties(aws)).isEqualTo(Map.of(
        "warehouse", "s3a://bucket", "io-impl", "org.apache.iceberg.aws.s3.S3FileIO",
        "s3.path-style-access", "false"));
    MockEnvironment minio = new MockEnvironment().withProperty("almanac.store.warehouse", "s3://b/p")
        .withProperty("almanac.store.s3.endpoint", "http://127.0.0.1:9000");
    assertThat(TimeseriesStoreConfiguration.warehouseProperties(minio)).containsEntry("client.region", "us-east-1");
    minio.setProperty("AWS_REGION", "us-west-2");
    assertThat(TimeseriesStoreConfiguration.warehouseProperties(minio)).doesNotContainKey("client.region");
  }

  @Test
  void anS3WarehouseWithoutABucketIsRefusedNamingTheSetting() {
    MockEnvironment environment = new MockEnvironment().withProperty("almanac.store.warehouse", "s3:///prefix");
    assertThatThrownBy(() -> TimeseriesStoreConfiguration.warehouseProperties(environment))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ALMANAC_WAREHOUSE").hasMessageContaining("s3:///prefix");
  }

  @Test
  void configuredPropertiesGoOverTheDefaultCatalogAndAConfiguredTypeReplacesIt() {
    Map<String, String> defaults = Map.of("type", "jdbc", "warehouse", "s3://b/w", "io-impl", "S3FileIO");
    assertThat(TimeseriesStoreConfiguration.withDefaults(Map.of("s3.sse.type", "kms", "io-impl", "Mine"), () -> defaults))
        .isEqualTo(Map.of("type", "jdbc", "warehouse", "s3://b/w", "io-impl", "Mine", "s3.sse.type", "kms"));
    assertThat(TimeseriesStoreConfiguration.withDefaults(Map.of("type", "rest", "uri", "https://c"), () -> {
      throw new AssertionError("the default catalog is not opened when a type is configured");
    })).isEqualTo(Map.of("type", "rest", "uri", "https://c"));
  }
}
