package io.almanac.crawler.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.almanac.crawler.generated.types.BatchStatus;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import io.almanac.graphql.auth.TestDatabases;
import io.almanac.store.ObservationRow;
import io.almanac.store.RawBatch;
import io.almanac.store.SeriesHistory;
import io.almanac.store.TableKind;
import io.almanac.store.TimeseriesReader;
import io.almanac.store.TimeseriesStore;
import io.almanac.store.TimeseriesWriter;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.sql.DriverManager;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Crash recovery of uploads in one process, with the states a killed process leaves behind made by
 * hand: a claim held by another database session (a live process) is a CONFLICT until that session
 * ends; a batch left IN_PROGRESS after one of its two commits is completed by a retry, which makes
 * only the missing commit and answers as the first attempt would have (its default revision date is
 * the day first received); maintenance records what such a batch had committed.
 */
@SpringBootTest(properties = "almanac.maintenance.enabled=false")
class BatchCrashRecoveryTest {

  @Autowired BulkUpsertService service;
  @Autowired BatchLedger ledger;
  @Autowired TimeseriesWriter writer;
  @Autowired TimeseriesReader reader;
  @Autowired TimeseriesStore store;
  @Value("${spring.datasource.url}") String url;
  @Autowired org.jooq.DSLContext db;

