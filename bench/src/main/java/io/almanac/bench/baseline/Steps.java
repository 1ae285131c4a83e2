package io.almanac.bench.baseline;

import io.almanac.bench.baseline.generated.DgsConstants.SERIES.DATA_INPUT_ARGUMENT;
import io.almanac.bench.baseline.generated.types.Aggregation;
import io.almanac.bench.baseline.generated.types.DayOfWeek;
import io.almanac.bench.baseline.generated.types.Frequency;
import io.almanac.bench.baseline.generated.types.Transform;
import io.almanac.graphql.AlmanacGraphQLException;
import java.time.LocalDate;

/**
 * The steps of a derived read (aggregation to a lower frequency, then a transform, as FRED orders them),
 * written the way a team would in SQL over the as-of view: {@code date_trunc} grouping for aggregation,
 * window functions for transforms ({@code LAG} over the date order; for DAILY, WEEKLY and BIWEEKLY "a
 * year ago" a {@code RANGE ... INTERVAL '1 year' PRECEDING} frame, whose last row is the observation
 * dated one year earlier or the last one before it). Values are computed as {@code float8}, like
 * Almanac's doubles; aggregates over the exact {@code numeric} values.
 *
 * <p>The rules are Almanac's (schema/financial.graphqls): a date without a predecessor is omitted; a
 * null input, a division by zero or the log of a non-positive value gives null; the first and last
 * period of an aggregation are kept only with FRED's minimum number of non-missing values (FRED help,
 * "How are missing values determined for first/last observations"); {@code from}/{@code to} bound the
 * resulting dates (a transform looks back before {@code from}).
 *
 * @param own the series' own frequency
 * @param transform null = none (LEVEL)
 * @param frequency null = no aggregation (also when the request names the series' own frequency)
 * @param aggregation set when {@code frequency} is
 * @param weekEnding set when {@code frequency} is WEEKLY or BIWEEKLY
 */
record Steps(Frequency own, Transform transform, Frequency frequency, Aggregation aggregation, DayOfWeek weekEnding) {

  /** No step at all: the stored values (the series' frequency is not needed). */
  static final Steps NONE = new Steps(null, null, null, null, null);

  /**
   * The steps a request asks for, checked against the series' own frequency. {@code vintagePanel}'s
   * arguments have the same names as {@code data}'s.
   *
   * @throws AlmanacGraphQLException BAD_USER_INPUT for a frequency higher than the series' own, or
   *     {@code aggregation}/{@code weekEnding} without {@code frequency}
   */
  static Steps of(Frequency own, Transform transform, Frequency frequency, Aggregation aggregation,
      DayOfWeek weekEnding) {
    if (frequency == null) {
      if (aggregation != null) {
        throw AlmanacGraphQLException.badInput(DATA_INPUT_ARGUMENT.Aggregation, "aggregation needs a frequency");
      }
      if (weekEnding != null) {
        throw AlmanacGraphQLException.badInput(DATA_INPUT_ARGUMENT.WeekEnding, "weekEnding needs a frequency");
      }
    } else if (frequency.ordinal() < own.ordinal()) {
      throw AlmanacGraphQLException.badInput(DATA_INPUT_ARGUMENT.Frequency,
          "frequency " + frequency + " is higher than the series' own (" + own + ")");
    }
    Frequency target = frequency == own ? null : frequency;
    DayOfWeek week = target == Frequency.WEEKLY || target == Frequency.BIWEEKLY
        ? weekEnding != null ? weekEnding : target == Frequency.WEEKLY ? DayOfWeek.FRIDAY : DayOfWeek.WEDNESDAY
        : null;
    return new Steps(own, transform == Transform.LEVEL ? null : transform, target,
        target == null ? null : aggregation == null ? Aggregation.AVERAGE : aggregation, week);
  }

  /** True when the read is the stored values themselves (no step applies). */
  boolean isLevel() {
    return transform == null && frequency == null;
  }

  /** The frequency of the result: what a transform's n and "a year ago" are of. */
  Frequency resultFrequency() {
    return frequency == null ? own : frequency;
  }

