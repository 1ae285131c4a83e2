package io.almanac.store;

import java.nio.ByteBuffer;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;

/**
 * An observations data file with the series ids it may hold, {@code [low, high]}, from its column
 * statistics (scans must be planned with {@code includeColumnStats()} for them to be there). A file
 * without statistics spans every id, so it is never taken for disjoint from another.
 */
record DataFileSpan(DataFile file, long low, long high) {

  private static final int SERIES_ID_FIELD = ObservationLayout.SERIES_ID.fieldId();

  static DataFileSpan of(DataFile file) {
    ByteBuffer low = file.lowerBounds() == null ? null : file.lowerBounds().get(SERIES_ID_FIELD);
    ByteBuffer high = file.upperBounds() == null ? null : file.upperBounds().get(SERIES_ID_FIELD);
    if (low == null || high == null) {
      return new DataFileSpan(file, Long.MIN_VALUE, Long.MAX_VALUE);
    }
    return new DataFileSpan(file, Conversions.<Long>fromByteBuffer(Types.LongType.get(), low),
        Conversions.<Long>fromByteBuffer(Types.LongType.get(), high));
  }

  /** False for a file without series-id statistics. */
  boolean bounded() {
    return low != Long.MIN_VALUE || high != Long.MAX_VALUE;
  }

  long rows() {
    return file.recordCount();
  }

  boolean overlaps(DataFileSpan other) {
    return low <= other.high && other.low <= high;
  }
}
