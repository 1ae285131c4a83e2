package io.almanac.bench.baseline;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsData;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import io.almanac.bench.baseline.generated.DgsConstants.BULKDATAPOINTSINPUT;
import io.almanac.bench.baseline.generated.DgsConstants.DATAPOINTINPUT;
import io.almanac.bench.baseline.generated.DgsConstants.MUTATION;
import io.almanac.bench.baseline.generated.types.BatchStatus;
import io.almanac.bench.baseline.generated.types.BulkUpsertResult;
import io.almanac.bench.baseline.generated.types.BulkUpsertSummary;
import io.almanac.bench.baseline.generated.types.PointError;
import java.io.InputStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The two write paths. {@code bulkUpsertDataPoints}: validation as in Almanac, then one
 * {@code INSERT ... SELECT FROM unnest(arrays) ON CONFLICT DO UPDATE} in the transaction that records
 * the batch id (idempotency). {@code POST /bulk/points} (CSV {@code seriesId,date,value,revisionDate}):
 * {@code COPY} into a temporary staging table, then the same upsert from it.
 */
@DgsComponent
@RestController
public class BulkUpsert {

  static final int MAX_POINTS = 100_000;
  private static final int MAX_INTEGER_DIGITS = 28;
  private static final int MAX_SCALE = 10;

  private static final String UPSERT = """
      INSERT INTO baseline.observations (series_id, date, revision_date, value)
      SELECT * FROM unnest(?::bigint[], ?::date[], ?::date[], ?::numeric[])
      ON CONFLICT (series_id, date, revision_date) DO UPDATE SET value = EXCLUDED.value""";

  private final DataSource dataSource;