  /**
   * Writes a query with columns {@code date} and {@code value} ({@code float8}), unordered.
   *
   * @param asOfColumn a column of an enclosing query holding the as-of date (a vintage panel's), or null
   * @param asOf the as-of date when {@code asOfColumn} is null; null = the latest of all vintages
   */
  void write(Sql sql, long seriesId, String asOfColumn, LocalDate asOf, LocalDate from, LocalDate to) {
    String predecessor = null;
    if (transform == null) {
      sql.append("SELECT date, x AS value FROM (");
      writeAggregated(sql, seriesId, asOfColumn, asOf);
      sql.append(") t WHERE true");
    } else {
      int n = periodsPerYear(resultFrequency());
      boolean byDate = resultFrequency().ordinal() <= Frequency.BIWEEKLY.ordinal();
      String columns = switch (transform) {
        case CHANGE, PERCENT_CHANGE, COMPOUNDED_ANNUAL_RATE, CONTINUOUSLY_COMPOUNDED, CONTINUOUSLY_COMPOUNDED_ANNUAL -> {
          predecessor = "pd";
          yield ", lag(x) OVER w AS p, lag(date) OVER w AS pd";
        }
        case CHANGE_FROM_YEAR_AGO, PERCENT_CHANGE_FROM_YEAR_AGO -> {
          predecessor = "yd";
          yield byDate ? ", last_value(x) OVER y AS ya, last_value(date) OVER y AS yd"
              : ", lag(x, " + n + ") OVER w AS ya, lag(date, " + n + ") OVER w AS yd";
        }
        case NATURAL_LOG, LEVEL -> "";
      };
      sql.append("SELECT date, ").append(expression(transform, n)).append(" AS value FROM (SELECT date, x")
          .append(columns).append(" FROM (");
      writeAggregated(sql, seriesId, asOfColumn, asOf);
      sql.append(") s WINDOW w AS (ORDER BY date)");
      if (byDate) {
        sql.append(", y AS (ORDER BY date RANGE BETWEEN UNBOUNDED PRECEDING AND INTERVAL '1 year' PRECEDING)");
      }
      sql.append(") t WHERE ").append(predecessor == null ? "true" : predecessor + " IS NOT NULL");
    }
    if (from != null) {
      sql.append(" AND date >= ").bind(from);
    }
    if (to != null) {
      sql.append(" AND date <= ").bind(to);
    }
  }

  /** Columns {@code date} (the period's date) and {@code x}; the view's rows when no aggregation applies. */
  private void writeAggregated(Sql sql, long seriesId, String asOfColumn, LocalDate asOf) {
    if (frequency == null) {
      sql.append("SELECT date, value::float8 AS x FROM (");
      writeView(sql, seriesId, asOfColumn, asOf, null, null);
      sql.append(") v");
      return;
    }
    String aggregate = switch (aggregation) {
      case AVERAGE -> "avg(value)::float8";
      case SUM -> "sum(value)::float8";
      // The period's last non-missing value.
      case END_OF_PERIOD -> "(array_agg(value ORDER BY date DESC) FILTER (WHERE value IS NOT NULL))[1]::float8";
    };
    sql.append("SELECT period AS date, x FROM (SELECT period, x, n, min(period) OVER () AS first_period,"
        + " max(period) OVER () AS last_period FROM (SELECT ").append(period(frequency, weekEnding))
        .append(" AS period, ").append(aggregate).append(" AS x, count(value) AS n FROM (");
    writeView(sql, seriesId, asOfColumn, asOf, null, null);
    sql.append(") v GROUP BY 1) g) a WHERE n >= ").append(minimumObservations(own, frequency))
        .append(" OR (period > first_period AND period < last_period)");
  }

  /**
   * The as-of view, columns {@code date} and {@code value} (numeric): each date's latest revision published
   * on or before the as-of date, within {@code [from, to]} (null = open).
   */
  static void writeView(Sql sql, long seriesId, String asOfColumn, LocalDate asOf, LocalDate from, LocalDate to) {
    sql.append("SELECT DISTINCT ON (date) date, value FROM baseline.observations WHERE series_id = ").bind(seriesId);
    if (asOfColumn != null) {
      sql.append(" AND revision_date <= ").append(asOfColumn);
    } else if (asOf != null) {
      sql.append(" AND revision_date <= ").bind(asOf);
    }
    if (from != null) {
      sql.append(" AND date >= ").bind(from);
    }
    if (to != null) {
      sql.append(" AND date <= ").bind(to);
    }
    sql.append(" ORDER BY date DESC, revision_date DESC");
  }