  private static long seriesId;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestDatabases.register(registry);
  }

  @BeforeEach
  void series() {
    if (seriesId == 0) {
      long provider = db.insertInto(io.almanac.crawler.db.Tables.PROVIDERS)
          .set(io.almanac.crawler.db.Tables.PROVIDERS.NAME, "Crash").set(io.almanac.crawler.db.Tables.PROVIDERS.TYPE, "FILE")
          .set(io.almanac.crawler.db.Tables.PROVIDERS.STATUS, "ACTIVE").returning().fetchOne().getId();
      seriesId = db.insertInto(io.almanac.crawler.db.Tables.SERIES_KEYS)
          .set(io.almanac.crawler.db.Tables.SERIES_KEYS.PROVIDER_ID, provider)
          .set(io.almanac.crawler.db.Tables.SERIES_KEYS.EXTERNAL_ID, "CRASH").returning().fetchOne().getId();
    }
  }

  /** Points on {@code firstDay}.. without a revision date (it defaults to the day received). */
  private static List<ReceivedPoint> points(LocalDate firstDay, int n, int base) {
    List<ReceivedPoint> points = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      points.add(ReceivedPoint.of(i, Long.toString(seriesId), null, null, firstDay.plusDays(i).toString(),
          Integer.toString(base + i), null));
    }
    return points;
  }

  private static BulkUpsertService.Upload upload(String id, List<ReceivedPoint> points) {
    return new BulkUpsertService.Upload(id, null, false, points);
  }

  private int archiveRows(String batchId) throws Exception {
    Table table = store.rawBatches();
    table.refresh();
    int n = 0;
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).select("batch_id").build()) {
      for (Record r : rows) {
        n += batchId.equals(r.getField("batch_id")) ? 1 : 0;
      }
    }
    return n;
  }

  private int observationCommits(String batchId) {
    Table table = store.observations();
    table.refresh();
    int n = 0;
    for (Snapshot s : table.snapshots()) {
      String ids = s.summary().get("almanac.batch-ids");
      n += ids != null && List.of(ids.split(",")).contains(batchId) ? 1 : 0;
    }
    return n;
  }

  private SeriesHistory history() {
    return reader.readHistories(List.of(seriesId), reader.observationsSnapshot()).get(seriesId);
  }

  /** Waits (up to 10 s) until the server has ended backend {@code pid} and released its locks. */
  private void awaitBackendGone(int pid) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    try (Connection probe = DriverManager.getConnection(url, "postgres", "postgres");
        PreparedStatement alive = probe.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
      alive.setInt(1, pid);
      while (true) {
        try (var row = alive.executeQuery()) {
          row.next();
          if (row.getInt(1) == 0) {
            return;
          }
        }
        assertThat(System.nanoTime()).as("backend %d still running after 10 s", pid).isLessThan(deadline);
        Thread.onSpinWait();
      }
    }
  }

  @Test
  void aClaimHeldByAnotherSessionIsAConflictUntilThatSessionEnds() throws Exception {
    List<ReceivedPoint> points = points(LocalDate.of(2001, 1, 1), 3, 10);
    // A session of its own (not a pooled connection, whose session outlives close()).
    int otherBackend;
    try (Connection otherProcess = DriverManager.getConnection(url, "postgres", "postgres")) {
      try (PreparedStatement lock = otherProcess.prepareStatement("SELECT pg_advisory_lock(?), pg_backend_pid()")) {
        lock.setLong(1, BatchClaims.key("held-elsewhere"));
        try (var row = lock.executeQuery()) {
          row.next();
          otherBackend = row.getInt(2);
        }
      }
      assertThatThrownBy(() -> service.upload(upload("held-elsewhere", points)))
          .isInstanceOfSatisfying(AlmanacGraphQLException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    }
    // The session ended (as when its process dies): the claim is gone with it, once the server has ended
    // that backend (it does so after the socket closes, not within close()).
    awaitBackendGone(otherBackend);
    BulkUpsertResult result = service.upload(upload("held-elsewhere", points));
    assertThat(result.status()).isEqualTo(BatchStatus.COMMITTED);
    assertThat(result.summary().getSuccessful()).isEqualTo(3);
  }

  @Test
  void aBatchLeftAfterItsArchiveCommitIsCompletedWithoutArchivingItAgain() throws Exception {
    String id = "died-after-archive";
    OffsetDateTime firstReceived = OffsetDateTime.now(ZoneOffset.UTC).minusDays(3).truncatedTo(ChronoUnit.MICROS);
    List<ReceivedPoint> points = points(LocalDate.of(2002, 1, 1), 4, 20);
    // What a process killed between its two commits leaves: the claim row and the archive commit.
    ledger.start(id, firstReceived, null);
    writer.archive(new RawBatch(id, firstReceived, null, false, "COMMITTED",
        points.stream().map(ReceivedPoint::toRawPoint).toList())).get();

    BulkUpsertResult result = service.upload(upload(id, points));

    assertThat(result.status()).isEqualTo(BatchStatus.COMMITTED);
    assertThat(result.replayed()).isFalse();
    assertThat(result.summary().getSuccessful()).isEqualTo(4);
    assertThat(archiveRows(id)).isEqualTo(1);
    assertThat(observationCommits(id)).isEqualTo(1);
    SeriesHistory h = history();
    LocalDate firstDay = firstReceived.toLocalDate();
    int found = 0;
    for (int row = 0; row < h.size(); row++) {
      if (h.date(row).getYear() == 2002) {
        // The default revision date is the day the batch was first received, not the retry's.
        assertThat(h.revisionDate(row)).isEqualTo(firstDay);
        found++;
      }
    }
    assertThat(found).isEqualTo(4);
    BulkUpsertResult again = service.upload(upload(id, points));
    assertThat(again.replayed()).isTrue();
    assertThat(again.summary()).isEqualTo(result.summary());
    assertThat(archiveRows(id)).isEqualTo(1);
  }

  @Test
  void aBatchLeftAfterItsObservationCommitIsNotAppendedTwice() throws Exception {
    String id = "died-after-append";
    OffsetDateTime firstReceived = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    List<ReceivedPoint> points = points(LocalDate.of(2003, 1, 1), 5, 30);
    ledger.start(id, firstReceived, null);
    List<ObservationRow> rows = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      rows.add(new ObservationRow(seriesId, LocalDate.of(2003, 1, 1).plusDays(i), firstReceived.toLocalDate(),
          BigDecimal.valueOf(30 + i).setScale(10)));
    }
    OffsetDateTime stamp = writer.appendBatch(id, rows).get().ingestedAt();

    BulkUpsertResult result = service.upload(upload(id, points));

    assertThat(result.status()).isEqualTo(BatchStatus.COMMITTED);
    assertThat(result.summary().getSuccessful()).isEqualTo(5);
    assertThat(observationCommits(id)).isEqualTo(1);
    assertThat(archiveRows(id)).isEqualTo(1);
    // The ledger knows the first attempt's stamp (read back from the table), so a retraction of a
    // later batch can restore this one's rows in their place.
    assertThat(ledger.writersBetween(Collections.singletonMap(seriesId, null), stamp.plusNanos(1_000)))
        .contains(new BatchLedger.Writer(id, firstReceived, stamp));
  }

  @Test
  void maintenanceRecordsWhatAnAbandonedBatchCommitted() throws Exception {
    String id = "abandoned";
    OffsetDateTime firstReceived = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    ledger.start(id, firstReceived, null);
    writer.archive(new RawBatch(id, firstReceived, null, false, "COMMITTED", List.of())).get();
    assertThat(service.retainSnapshotsSince()).hasValueSatisfying(
        since -> assertThat(since).isBeforeOrEqualTo(firstReceived.toInstant().minus(BulkUpsertService.CLOCK_MARGIN)));

    assertThat(service.settleAbandonedClaims()).isGreaterThanOrEqualTo(1);

    BatchLedger.Entry entry = ledger.find(id).orElseThrow();
    assertThat(entry.done()).isFalse();
    assertThat(entry.knownCommitted()).containsExactly(TableKind.RAW_BATCHES);
    assertThat(ledger.unsettled(1000)).doesNotContain(id);
  }
}
