package io.almanac.store;

import java.nio.ByteBuffer;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;

/**
 * The series ids an observations data file may hold, from its column statistics (scans must be planned
 * with {@code includeColumnStats()} for them to be there).
 */
record SeriesIdRange(long low, long high) {

  private static final int SERIES_ID_FIELD = TimeseriesTables.OBSERVATIONS.findField("series_id").fieldId();
  /** What a file without statistics may hold: any series. */
  static final SeriesIdRange UNKNOWN = new SeriesIdRange(Long.MIN_VALUE, Long.MAX_VALUE);

  static SeriesIdRange of(DataFile file) {
    ByteBuffer low = file.lowerBounds() == null ? null : file.lowerBounds().get(SERIES_ID_FIELD);
    ByteBuffer high = file.upperBounds() == null ? null : file.upperBounds().get(SERIES_ID_FIELD);
    if (low == null || high == null) {
      return UNKNOWN;
    }
    return new SeriesIdRange(Conversions.<Long>fromByteBuffer(Types.LongType.get(), low),
        Conversions.<Long>fromByteBuffer(Types.LongType.get(), high));
  }
}
