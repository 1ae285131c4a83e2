package io.almanac.store.spring;

import static org.assertj.core.api.Assertions.assertThat;

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
}
