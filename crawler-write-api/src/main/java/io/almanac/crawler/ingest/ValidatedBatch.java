package io.almanac.crawler.ingest;

import io.almanac.store.ObservationRow;
import io.almanac.store.RawPoint;
import java.util.List;

/**
 * A batch after validation: the rows that may be written, every point as received (with its error),
 * and the errors in point order.
 */
record ValidatedBatch(List<ObservationRow> validRows, List<RawPoint> received, List<PointError> errors) {}
