package io.almanac.bench.baseline;

import io.almanac.bench.baseline.generated.types.Frequency;
import io.almanac.bench.baseline.generated.types.Observation;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Repository;
import tools.jackson.core.io.NumberOutput;

/**
 * All SQL of the baseline's reads. The as-of view is {@code DISTINCT ON (date) ... ORDER BY date DESC,
 * revision_date DESC}: a backward scan of the primary key index with no sort, reversed in Java. Derived
 * views (transforms, aggregation) are written by {@link Steps}; vintage panels are one lateral statement.
 */
@Repository
public class ObservationRepository {

  static final String DDL = """
      CREATE SCHEMA IF NOT EXISTS baseline;
      CREATE TABLE IF NOT EXISTS baseline.observations (
        series_id bigint NOT NULL,
        date date NOT NULL,
        revision_date date NOT NULL,
        value numeric,
        PRIMARY KEY (series_id, date, revision_date));
      CREATE TABLE IF NOT EXISTS baseline.series (
        series_id bigint PRIMARY KEY,
        frequency text NOT NULL);
      CREATE TABLE IF NOT EXISTS baseline.batches (
        batch_id text PRIMARY KEY,
        status text NOT NULL,
        total integer NOT NULL,
        successful integer NOT NULL,
        failed integer NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now());
      """;

  private final DataSource dataSource;
  /** Series frequencies, read once: series metadata, like Almanac's catalog, is not read per request. */
  private final Map<Long, Frequency> frequencies = new ConcurrentHashMap<>();

  public ObservationRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @EventListener(ApplicationReadyEvent.class)
  public void createTables() throws SQLException {
    try (Connection c = dataSource.getConnection(); var s = c.createStatement()) {
      s.execute(DDL);
    }
  }

  /** The rows of an as-of view, ascending by date. */
  public record View(List<LocalDate> dates, List<BigDecimal> values, List<LocalDate> revisions) {}

