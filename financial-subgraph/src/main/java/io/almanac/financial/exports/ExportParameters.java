package io.almanac.financial.exports;

import io.almanac.financial.generated.DgsConstants.SERIES.DATA_INPUT_ARGUMENT;
import io.almanac.financial.generated.DgsConstants.SERIES.VINTAGEPANEL_INPUT_ARGUMENT;
import io.almanac.financial.generated.types.Aggregation;
import io.almanac.financial.generated.types.DayOfWeek;
import io.almanac.financial.generated.types.Frequency;
import io.almanac.financial.generated.types.Transform;
import io.almanac.financial.observations.ViewRequest;
import io.almanac.graphql.AlmanacGraphQLException;
import jakarta.servlet.http.HttpServletRequest;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The query parameters of {@code /export/*}, read from the request and checked one by one: a value that
 * cannot be read is {@code BAD_USER_INPUT} naming its parameter. The view parameters are {@code data}'s
 * arguments under the same names (see {@link #view}); steps a series cannot take are refused by
 * {@link io.almanac.financial.observations.SeriesReads} like in GraphQL. List parameters take
 * comma-separated values, repeated parameters or both ({@code ids=1,2&ids=3}).
 */
final class ExportParameters {

  /** Series of a panel: their ids, in column order. */
  static final String IDS = "ids";
  /** {@code wide} (default) or {@code long}. */
  static final String LAYOUT = "layout";
  /** {@code true}: add each value's exact stored text. */
  static final String DECIMALS = "decimals";
  /** The series' id in the path of a series or vintages export. */
  static final String ID = "id";

  /** How a panel's series are laid out. */
  enum Layout { WIDE, LONG }

  private ExportParameters() {}

  /** {@code data}'s arguments an export reads as query parameters ({@link #view}). */
  static final List<String> VIEW = List.of(DATA_INPUT_ARGUMENT.From, DATA_INPUT_ARGUMENT.To, DATA_INPUT_ARGUMENT.AsOf,
      DATA_INPUT_ARGUMENT.FirstRelease, DATA_INPUT_ARGUMENT.Transform, DATA_INPUT_ARGUMENT.Frequency,
      DATA_INPUT_ARGUMENT.Aggregation, DATA_INPUT_ARGUMENT.WeekEnding);
  /** The parameters that are flags: {@code true} or {@code false}, never blank. */
  private static final Set<String> FLAGS = Set.of(DECIMALS, DATA_INPUT_ARGUMENT.FirstRelease);

  /**
   * Refuses a query parameter the export does not read, and a flag without a value: otherwise a typo
   * ({@code fro=}), a {@code data} argument exports do not take ({@code last}, {@code first}: an export is the
   * whole range, cut with {@code from} and {@code to}) or a bare {@code ?decimals} (read as false) would quietly
   * answer another file than the one asked for.
   *
   * @param reads the parameters this export reads, in the order the message lists them
   * @throws AlmanacGraphQLException BAD_USER_INPUT (400) naming the parameter
   */
  static void checkKnown(HttpServletRequest request, List<String> reads) {
    for (var parameter : request.getParameterMap().entrySet()) {
      String name = parameter.getKey();
      String shown = name.length() > 40 ? name.substring(0, 40) + "..." : name;
      if (!reads.contains(name)) {
        throw AlmanacGraphQLException.badInput(shown, "Unknown parameter '" + shown + "'; this export reads "
            + String.join(", ", reads) + (List.of("last", "first", "before", "after").contains(name)
                ? " (an export holds the whole range: cut it with from and to)" : ""));
      }
      if (FLAGS.contains(name)) {
        for (String value : parameter.getValue()) {
          if (value.isBlank()) {
            throw AlmanacGraphQLException.badInput(name, name + " needs a value: true or false");
          }
        }
      }
    }
  }

  /**
   * {@code from, to, asOf, firstRelease, transform, frequency, aggregation, weekEnding}, as {@code data} takes
   * them; enum values are their GraphQL names (any case).
   */
  static ViewRequest view(HttpServletRequest request) {
    // ViewRequest checks the combination (from after to, aggregation without frequency, ...) as for GraphQL.
    return new ViewRequest(date(request, DATA_INPUT_ARGUMENT.From), date(request, DATA_INPUT_ARGUMENT.To),
        date(request, DATA_INPUT_ARGUMENT.AsOf),
        bool(request, DATA_INPUT_ARGUMENT.FirstRelease),
        enumValue(request, DATA_INPUT_ARGUMENT.Transform, Transform::valueOf, Transform.values()),
        enumValue(request, DATA_INPUT_ARGUMENT.Frequency, Frequency::valueOf, Frequency.values()),
        enumValue(request, DATA_INPUT_ARGUMENT.Aggregation, Aggregation::valueOf, Aggregation.values()),
        enumValue(request, DATA_INPUT_ARGUMENT.WeekEnding, DayOfWeek::valueOf, DayOfWeek.values()));
  }

  static boolean decimals(HttpServletRequest request) {
    return bool(request, DECIMALS);
  }

  static Layout layout(HttpServletRequest request) {
    Layout layout = enumValue(request, LAYOUT, Layout::valueOf, Layout.values());
    return layout == null ? Layout.WIDE : layout;
  }

  /** The series ids of a panel, in request order; at least one, none repeated. */
  static List<Long> ids(HttpServletRequest request) {
    List<String> values = list(request, IDS);
    if (values.isEmpty()) {
      throw AlmanacGraphQLException.badInput(IDS, "ids is required: the series of the panel, e.g. ids=1,2,3");
    }
    Set<Long> ids = new LinkedHashSet<>();
    for (String value : values) {
      if (!ids.add(id(value, IDS))) {
        throw AlmanacGraphQLException.badInput(IDS, "Series " + value + " is listed twice in ids");
      }
    }
    return List.copyOf(ids);
  }

  /** The vintages of a vintage panel, in request order; at least one, none repeated (each is a column). */
  static List<LocalDate> vintageDates(HttpServletRequest request) {
    String name = VINTAGEPANEL_INPUT_ARGUMENT.VintageDates;
    List<String> values = list(request, name);
    if (values.isEmpty()) {
      throw AlmanacGraphQLException.badInput(name, name + " is required, e.g. " + name + "=2024-04-25,2024-05-30");
    }
    Set<LocalDate> dates = new LinkedHashSet<>();
    for (String value : values) {
      if (!dates.add(parseDate(name, value))) {
        throw AlmanacGraphQLException.badInput(name, "Vintage " + value + " is listed twice in " + name);
      }
    }
    return List.copyOf(dates);
  }

  /** A series id as given in a path or list, named {@code argument} in errors. */
  static long id(String value, String argument) {
    try {
      long id = Long.parseLong(value.strip());
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException notANumber) {
      // answered below
    }
    throw AlmanacGraphQLException.badInput(argument, "'" + value + "' is not a series id");
  }

  private static String single(HttpServletRequest request, String name) {
    String[] values = request.getParameterValues(name);
    if (values == null || values.length == 0) {
      return null;
    }
    if (values.length > 1) {
      throw AlmanacGraphQLException.badInput(name, name + " is given " + values.length + " times; give it once");
    }
    String value = values[0].strip();
    return value.isEmpty() ? null : value;
  }

  private static List<String> list(HttpServletRequest request, String name) {
    String[] values = request.getParameterValues(name);
    List<String> items = new ArrayList<>();
    if (values != null) {
      for (String value : values) {
        for (String item : value.split(",")) {
          if (!item.isBlank()) {
            items.add(item.strip());
          }
        }
      }
    }
    return items;
  }

  private static LocalDate date(HttpServletRequest request, String name) {
    String value = single(request, name);
    return value == null ? null : parseDate(name, value);
  }

  private static LocalDate parseDate(String name, String value) {
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw AlmanacGraphQLException.badInput(name, name + " must be a date as yyyy-MM-dd, got '" + value + "'");
    }
  }

  private static boolean bool(HttpServletRequest request, String name) {
    String value = single(request, name);
    if (value == null || value.equalsIgnoreCase("false")) {
      return false;
    }
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    throw AlmanacGraphQLException.badInput(name, name + " must be true or false, got '" + value + "'");
  }

  private static <E extends Enum<E>> E enumValue(HttpServletRequest request, String name, Function<String, E> byName,
      E[] values) {
    String value = single(request, name);
    if (value == null) {
      return null;
    }
    try {
      return byName.apply(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> names = new ArrayList<>();
      for (E known : values) {
        names.add(known.name());
      }
      throw AlmanacGraphQLException.badInput(name, name + " must be one of " + String.join(", ", names)
          + ", got '" + value + "'");
    }
  }
}
