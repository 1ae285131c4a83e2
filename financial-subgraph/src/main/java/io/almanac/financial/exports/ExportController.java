package io.almanac.financial.exports;

import io.almanac.financial.generated.DgsConstants.SERIES.DATA_INPUT_ARGUMENT;
import io.almanac.financial.generated.types.Frequency;
import io.almanac.financial.observations.ObservationHistories;
import io.almanac.financial.observations.ResponseLimit;
import io.almanac.financial.observations.SeriesReads;
import io.almanac.financial.observations.SeriesView;
import io.almanac.financial.observations.ViewRequest;
import io.almanac.financial.series.Series;
import io.almanac.financial.series.SeriesCatalog;
import io.almanac.financial.vintages.VintagePanel;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.auth.HttpCallers;
import io.almanac.store.SeriesHistory;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Files for analysts' tools, the same views as GraphQL's {@code data} and {@code vintagePanel} (read
 * through {@link SeriesReads}, with {@code data}'s arguments as query parameters, see
 * {@link ExportParameters}), as Arrow IPC streams, RFC 4180 CSV or Parquet by the file extension:
 * <ul>
 *   <li>{@code GET /export/series/{id}.{arrow|csv|parquet}}: {@code date, value} (+ {@code decimal} with
 *       {@code decimals=true});
 *   <li>{@code GET /export/panel.{ext}?ids=1,2,3}: several series on the union of their dates, one column
 *       per series named by its external id ({@code layout=long}: {@code series_id, date, value});
 *   <li>{@code GET /export/vintages/{id}.{ext}?vintageDates=...}: the vintage panel, one column per
 *       vintage named {@code <externalId>_<yyyyMMdd>} (ALFRED's column names).
 * </ul>
 * Callers are readers as in GraphQL ({@link HttpCallers#reader}). Everything that can be refused is checked
 * before the first byte is sent, so refusals are proper answers (by {@link io.almanac.graphql.HttpErrorHandler},
 * GraphQL's error shape): 400 {@code BAD_USER_INPUT} naming the parameter, 404 {@code NOT_FOUND} for an
 * unknown series, 401/403, 429 {@code LIMIT_EXCEEDED} past {@link ResponseLimit} (points: rows of a series or
 * a long panel, dates x series of a wide one, dates x vintages).
 *
 * <p>Memory: rows are written as they are read from the views, through a format writer that holds at most
 * one Arrow batch (64k rows, less for wide tables), one Parquet row group (8 MiB) or a 64 KiB CSV buffer.
 * Besides the series' histories (which the history cache may hold anyway), a series export holds its one
 * view; a long panel one view at a time (each series' view is read twice, once to count its rows for the
 * limit and once to write them); a wide panel every series' view at once, for the merge on dates, with a
 * cursor per series. A view is 4 bytes a point for the plain vintage view (row numbers into the history), or
 * the step's output columns (12 bytes a point) for derived rows.
 */
@RestController
class ExportController {

  private static final Logger log = LoggerFactory.getLogger(ExportController.class);
  private static final DateTimeFormatter VINTAGE_SUFFIX = DateTimeFormatter.BASIC_ISO_DATE;

  private final SeriesCatalog catalog;
  private final ObservationHistories histories;
  private final ResponseLimit limit;
  private final HttpCallers callers;

  ExportController(SeriesCatalog catalog, ObservationHistories histories, ResponseLimit limit, HttpCallers callers) {
    this.catalog = catalog;
    this.histories = histories;
    this.limit = limit;
    this.callers = callers;
  }

  private static final List<String> SERIES_PARAMETERS = parameters(List.of(), ExportParameters.DECIMALS);
  private static final List<String> PANEL_PARAMETERS = parameters(List.of(ExportParameters.IDS, ExportParameters.LAYOUT),
      ExportParameters.DECIMALS);
  // asOf and firstRelease are refused by name below (each vintage is its own as-of view).
  private static final List<String> VINTAGES_PARAMETERS = parameters(
      List.of(io.almanac.financial.generated.DgsConstants.SERIES.VINTAGEPANEL_INPUT_ARGUMENT.VintageDates),
      ExportParameters.DECIMALS);

  private static List<String> parameters(List<String> first, String last) {
    List<String> all = new ArrayList<>(first);
    all.addAll(ExportParameters.VIEW);
    all.add(last);
    return List.copyOf(all);
  }

  @GetMapping("/export/series/{file}")
  void series(@PathVariable String file, HttpServletRequest request, HttpServletResponse response) {
    callers.reader(request);
    ExportParameters.checkKnown(request, SERIES_PARAMETERS);
    FileName name = FileName.parse(file);
    Series series = series(ExportParameters.id(name.stem(), ExportParameters.ID), ExportParameters.ID);
    ViewRequest steps = ExportParameters.view(request);
    boolean decimals = ExportParameters.decimals(request);
    SeriesView view = SeriesReads.read(history(series), frequency(series), steps);
    limit.check(view.size(), "The export of series " + series.id());
    stream(response, name.format(), series.externalId(), ExportTables.seriesColumns(decimals),
        out -> ExportTables.writeSeries(view, decimals, out));
  }

  @GetMapping("/export/panel.{extension}")
  void panel(@PathVariable String extension, HttpServletRequest request, HttpServletResponse response) {
    callers.reader(request);
    ExportParameters.checkKnown(request, PANEL_PARAMETERS);
    ExportFormat format = ExportFormat.ofExtension(extension);
    List<Long> ids = ExportParameters.ids(request);
    List<Series> members = new ArrayList<>(ids.size());
    for (Long id : ids) {
      members.add(series(id, ExportParameters.IDS));
    }
    ViewRequest steps = ExportParameters.view(request);
    boolean decimals = ExportParameters.decimals(request);
    ExportParameters.Layout layout = ExportParameters.layout(request);
    Map<Long, SeriesHistory> loaded = histories.load(ids, histories.currentSnapshot());
    SeriesHistory[] memberHistories = new SeriesHistory[members.size()];
    for (int s = 0; s < memberHistories.length; s++) {
      memberHistories[s] = loaded.getOrDefault(ids.get(s), SeriesHistory.empty(ids.get(s)));
    }
    if (layout == ExportParameters.Layout.LONG) {
      long points = 0;
      for (int s = 0; s < members.size(); s++) {
        points += SeriesReads.read(memberHistories[s], frequency(members.get(s)), steps).size();
      }
      limit.check(points, "The long panel export of " + ids.size() + " series");
      stream(response, format, "panel", ExportTables.longColumns(decimals), out -> {
        for (int s = 0; s < members.size(); s++) {
          Series series = members.get(s);
          ExportTables.writeLong(series.id(), SeriesReads.read(memberHistories[s], frequency(series), steps),
              decimals, out);
        }
      });
      return;
    }
    SeriesView[] views = new SeriesView[members.size()];
    for (int s = 0; s < views.length; s++) {
      views[s] = SeriesReads.read(memberHistories[s], frequency(members.get(s)), steps);
    }
    int rows = ExportTables.wideRows(views);
    limit.check((long) rows * views.length, String.format("The panel export of %,d dates x %,d series", rows,
        views.length));
    stream(response, format, "panel", ExportTables.wideColumns(columnNames(members), decimals),
        out -> ExportTables.writeWide(views, decimals, out));
  }

  @GetMapping("/export/vintages/{file}")
  void vintages(@PathVariable String file, HttpServletRequest request, HttpServletResponse response) {
    callers.reader(request);
    ExportParameters.checkKnown(request, VINTAGES_PARAMETERS);
    FileName name = FileName.parse(file);
    Series series = series(ExportParameters.id(name.stem(), ExportParameters.ID), ExportParameters.ID);
    List<LocalDate> vintageDates = ExportParameters.vintageDates(request);
    ViewRequest steps = ExportParameters.view(request);
    // Each vintage is its own as-of view: a single asOf or first-release view has no place in the panel.
    if (steps.asOf() != null) {
      throw AlmanacGraphQLException.badInput(DATA_INPUT_ARGUMENT.AsOf,
          "A vintage panel reads each vintage as of its date: give vintageDates, not asOf");
    }
    if (steps.firstRelease()) {
      throw AlmanacGraphQLException.badInput(DATA_INPUT_ARGUMENT.FirstRelease,
          "A vintage panel reads each vintage as of its date: firstRelease does not apply");
    }
    boolean decimals = ExportParameters.decimals(request);
    // Refused past the point limit (dates x vintages) before its cells are allocated.
    VintagePanel panel = VintagePanel.build(history(series), frequency(series), vintageDates, steps, limit);
    List<String> names = new ArrayList<>(vintageDates.size());
    for (LocalDate vintage : vintageDates) {
      names.add(series.externalId() + "_" + vintage.format(VINTAGE_SUFFIX));
    }
    stream(response, name.format(), series.externalId() + "_vintages", ExportTables.wideColumns(names, decimals),
        out -> ExportTables.writeVintages(panel, decimals, out));
  }

  /**
   * Sends the table: headers, then the rows as {@code rows} writes them. A failure while writing reaches
   * the client as a broken transfer (the response is committed by then); a client that went away ends the
   * export quietly.
   */
  private static void stream(HttpServletResponse response, ExportFormat format, String baseName,
      List<Column> columns, ExportTables.Rows rows) {
    response.setContentType(format.mediaType());
    response.setHeader(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
        .filename(safeFileName(baseName) + "." + format.extension()).build().toString());
    try (TableWriter out = format.open(columns, response.getOutputStream())) {
      rows.write(out);
    } catch (IOException clientGone) {
      // Only the response stream is written to: the client closed the connection.
      log.debug("Export to {} ended early: {}", format, clientGone.toString());
    }
  }

  private Series series(long id, String argument) {
    return catalog.get(id).orElseThrow(() -> new AlmanacGraphQLException(
        io.almanac.graphql.ErrorCode.NOT_FOUND, "No series with id " + id, Map.of("argument", argument)));
  }

  private SeriesHistory history(Series series) {
    long id = series.numericId();
    return histories.load(List.of(id), histories.currentSnapshot()).getOrDefault(id, SeriesHistory.empty(id));
  }

  private static Frequency frequency(Series series) {
    return Frequency.valueOf(series.frequency());
  }

  /**
   * A wide panel's column names: each series' external id, unless two series share it (across providers)
   * or it is {@code date}: then {@code <externalId>_<id>}, so that every column has its own name.
   */
  static List<String> columnNames(List<Series> members) {
    Set<String> seen = new HashSet<>();
    Set<String> repeated = new HashSet<>(Set.of(ExportTables.DATE));
    for (Series series : members) {
      if (!seen.add(series.externalId())) {
        repeated.add(series.externalId());
      }
    }
    List<String> names = new ArrayList<>(members.size());
    for (Series series : members) {
      String externalId = series.externalId();
      names.add(repeated.contains(externalId) ? externalId + "_" + series.id() : externalId);
    }
    return names;
  }

  /** A file name made of letters, digits, {@code .}, {@code -} and {@code _} (anything else becomes {@code _}). */
  static String safeFileName(String name) {
    String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
    return safe.isEmpty() || safe.startsWith(".") ? "series" + safe : safe;
  }

  /** {@code {stem}.{extension}} of a path's last segment. */
  record FileName(String stem, ExportFormat format) {
    static FileName parse(String file) {
      int dot = file.lastIndexOf('.');
      if (dot <= 0) {
        throw AlmanacGraphQLException.badInput(ExportFormat.ARGUMENT,
            "The file name must be <id>.arrow, <id>.csv or <id>.parquet, got '" + file + "'");
      }
      return new FileName(file.substring(0, dot), ExportFormat.ofExtension(file.substring(dot + 1)));
    }
  }
}
