package io.almanac.users.watchlists;

import java.util.Collection;
import java.util.Set;

/**
 * Which series exist: the one thing user-subgraph reads outside its own PostgreSQL schema, behind this read-only
 * port so that only {@link IcebergSeriesExistence} knows where the answer comes from.
 *
 * <p>It is the documented exception to "a subgraph reads only its own data": the Iceberg series table is the source
 * of truth for which series exist (crawler-write-api writes it, financial-subgraph serves it, no PostgreSQL table
 * lists them), and subgraphs never read each other's PostgreSQL tables, so refusing an unknown series on
 * {@code addToWatchlist} and leaving deleted ones out of {@code watchlist} means reading that table, and this
 * module carries the storage library (Iceberg, Parquet, Hadoop) for it. Removing the exception would take asking
 * financial-subgraph for {@code Series} entities over HTTP (an {@code _entities} query per check, adding its latency
 * and making watchlists fail while that subgraph is down); then the {@code timeseries-store} dependency could go.
 */
public interface SeriesExistence {

  /**
   * The ids among {@code ids} that name a live series (deleted ones are absent), as of this call.
   *
   * @return a set the caller may read but not change; empty, never null, when none exists
   */
  Set<Long> existing(Collection<Long> ids);

  /** Whether {@code id} names a live series, as of this call. */
  boolean exists(long id);
}
