package io.almanac.store;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Comparator;
import org.apache.iceberg.data.Record;

/** Sort orders of each table's rows, shared by the writer and compaction (positions as in {@link TimeseriesTables}). */
final class RowOrders {

  /** Key (series, date, revision date), then ingestion time: the last of equal keys is the winner. */
  static final Comparator<Record> OBSERVATIONS = Comparator.<Record>comparingLong(r -> (Long) r.get(0))
      .thenComparing(r -> (LocalDate) r.get(1))
      .thenComparing(r -> (LocalDate) r.get(2))
      .thenComparing(r -> (OffsetDateTime) r.get(4));

  static final Comparator<Record> SERIES = Comparator.<Record>comparingLong(r -> (Long) r.get(0))
      .thenComparing(r -> (OffsetDateTime) r.get(9));

  static final Comparator<Record> RAW_BATCHES = Comparator.<Record, OffsetDateTime>comparing(r -> (OffsetDateTime) r.get(0))
      .thenComparing(r -> (String) r.get(1));

  static boolean sameObservationKey(Record a, Record b) {
    return a.get(0).equals(b.get(0)) && a.get(1).equals(b.get(1)) && a.get(2).equals(b.get(2));
  }

  private RowOrders() {}
}
