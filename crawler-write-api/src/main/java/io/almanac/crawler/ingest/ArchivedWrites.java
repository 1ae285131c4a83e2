package io.almanac.crawler.ingest;

import io.almanac.store.BatchRetraction;
import io.almanac.store.ObservationRow;
import io.almanac.store.RawBatch;
import io.almanac.store.RawPoint;
import io.almanac.store.TimeseriesReader;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Finds, for a retraction, the earlier accepted write of each key whose row compaction dropped: the
 * ledger says which batches wrote which series and in which order (their stamps), the raw archive
 * what they wrote. An archived batch's accepted points are validated again as on the day it was
 * received (the same default revision date), which gives exactly the rows it wrote.
 */
@Component
class ArchivedWrites {

  private static final Logger log = LoggerFactory.getLogger(ArchivedWrites.class);

  private final BatchLedger ledger;
  private final TimeseriesReader reader;
  private final PointValidator validator;
  private final IngestSettings settings;

  ArchivedWrites(BatchLedger ledger, TimeseriesReader reader, PointValidator validator, IngestSettings settings) {
    this.ledger = ledger;
    this.reader = reader;
    this.validator = validator;
    this.settings = settings;
  }

  /**
   * For each need, the latest write of its key by a batch not retracted, committed strictly between
   * the need's {@code after} and {@code before}; keys without one are left out. Reads the archive of
   * the candidate batches latest first and stops once every key is found.
   */
  Map<BatchRetraction.Key, BatchRetraction.EarlierWrite> find(Collection<BatchRetraction.Need> needs) {
    Map<BatchRetraction.Key, BatchRetraction.Need> open = new HashMap<>();
    // Per series the earliest instant a write must follow (null: any), and overall the latest bound.
    Map<Long, OffsetDateTime> afterBySeries = new HashMap<>();
    OffsetDateTime latest = null;
    for (BatchRetraction.Need need : needs) {
      open.put(need.key(), need);
      long series = need.key().seriesId();
      if (!afterBySeries.containsKey(series)) {
        afterBySeries.put(series, need.after());
      } else if (afterBySeries.get(series) != null
          && (need.after() == null || need.after().isBefore(afterBySeries.get(series)))) {
        afterBySeries.put(series, need.after());
      }
      if (latest == null || need.before().isAfter(latest)) {
        latest = need.before();
      }
    }
    Map<BatchRetraction.Key, BatchRetraction.EarlierWrite> found = new HashMap<>();
    if (open.isEmpty()) {
      return found;
    }
    for (BatchLedger.Writer writer : ledger.writersBetween(afterBySeries, latest)) {
      if (open.isEmpty()) {
        break;
      }
      for (ObservationRow row : rowsOf(writer)) {
        BatchRetraction.Key key = new BatchRetraction.Key(row.seriesId(), row.date(), row.revisionDate());
        BatchRetraction.Need need = open.get(key);
        if (need != null && writer.ingestedAt().isBefore(need.before())
            && (need.after() == null || writer.ingestedAt().isAfter(need.after()))) {
          found.put(key, new BatchRetraction.EarlierWrite(row, writer.batchId(), writer.ingestedAt()));
          open.remove(key);
        }
      }
    }
    return found;
  }

  /** The rows a batch wrote, from its archived points without errors. */
  private List<ObservationRow> rowsOf(BatchLedger.Writer writer) {
    Optional<RawBatch> archived = reader.readRawBatch(writer.batchId(), writer.receivedAt());
    if (archived.isEmpty()) {
      // The ledger and the archive are written together; only a lost warehouse file gets here.
      log.warn("Batch {} is in the ledger but not in the raw archive; its writes cannot be restored", writer.batchId());
      return List.of();
    }
    List<ReceivedPoint> accepted = new ArrayList<>();
    for (RawPoint p : archived.get().points()) {
      if (p.index() != null && p.errorCode() == null) {
        accepted.add(ReceivedPoint.of(accepted.size(), p.seriesId(), p.providerId(), p.externalId(), p.date(),
            p.value(), p.revisionDate()));
      }
    }
    LocalDate received = writer.receivedAt().atZoneSameInstant(settings.zone()).toLocalDate();
    return validator.validate(accepted, received).validRows();
  }
}