  public View view(long seriesId, LocalDate from, LocalDate to, LocalDate asOf) throws SQLException {
    StringBuilder sql = new StringBuilder(
        "SELECT DISTINCT ON (date) date, value, revision_date FROM baseline.observations WHERE series_id = ?");
    List<Object> params = new ArrayList<>(List.of(seriesId));
    bounds(sql, params, from, to, asOf);
    sql.append(" ORDER BY date DESC, revision_date DESC");
    List<LocalDate> dates = new ArrayList<>();
    List<BigDecimal> values = new ArrayList<>();
    List<LocalDate> revisions = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          dates.add(rs.getObject(1, LocalDate.class));
          values.add(strip(rs.getBigDecimal(2)));
          revisions.add(rs.getObject(3, LocalDate.class));
        }
      }
    }
    Collections.reverse(dates);
    Collections.reverse(values);
    Collections.reverse(revisions);
    return new View(dates, values, revisions);
  }

  /** One page of a view: rows dated after {@code afterDay}, with the counts the connection needs. */
  public record Page(List<Observation> rows, int totalCount, int before) {}

  public Page page(long seriesId, LocalDate from, LocalDate to, LocalDate asOf, Long afterDay, int limit)
      throws SQLException {
    StringBuilder view = new StringBuilder(
        "SELECT DISTINCT ON (date) date, value, revision_date FROM baseline.observations WHERE series_id = ?");
    List<Object> params = new ArrayList<>(List.of(seriesId));
    bounds(view, params, from, to, asOf);
    view.append(" ORDER BY date DESC, revision_date DESC");
    LocalDate after = afterDay == null ? null : LocalDate.ofEpochDay(afterDay);
    String sql = "WITH v AS (" + view + ") SELECT date, value, revision_date,"
        + " (SELECT count(*) FROM v) AS total,"
        + (after == null ? " 0 AS before" : " (SELECT count(*) FROM v WHERE date <= ?) AS before")
        + " FROM v" + (after == null ? "" : " WHERE date > ?") + " ORDER BY date LIMIT ?";
    if (after != null) {
      params.add(after);
      params.add(after);
    }
    params.add(limit);
    List<Observation> rows = new ArrayList<>();
    int total = -1;
    int before = 0;
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(observation(rs.getObject(1, LocalDate.class), strip(rs.getBigDecimal(2)),
              rs.getObject(3, LocalDate.class)));
          total = rs.getInt(4);
          before = rs.getInt(5);
        }
      }
      if (total < 0) {
        // An empty page: the counts still have to come from somewhere.
        String counts = "WITH v AS (" + view + ") SELECT (SELECT count(*) FROM v),"
            + (after == null ? " 0" : " (SELECT count(*) FROM v WHERE date <= ?)");
        List<Object> countParams = new ArrayList<>(params.subList(0, params.size() - (after == null ? 1 : 3)));
        if (after != null) {
          countParams.add(after);
        }
        try (PreparedStatement cs = c.prepareStatement(counts)) {
          bind(cs, countParams);
          try (ResultSet rs = cs.executeQuery()) {
            rs.next();
            total = rs.getInt(1);
            before = rs.getInt(2);
          }
        }
      }
    }
    return new Page(rows, total, before);
  }

  /**
   * Registers series with their frequencies (the baseline has no series mutation: the benchmark runner
   * and the tests write them directly, as a team's series registry would hold them).
   */
  public static void registerSeries(java.sql.Connection c, long[] seriesIds, Frequency[] frequencies)
      throws SQLException {
    Long[] ids = new Long[seriesIds.length];
    String[] names = new String[seriesIds.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = seriesIds[i];
      names[i] = frequencies[i].name();
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO baseline.series (series_id, frequency)"
        + " SELECT * FROM unnest(?::bigint[], ?::text[])"
        + " ON CONFLICT (series_id) DO UPDATE SET frequency = EXCLUDED.frequency")) {
      ps.setArray(1, c.createArrayOf("bigint", ids));
      ps.setArray(2, c.createArrayOf("text", names));
      ps.executeUpdate();
    }
  }

  /** The series' own frequency; null when the series was never registered. */
  public Frequency frequency(long seriesId) throws SQLException {
    Frequency known = frequencies.get(seriesId);
    if (known != null) {
      return known;
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT frequency FROM baseline.series WHERE series_id = ?")) {
      ps.setLong(1, seriesId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        Frequency frequency = Frequency.valueOf(rs.getString(1));
        frequencies.put(seriesId, frequency);
        return frequency;
      }
    }
  }

  /** A derived view, ascending by date; null values are missing (or not computable). */
  public record Derived(List<LocalDate> dates, List<Double> values) {}

  /** The as-of view of one series through {@code steps} (one statement, see {@link Steps}). */
  public Derived derived(long seriesId, Steps steps, LocalDate from, LocalDate to, LocalDate asOf) throws SQLException {
    Sql sql = new Sql();
    steps.write(sql, seriesId, null, asOf, from, to);
    sql.append(" ORDER BY date");
    List<LocalDate> dates = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = sql.prepare(c);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        dates.add(rs.getObject(1, LocalDate.class));
        double value = rs.getDouble(2);
        values.add(rs.wasNull() ? null : value);
      }
    }
    return new Derived(dates, values);
  }

  /**
   * The vintage matrix: {@code values.get(v).get(d)} is the value of {@code dates.get(d)} as of
   * {@code vintageDates.get(v)}, null where that vintage had no row for the date (or a missing value).
   * {@code decimals} holds the exact stored values, or for derived values the shortest decimal of the double.
   */
  public record Panel(List<LocalDate> dates, List<List<Double>> values, List<List<BigDecimal>> decimals) {}

  /**
   * One statement for every vintage: {@code unnest(vintages) WITH ORDINALITY} joined laterally to the
   * {@code DISTINCT ON} as-of view (or the derived view of {@code steps}) of each; pivoted here on the
   * union of the dates.
   */
  public Panel panel(long seriesId, List<LocalDate> vintageDates, Steps steps, LocalDate from, LocalDate to)
      throws SQLException {
    String[] vintages = new String[vintageDates.size()];
    for (int v = 0; v < vintages.length; v++) {
      vintages[v] = vintageDates.get(v).toString();
    }
    Sql sql = new Sql().append("SELECT vt.ord, d.date, d.value FROM unnest(").bindArray("date", vintages)
        .append(") WITH ORDINALITY AS vt(vintage, ord) CROSS JOIN LATERAL (");
    if (steps.isLevel()) {
      Steps.writeView(sql, seriesId, "vt.vintage", null, from, to);
    } else {
      steps.write(sql, seriesId, "vt.vintage", null, from, to);
    }
    sql.append(") d");
    List<int[]> cells = new ArrayList<>(); // {vintage, epoch day}
    List<BigDecimal> cellValues = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = sql.prepare(c);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        cells.add(new int[] {rs.getInt(1) - 1, (int) rs.getObject(2, LocalDate.class).toEpochDay()});
        if (steps.isLevel()) {
          cellValues.add(strip(rs.getBigDecimal(3)));
        } else {
          double value = rs.getDouble(3);
          cellValues.add(rs.wasNull() ? null : new BigDecimal(NumberOutput.toString(value, true)));
        }
      }
    }
    int[] days = cells.stream().mapToInt(cell -> cell[1]).sorted().distinct().toArray();
    Double[][] values = new Double[vintages.length][days.length];
    BigDecimal[][] decimals = new BigDecimal[vintages.length][days.length];
    for (int i = 0; i < cells.size(); i++) {
      int[] cell = cells.get(i);
      int d = java.util.Arrays.binarySearch(days, cell[1]);
      BigDecimal value = cellValues.get(i);
      decimals[cell[0]][d] = value;
      values[cell[0]][d] = value == null ? null : value.doubleValue();
    }
    List<LocalDate> dates = new ArrayList<>(days.length);
    for (int day : days) {
      dates.add(LocalDate.ofEpochDay(day));
    }
    List<List<Double>> valueRows = new ArrayList<>(vintages.length);
    List<List<BigDecimal>> decimalRows = new ArrayList<>(vintages.length);
    for (int v = 0; v < vintages.length; v++) {
      valueRows.add(java.util.Arrays.asList(values[v]));
      decimalRows.add(java.util.Arrays.asList(decimals[v]));
    }
    return new Panel(dates, valueRows, decimalRows);
  }

  /**
   * The latest observation with a value in the {@code asOf} view of each series: one statement for
   * the whole batch (a lateral backward index scan per series that stops at the first hit).
   */
  public Map<Long, Observation> latest(List<Long> seriesIds, LocalDate asOf) throws SQLException {
    String sql = "SELECT s.id, l.date, l.value, l.revision_date FROM unnest(?::bigint[]) AS s(id)"
        + " CROSS JOIN LATERAL (SELECT v.date, v.value, v.revision_date FROM ("
        + "   SELECT DISTINCT ON (o.date) o.date, o.value, o.revision_date FROM baseline.observations o"
        + "   WHERE o.series_id = s.id" + (asOf == null ? "" : " AND o.revision_date <= ?")
        + "   ORDER BY o.date DESC, o.revision_date DESC) v"
        + " WHERE v.value IS NOT NULL LIMIT 1) l";
    Map<Long, Observation> result = new HashMap<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      Array ids = c.createArrayOf("bigint", seriesIds.toArray());
      ps.setArray(1, ids);
      if (asOf != null) {
        ps.setObject(2, asOf);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          result.put(rs.getLong(1), observation(rs.getObject(2, LocalDate.class), strip(rs.getBigDecimal(3)),
              rs.getObject(4, LocalDate.class)));
        }
      }
    }
    return result;
  }

  private static void bounds(StringBuilder sql, List<Object> params, LocalDate from, LocalDate to, LocalDate asOf) {
    if (from != null) {
      sql.append(" AND date >= ?");
      params.add(from);
    }
    if (to != null) {
      sql.append(" AND date <= ?");
      params.add(to);
    }
    if (asOf != null) {
      sql.append(" AND revision_date <= ?");
      params.add(asOf);
    }
  }

  private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      ps.setObject(i + 1, params.get(i));
    }
  }

  private static Observation observation(LocalDate date, BigDecimal value, LocalDate revisionDate) {
    return Observation.newBuilder().date(date).value(value).revisionDate(revisionDate).build();
  }

  /** Almanac serves values with the trailing zeros of the stored scale removed; so does the baseline. */
  static BigDecimal strip(BigDecimal value) {
    return value == null ? null : value.stripTrailingZeros();
  }
}