  public BulkUpsert(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  private record Point(int index, long seriesId, LocalDate date, LocalDate revision, BigDecimal value) {}

  /**
   * The input is read as graphql-java's maps (names from the generated constants), not converted to the
   * generated input types: DGS's conversion of a 10,000-point batch costs about ten times the direct
   * read (measured in crawler-write-api's UploadInputMapper), and Almanac reads its input directly too.
   */
  @DgsData(parentType = MUTATION.TYPE_NAME, field = MUTATION.BulkUpsertDataPoints)
  public BulkUpsertResult bulkUpsertDataPoints(DgsDataFetchingEnvironment env) throws SQLException {
    Map<String, Object> input = env.getArgument(MUTATION.BULKUPSERTDATAPOINTS_INPUT_ARGUMENT.Input);
    Object givenId = input.get(BULKDATAPOINTSINPUT.BatchId);
    String batchId = givenId == null ? UUID.randomUUID().toString() : givenId.toString();
    boolean atomic = Boolean.TRUE.equals(input.get(BULKDATAPOINTSINPUT.Atomic));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> raw = (List<Map<String, Object>>) input.get(BULKDATAPOINTSINPUT.Points);
    if (raw.isEmpty() || raw.size() > MAX_POINTS) {
      String code = raw.isEmpty() ? "EMPTY_BATCH" : "BATCH_TOO_LARGE";
      return result(batchId, BatchStatus.REJECTED, false, summary(raw.size(), 0, raw.size()),
          List.of(error(null, code, code.equals("EMPTY_BATCH") ? "The batch has no points"
              : "At most " + MAX_POINTS + " points are accepted per upload")));
    }
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    List<Point> valid = new ArrayList<>(raw.size());
    List<PointError> errors = new ArrayList<>();
    Set<Key> seen = new HashSet<>(raw.size() * 2);
    for (int i = 0; i < raw.size(); i++) {
      Map<String, Object> p = raw.get(i);
      Object seriesId = p.get(DATAPOINTINPUT.SeriesId);
      if (seriesId == null) {
        errors.add(error(i, "MISSING_SERIES", "The baseline names series by seriesId only"));
        continue;
      }
      long id;
      try {
        id = Long.parseLong(seriesId.toString());
      } catch (NumberFormatException e) {
        errors.add(error(i, "UNKNOWN_SERIES", "No series " + seriesId));
        continue;
      }
      LocalDate date = (LocalDate) p.get(DATAPOINTINPUT.Date);
      LocalDate givenRevision = (LocalDate) p.get(DATAPOINTINPUT.RevisionDate);
      LocalDate revision = givenRevision == null ? today : givenRevision;
      BigDecimal value = (BigDecimal) p.get(DATAPOINTINPUT.Value);
      if (value != null && !fits(value)) {
        errors.add(error(i, "INVALID_VALUE", "Value " + value.toPlainString() + " does not fit"));
        continue;
      }
      if (!seen.add(new Key(id, date, revision))) {
        errors.add(error(i, "DUPLICATE_KEY", "Same series, date and revision date as an earlier point"));
        continue;
      }
      valid.add(new Point(i, id, date, revision, value));
    }
    BatchStatus status = errors.isEmpty() ? BatchStatus.COMMITTED
        : (atomic || valid.isEmpty()) ? BatchStatus.REJECTED : BatchStatus.PARTIAL;
    if (status == BatchStatus.REJECTED) {
      valid.clear();
    }
    BulkUpsertSummary summary = summary(raw.size(), valid.size(), raw.size() - valid.size());
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        BulkUpsertResult replay = record(c, batchId, status, summary);
        if (replay != null) {
          c.rollback();
          return replay;
        }
        if (!valid.isEmpty()) {
          // Sorted by key: concurrent batches lock index entries in the same order.
          valid.sort(Comparator.comparingLong(Point::seriesId).thenComparing(Point::date).thenComparing(Point::revision));
          int n = valid.size();
          Long[] ids = new Long[n];
          String[] dates = new String[n];
          String[] revisions = new String[n];
          String[] values = new String[n];
          for (int i = 0; i < n; i++) {
            Point p = valid.get(i);
            ids[i] = p.seriesId();
            dates[i] = p.date().toString();
            revisions[i] = p.revision().toString();
            values[i] = p.value() == null ? null : p.value().toPlainString();
          }
          try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            ps.setArray(1, c.createArrayOf("bigint", ids));
            ps.setArray(2, c.createArrayOf("date", dates));
            ps.setArray(3, c.createArrayOf("date", revisions));
            ps.setArray(4, c.createArrayOf("numeric", values));
            ps.executeUpdate();
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
    return result(batchId, status, false, summary, errors);
  }

  /** CSV rows {@code seriesId,date,value,revisionDate} (empty value = missing) through COPY. */
  @PostMapping(path = "/bulk/points", consumes = "text/csv", produces = MediaType.APPLICATION_JSON_VALUE)
  public BulkUpsertResult copy(InputStream body, @RequestParam(required = false) String batchId) throws Exception {
    String id = batchId == null ? UUID.randomUUID().toString() : batchId;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (Statement s = c.createStatement()) {
          s.execute("CREATE TEMP TABLE stage (series_id bigint, date date, value numeric, revision_date date,"
              + " ord bigint GENERATED ALWAYS AS IDENTITY) ON COMMIT DROP");
        }
        long copied = c.unwrap(PGConnection.class).getCopyAPI()
            .copyIn("COPY stage (series_id, date, value, revision_date) FROM STDIN (FORMAT csv)", body);
        if (copied > MAX_POINTS) {
          c.rollback();
          return result(id, BatchStatus.REJECTED, false, summary((int) copied, 0, (int) copied),
              List.of(error(null, "BATCH_TOO_LARGE", "At most " + MAX_POINTS + " points")));
        }
        BulkUpsertSummary summary = summary((int) copied, (int) copied, 0);
        BulkUpsertResult replay = record(c, id, BatchStatus.COMMITTED, summary);
        if (replay != null) {
          c.rollback();
          return replay;
        }
        try (Statement s = c.createStatement()) {
          // The later of two rows with one key wins, as in Almanac.
          s.executeUpdate("""
              INSERT INTO baseline.observations (series_id, date, revision_date, value)
              SELECT DISTINCT ON (series_id, date, revision_date) series_id, date, revision_date, value
              FROM stage ORDER BY series_id, date, revision_date, ord DESC
              ON CONFLICT (series_id, date, revision_date) DO UPDATE SET value = EXCLUDED.value""");
        }
        c.commit();
        return result(id, BatchStatus.COMMITTED, false, summary, List.of());
      } catch (Exception e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** Records the batch id; returns the stored result when the id was already used. */
  private static BulkUpsertResult record(Connection c, String batchId, BatchStatus status, BulkUpsertSummary summary)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("""
        INSERT INTO baseline.batches (batch_id, status, total, successful, failed) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (batch_id) DO NOTHING""")) {
      ps.setString(1, batchId);
      ps.setString(2, status.name());
      ps.setInt(3, summary.getTotalProcessed());
      ps.setInt(4, summary.getSuccessful());
      ps.setInt(5, summary.getFailed());
      if (ps.executeUpdate() == 1) {
        return null;
      }
    }
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT status, total, successful, failed FROM baseline.batches WHERE batch_id = ?")) {
      ps.setString(1, batchId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return result(batchId, BatchStatus.valueOf(rs.getString(1)), true,
            summary(rs.getInt(2), rs.getInt(3), rs.getInt(4)), List.of());
      }
    }
  }

  private record Key(long seriesId, LocalDate date, LocalDate revision) {}

  private static BulkUpsertResult result(String batchId, BatchStatus status, boolean replayed,
      BulkUpsertSummary summary, List<PointError> errors) {
    return BulkUpsertResult.newBuilder().batchId(batchId).status(status).replayed(replayed).summary(summary)
        .errors(errors).build();
  }

  private static BulkUpsertSummary summary(int total, int successful, int failed) {
    return BulkUpsertSummary.newBuilder().totalProcessed(total).successful(successful).failed(failed).build();
  }

  private static PointError error(Integer index, String code, String message) {
    return PointError.newBuilder().index(index).code(code).message(message).build();
  }

  private static boolean fits(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return Math.max(stripped.scale(), 0) <= MAX_SCALE && stripped.precision() - stripped.scale() <= MAX_INTEGER_DIGITS;
  }

}
