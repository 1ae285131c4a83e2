package io.almanac.crawler.updates;

import static io.almanac.crawler.db.Tables.SERIES_UPDATES;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The updates feed's rows (PostgreSQL {@code crawler.series_updates}): one per committed batch per series,
 * numbered in the order their transactions commit.
 *
 * <p>Why a lock and not a SEQUENCE: a sequence number is taken at insert time, and a transaction holding a
 * lower number may commit after one holding a higher number; a poller that already read the higher one
 * would never see the lower one. Here {@link #record} takes a transaction-level advisory lock, reads the
 * highest number, inserts above it and keeps the lock until its transaction commits or rolls back, so a
 * number becomes visible only after every lower number did. The lock serialises only this last step of
 * recording a batch (taken last, held for one insert and the commit).
 */
@Repository
public class SeriesUpdatesLog {

  /** Advisory lock key of the updates feed ("alm-upd" as ASCII), distinct from Almanac's other advisory locks. */
  static final long LOCK_KEY = 0x616c6d2d757064L;

  /** A row: {@code seq} orders the feed, {@code recordedAt} is the clock when it was numbered. */
  public record Row(long seq, long seriesId, OffsetDateTime recordedAt, List<LocalDate> vintageDates) {}

  private final DSLContext db;

  public SeriesUpdatesLog(DSLContext db) {
    this.db = db;
  }

  /**
   * Appends a row per series with the vintage dates the batch wrote of it. Call last in the transaction
   * that records the batch: the feed's lock is held from here to its commit.
   */
  public void record(String batchId, Map<Long, ? extends SortedSet<LocalDate>> vintagesBySeries) {
    if (vintagesBySeries.isEmpty()) {
      return;
    }
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException("Series updates are numbered inside the transaction that records the batch");
    }
    db.select(DSL.field("pg_advisory_xact_lock({0})", Object.class, DSL.val(LOCK_KEY))).fetch();
    long last = db.select(DSL.coalesce(DSL.max(SERIES_UPDATES.SEQ), 0L)).from(SERIES_UPDATES).fetchOne().value1();
    // clock_timestamp(), not now(): the transaction's start time could precede a row numbered before this one.
    OffsetDateTime at = db.select(DSL.field("clock_timestamp()", OffsetDateTime.class)).fetchOne().value1();
    var insert = db.insertInto(SERIES_UPDATES, SERIES_UPDATES.SEQ, SERIES_UPDATES.SERIES_ID, SERIES_UPDATES.BATCH_ID,
        SERIES_UPDATES.RECORDED_AT, SERIES_UPDATES.VINTAGE_DATES);
    long seq = last;
    for (Map.Entry<Long, ? extends SortedSet<LocalDate>> e : vintagesBySeries.entrySet()) {
      insert = insert.values(++seq, e.getKey(), batchId, at,
          e.getValue().stream().map(LocalDate::toString).toArray(String[]::new));
    }
    insert.execute();
  }

  /** Rows recorded at or after {@code since} with a number above {@code afterSeq}, in order, at most {@code limit}. */
  public List<Row> after(OffsetDateTime since, long afterSeq, int limit) {
    List<Row> rows = new ArrayList<>();
    db.select(SERIES_UPDATES.SEQ, SERIES_UPDATES.SERIES_ID, SERIES_UPDATES.RECORDED_AT, SERIES_UPDATES.VINTAGE_DATES)
        .from(SERIES_UPDATES)
        .where(SERIES_UPDATES.RECORDED_AT.ge(since).and(SERIES_UPDATES.SEQ.gt(afterSeq)))
        .orderBy(SERIES_UPDATES.SEQ)
        .limit(limit)
        .forEach(r -> rows.add(new Row(r.value1(), r.value2(), r.value3(),
            Arrays.stream(r.value4()).map(LocalDate::parse).toList())));
    return rows;
  }

  /** Distinct series with a row recorded at or after {@code since}. */
  public int seriesUpdatedSince(OffsetDateTime since) {
    return db.select(DSL.countDistinct(SERIES_UPDATES.SERIES_ID)).from(SERIES_UPDATES)
        .where(SERIES_UPDATES.RECORDED_AT.ge(since)).fetchOne().value1();
  }
}