  /**
   * FRED's formulas over {@code x} (the value), {@code p} (the previous row's) and {@code ya} (a year
   * ago's), with nulls instead of errors: NULLIF for division by zero, guards for logs; PostgreSQL raises
   * on float8 overflow and underflow where Java gives Infinity or 0, so the compounded annual rate
   * answers null past about 1e304 (Almanac: Infinity, then null) and -100 below about 1e-304.
   */
  static String expression(Transform transform, int n) {
    return switch (transform) {
      case LEVEL -> "x";
      case CHANGE -> "x - p";
      case CHANGE_FROM_YEAR_AGO -> "x - ya";
      case PERCENT_CHANGE -> "100 * (x / NULLIF(p, 0) - 1)";
      case PERCENT_CHANGE_FROM_YEAR_AGO -> "100 * (x / NULLIF(ya, 0) - 1)";
      case COMPOUNDED_ANNUAL_RATE -> "CASE WHEN x = 0 AND p <> 0 THEN -100::float8"
          + " WHEN p = 0 THEN NULL"
          + " WHEN " + n + " * ln(abs(x / p)) > 700 THEN NULL"
          + " WHEN " + n + " * ln(abs(x / p)) < -700 THEN -100::float8"
          + " ELSE 100 * (power(x / p, " + n + ") - 1) END";
      case CONTINUOUSLY_COMPOUNDED -> "CASE WHEN x > 0 AND p > 0 THEN 100 * (ln(x) - ln(p)) END";
      case CONTINUOUSLY_COMPOUNDED_ANNUAL -> "CASE WHEN x > 0 AND p > 0 THEN 100 * " + n + " * (ln(x) - ln(p)) END";
      case NATURAL_LOG -> "CASE WHEN x > 0 THEN ln(x) END";
    };
  }

  /**
   * The date of the period holding {@code date}: calendar periods at their first day; weeks at their
   * ending day; biweekly periods end every second {@code weekEnding} counted from the first such day on
   * or after 1970-01-01.
   */
  static String period(Frequency frequency, DayOfWeek weekEnding) {
    return switch (frequency) {
      case MONTHLY -> "date_trunc('month', date::timestamp)::date";
      case QUARTERLY -> "date_trunc('quarter', date::timestamp)::date";
      case SEMIANNUAL -> "make_date(extract(year FROM date)::int, CASE WHEN extract(month FROM date) <= 6 THEN 1 ELSE 7 END, 1)";
      case ANNUAL -> "date_trunc('year', date::timestamp)::date";
      case WEEKLY -> "date + (" + isoDay(weekEnding) + " - extract(isodow FROM date)::int + 7) % 7";
      case BIWEEKLY -> {
        int firstEnd = (isoDay(weekEnding) - 4 + 7) % 7; // 1970-01-01 was a Thursday (ISO day 4)
        yield "date '1970-01-01' + (" + firstEnd + " + 14 * ceil((date - date '1970-01-01' - " + firstEnd
            + ") / 14.0)::int)";
      }
      case DAILY -> throw new IllegalArgumentException("DAILY is never an aggregation target");
    };
  }

  private static int isoDay(DayOfWeek day) {
    return day.ordinal() + 1; // MONDAY = 1 ... SUNDAY = 7, as PostgreSQL's isodow
  }

  /** n of FRED's formulas: periods per year. */
  static int periodsPerYear(Frequency frequency) {
    return switch (frequency) {
      case DAILY -> 260;
      case WEEKLY -> 52;
      case BIWEEKLY -> 26;
      case MONTHLY -> 12;
      case QUARTERLY -> 4;
      case SEMIANNUAL -> 2;
      case ANNUAL -> 1;
    };
  }

  /**
   * FRED's minimum number of observations for the first and the last period (FRED help, "How are missing
   * values determined for first/last observations"), counted here as non-missing values.
   */
  static int minimumObservations(Frequency from, Frequency to) {
    int[][] table = {
        // WEEKLY, BIWEEKLY, MONTHLY, QUARTERLY, SEMIANNUAL, ANNUAL
        {4, 8, 17, 52, 104, 208}, // from DAILY
        {0, 2, 3, 10, 20, 39}, // WEEKLY
        {0, 0, 2, 7, 13, 26}, // BIWEEKLY
        {0, 0, 0, 3, 6, 12}, // MONTHLY
        {0, 0, 0, 0, 2, 4}, // QUARTERLY
        {0, 0, 0, 0, 0, 2}, // SEMIANNUAL
    };
    return table[from.ordinal()][to.ordinal() - 1];
  }
}
