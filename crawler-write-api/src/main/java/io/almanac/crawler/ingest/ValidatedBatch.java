package io.almanac.crawler.ingest;

import io.almanac.store.ObservationRow;
import java.util.List;

/**
 * A batch after validation: the rows that may be written, every point as received (refused ones
 * carrying their error), and the errors in point order.
 */
record ValidatedBatch(List<ObservationRow> validRows, List<ReceivedPoint> points, List<PointError> errors) {}
