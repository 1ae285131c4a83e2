package io.almanac.financial.search;

import io.almanac.financial.generated.DgsConstants.QUERY;
import io.almanac.financial.generated.types.OrderDirection;
import io.almanac.financial.generated.types.SeriesFilter;
import io.almanac.financial.generated.types.SeriesOrder;
import io.almanac.financial.generated.types.SeriesOrderField;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.Cursors;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code searchSeries}' arguments as a {@link SearchRequest}, and its cursors: the order, the direction, the
 * sort value and the id of the last series of a page, so the next page starts after it even when series are
 * added meanwhile.
 */
final class SearchArguments {

  static final String CURSOR_KIND = "search";
  static final int MAX_QUERY_LENGTH = 500;
  static final int MAX_WORDS = 32;
  static final int MAX_FILTER_TAGS = 50;

  private SearchArguments() {}

  /**
   * @param limit results to fetch (the page size plus one)
   * @throws AlmanacGraphQLException BAD_USER_INPUT for a query too long or of too many words, too many filter
   *     tags, or a cursor of another list or order
   */
  static SearchRequest request(SearchAnalyzer analyzer, String query, SeriesFilter filter, SeriesOrder orderBy,
      int limit, String after, boolean facets) {
    List<String> words = List.of();
    if (query != null) {
      if (query.length() > MAX_QUERY_LENGTH) {
        throw AlmanacGraphQLException.badInput(QUERY.SEARCHSERIES_INPUT_ARGUMENT.Query,
            "query must be at most " + MAX_QUERY_LENGTH + " characters, got " + query.length());
      }
      words = analyzer.words(query);
      if (words.size() > MAX_WORDS) {
        throw AlmanacGraphQLException.badInput(QUERY.SEARCHSERIES_INPUT_ARGUMENT.Query,
            "query must have at most " + MAX_WORDS + " words, got " + words.size());
      }
    }
    SearchRequest.Order order = order(orderBy, !words.isEmpty());
    boolean descending = descending(order, orderBy);
    SearchRequest.After position = after == null ? null : decode(after, order, descending);
    return new SearchRequest(words, filter(filter), order, descending, limit, position, facets);
  }

  private static SearchRequest.Order order(SeriesOrder orderBy, boolean hasWords) {
    SeriesOrderField field = orderBy == null ? null : orderBy.getField();
    if (field == null) {
      return hasWords ? SearchRequest.Order.RELEVANCE : SearchRequest.Order.ID;
    }
    return switch (field) {
      // Without words every score is equal: relevance would be an arbitrary order, so ids decide.
      case RELEVANCE -> hasWords ? SearchRequest.Order.RELEVANCE : SearchRequest.Order.ID;
      case TITLE -> SearchRequest.Order.TITLE;
      case LAST_UPDATED -> SearchRequest.Order.LAST_UPDATED;
      case OBSERVATION_END -> SearchRequest.Order.OBSERVATION_END;
      case POPULARITY -> SearchRequest.Order.POPULARITY;
    };
  }

  private static boolean descending(SearchRequest.Order order, SeriesOrder orderBy) {
    if (orderBy != null && orderBy.getDirection() != null && order != SearchRequest.Order.ID) {
      return orderBy.getDirection() == OrderDirection.DESC;
    }
    return switch (order) {
      case ID, TITLE -> false;
      default -> true;
    };
  }

  private static SearchRequest.Filter filter(SeriesFilter filter) {
    if (filter == null) {
      return SearchRequest.Filter.NONE;
    }
    OffsetDateTime since = filter.getUpdatedSince();
    return new SearchRequest.Filter(filter.getProviderId(),
        filter.getFrequency() == null ? null : filter.getFrequency().name(), filter.getActive(), filter.getUnits(),
        filter.getSeasonalAdjustment(), tags(filter.getTags(), "tags"), tags(filter.getExcludeTags(), "excludeTags"),
        since == null ? null : micros(since));
  }

  /** Microseconds since the epoch, saturated: instants beyond the range of a long (years past 292,000) clamp. */
  static long micros(OffsetDateTime at) {
    try {
      return Math.addExact(Math.multiplyExact(at.toEpochSecond(), 1_000_000L), at.getNano() / 1_000);
    } catch (ArithmeticException overflow) {
      return at.toEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** Tag names as the crawler API stores them: trimmed, inner white space collapsed, lower case. */
  static String tagName(String given) {
    return given.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }

  private static List<String> tags(List<String> given, String field) {
    if (given == null) {
      return List.of();
    }
    if (given.size() > MAX_FILTER_TAGS) {
      throw AlmanacGraphQLException.badInput(QUERY.SEARCHSERIES_INPUT_ARGUMENT.Filter + "." + field,
          "At most " + MAX_FILTER_TAGS + " tags, got " + given.size());
    }
    List<String> names = new ArrayList<>(given.size());
    given.forEach(tag -> names.add(tagName(tag)));
    return names;
  }

  static String encode(SearchRequest request, SearchResult.Hit hit) {
    Object value = hit.sortValue();
    String text;
    if (value == null) {
      text = "n";
    } else if (value instanceof Float f) {
      text = "f" + Float.floatToIntBits(f);
    } else if (value instanceof Long l) {
      text = "l" + l;
    } else {
      text = "s" + value;
    }
    return Cursors.encode(CURSOR_KIND, request.order().name() + "|" + (request.descending() ? "D" : "A") + "|"
        + hit.id() + "|" + text);
  }

  private static SearchRequest.After decode(String cursor, SearchRequest.Order order, boolean descending) {
    String position = Cursors.decode(CURSOR_KIND, cursor);
    String[] parts = position.split("\\|", 4);
    if (parts.length != 4 || !parts[0].equals(order.name()) || !parts[1].equals(descending ? "D" : "A")) {
      throw AlmanacGraphQLException.badInput(QUERY.SEARCHSERIES_INPUT_ARGUMENT.After,
          "Cursor '" + cursor + "' belongs to another order of this list");
    }
    try {
      long id = Long.parseLong(parts[2]);
      String value = parts[3];
      Object sortValue = switch (value.isEmpty() ? ' ' : value.charAt(0)) {
        case 'n' -> null;
        case 'f' -> Float.intBitsToFloat(Integer.parseInt(value.substring(1)));
        case 'l' -> Long.parseLong(value.substring(1));
        case 's' -> value.substring(1);
        default -> throw new NumberFormatException(value);
      };
      boolean fits = switch (order) {
        case ID -> sortValue == null;
        case RELEVANCE -> sortValue instanceof Float;
        case TITLE -> sortValue instanceof String;
        case OBSERVATION_END -> sortValue == null || sortValue instanceof Long;
        case LAST_UPDATED, POPULARITY -> sortValue instanceof Long;
      };
      if (!fits) {
        throw new NumberFormatException(value);
      }
      return new SearchRequest.After(sortValue, id);
    } catch (NumberFormatException e) {
      throw AlmanacGraphQLException.badInput(QUERY.SEARCHSERIES_INPUT_ARGUMENT.After, "Invalid cursor '" + cursor + "'");
    }
  }
}
