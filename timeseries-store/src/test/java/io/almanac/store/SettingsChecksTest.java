package io.almanac.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Each argument check of the settings records, with the message it gives. */
class SettingsChecksTest {

  private static final Duration TEN_SECONDS = Duration.ofSeconds(10);
  private static final Map<String, String> CATALOG = Map.of("type", "jdbc");

  private static AbstractThrowableAssert<?, ? extends Throwable> refused(ThrowingCallable construction) {
    return assertThatThrownBy(construction).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void validSettingsAreAccepted() {
    assertThatCode(() -> new TableMaintenance.Settings(4, 2_000_000, 0.1, TEN_SECONDS, Duration.ofMinutes(1), 50))
        .doesNotThrowAnyException();
    assertThatCode(() -> new TableMaintenance.Settings(2, 1, 0.1, Duration.ZERO, Duration.ZERO, 1))
        .doesNotThrowAnyException();
    assertThatCode(() -> new TableMaintenance.Settings(TableMaintenance.MAX_FAN_IN, 1, 1e9, Duration.ZERO,
        Duration.ZERO, 1)).doesNotThrowAnyException();
    assertThatCode(() -> new StoreSettings("c", CATALOG, "a", "a_raw", Duration.ZERO)).doesNotThrowAnyException();
    assertThat(new StoreSettings("c", Map.of("catalog-impl", "x.Y"), "a", "a", Duration.ZERO).catalogProperties())
        .containsEntry("catalog-impl", "x.Y");
  }

  @Test
  void policyNeedsAFanInOfTwoFilesOrMore() {
    refused(() -> new CompactionPlanner.Policy(2, 100, 0.1, 1)).hasMessage("maxFanIn must be >= 2, was 1");
  }

  @Test
  void policyNeedsTiersOfTwoFilesOrMore() {
    refused(() -> new CompactionPlanner.Policy(1, 100, 0.1, 64)).hasMessage("minFilesToMerge must be >= 2, was 1");
  }

  @Test
  void policyNeedsTiersThatFitTheFanIn() {
    refused(() -> new CompactionPlanner.Policy(65, 100, 0.1, 64))
        .hasMessage("minFilesToMerge must be <= maxFanIn (64), was 65");
  }

  @Test
  void policyNeedsRowsPerFile() {
    refused(() -> new CompactionPlanner.Policy(4, 0, 0.1, 64)).hasMessage("rowsPerFile must be >= 1, was 0");
  }

  @Test
  void policyNeedsAPositiveFiniteRatio() {
    refused(() -> new CompactionPlanner.Policy(4, 100, 0, 64))
        .hasMessage("restToBaseRatio must be a positive finite number, was 0.0");
    refused(() -> new CompactionPlanner.Policy(4, 100, Double.NaN, 64))
        .hasMessage("restToBaseRatio must be a positive finite number, was NaN");
    refused(() -> new CompactionPlanner.Policy(4, 100, Double.POSITIVE_INFINITY, 64))
        .hasMessage("restToBaseRatio must be a positive finite number, was Infinity");
  }

  @Test
  void maintenanceChecksWhatItSharesWithThePolicy() {
    refused(() -> new TableMaintenance.Settings(1, 2_000_000, 0.1, TEN_SECONDS, TEN_SECONDS, 50))
        .hasMessage("minFilesToMerge must be >= 2, was 1");
    refused(() -> new TableMaintenance.Settings(65, 2_000_000, 0.1, TEN_SECONDS, TEN_SECONDS, 50))
        .hasMessage("minFilesToMerge must be <= maxFanIn (64), was 65");
    refused(() -> new TableMaintenance.Settings(4, -1, 0.1, TEN_SECONDS, TEN_SECONDS, 50))
        .hasMessage("rowsPerFile must be >= 1, was -1");
    refused(() -> new TableMaintenance.Settings(4, 2_000_000, -0.5, TEN_SECONDS, TEN_SECONDS, 50))
        .hasMessage("restToBaseRatio must be a positive finite number, was -0.5");
  }

  @Test
  void maintenanceNeedsAQuietPeriodOfZeroOrMore() {
    refused(() -> new TableMaintenance.Settings(4, 2_000_000, 0.1, Duration.ofSeconds(-1), TEN_SECONDS, 50))
        .hasMessage("quietPeriod must be zero or positive, was PT-1S");
    refused(() -> new TableMaintenance.Settings(4, 2_000_000, 0.1, null, TEN_SECONDS, 50))
        .hasMessage("quietPeriod must be zero or positive, was null");
  }

  @Test
  void maintenanceNeedsASnapshotRetentionOfZeroOrMore() {
    refused(() -> new TableMaintenance.Settings(4, 2_000_000, 0.1, TEN_SECONDS, Duration.ofMillis(-5), 50))
        .hasMessage("snapshotRetention must be zero or positive, was PT-0.005S");
    refused(() -> new TableMaintenance.Settings(4, 2_000_000, 0.1, TEN_SECONDS, null, 50))
        .hasMessage("snapshotRetention must be zero or positive, was null");
  }

  @Test
  void maintenanceKeepsAtLeastOneSnapshot() {
    refused(() -> new TableMaintenance.Settings(4, 2_000_000, 0.1, TEN_SECONDS, TEN_SECONDS, 0))
        .hasMessage("maxSnapshots must be >= 1 (the current snapshot), was 0");
  }

  @Test
  void storeNeedsNamedCatalogAndNamespaces() {
    refused(() -> new StoreSettings(null, CATALOG, "a", "a_raw", Duration.ZERO))
        .hasMessage("catalogName must be a non-blank name, was null");
    refused(() -> new StoreSettings(" ", CATALOG, "a", "a_raw", Duration.ZERO))
        .hasMessage("catalogName must be a non-blank name, was ' '");
    refused(() -> new StoreSettings("c", CATALOG, "", "a_raw", Duration.ZERO))
        .hasMessage("namespace must be a non-blank name, was ''");
    refused(() -> new StoreSettings("c", CATALOG, "a", null, Duration.ZERO))
        .hasMessage("archiveNamespace must be a non-blank name, was null");
  }

  @Test
  void storeNeedsCatalogPropertiesThatNameACatalog() {
    refused(() -> new StoreSettings("c", null, "a", "a_raw", Duration.ZERO))
        .hasMessage("catalogProperties must be a map of Iceberg catalog properties, was null");
    refused(() -> new StoreSettings("c", Map.of("uri", "jdbc:x"), "a", "a_raw", Duration.ZERO))
        .hasMessage("Catalog properties need 'type' (jdbc, rest, hadoop, ...) or 'catalog-impl', got keys [uri]");
  }

  @Test
  void storeNeedsACommitLingerOfZeroOrMore() {
    refused(() -> new StoreSettings("c", CATALOG, "a", "a_raw", Duration.ofMillis(-1)))
        .hasMessage("commitLinger must be zero or positive, was PT-0.001S");
    refused(() -> new StoreSettings("c", CATALOG, "a", "a_raw", null))
        .hasMessage("commitLinger must be zero or positive, was null");
  }
}
