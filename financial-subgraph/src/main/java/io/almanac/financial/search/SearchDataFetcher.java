package io.almanac.financial.search;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsData;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import com.netflix.graphql.dgs.DgsQuery;
import com.netflix.graphql.dgs.InputArgument;
import io.almanac.financial.generated.DgsConstants.QUERY;
import io.almanac.financial.generated.DgsConstants.SERIES;
import io.almanac.financial.generated.DgsConstants.SERIESFILTER;
import io.almanac.financial.generated.DgsConstants.SERIESORDER;
import io.almanac.financial.generated.DgsConstants.SERIESSEARCHCONNECTION;
import io.almanac.financial.generated.DgsConstants.TAG;
import io.almanac.financial.generated.types.Frequency;
import io.almanac.financial.generated.types.OrderDirection;
import io.almanac.financial.generated.types.SeriesFilter;
import io.almanac.financial.generated.types.SeriesOrder;
import io.almanac.financial.generated.types.SeriesOrderField;
import io.almanac.financial.series.Series;
import io.almanac.financial.series.SeriesDataFetcher;
import io.almanac.graphql.Connection;
import io.almanac.graphql.Cursors;
import io.almanac.store.SeriesDirectory;
import io.almanac.store.SeriesTag;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** {@code searchSeries} (ranked, filtered, ordered, with facets), {@code tags} and {@code Series.tags}. */
@DgsComponent
public class SearchDataFetcher {

  static final String TAG_CURSOR_KIND = "tag";
  static final int DEFAULT_TAG_PAGE = 100;

  private final SeriesSearch search;
  private final SeriesDirectory directory;
  private final SeriesTagStats tagStats;

  public SearchDataFetcher(SeriesSearch search, SeriesDirectory directory, SeriesTagStats tagStats) {
    this.search = search;
    this.directory = directory;
    this.tagStats = tagStats;
  }

  @DgsQuery(field = QUERY.SearchSeries)
  public SeriesSearchPage searchSeries(DgsDataFetchingEnvironment env,
      @InputArgument(name = QUERY.SEARCHSERIES_INPUT_ARGUMENT.Query) String query,
      @InputArgument(name = QUERY.SEARCHSERIES_INPUT_ARGUMENT.Filter) SeriesFilter filter,
      @InputArgument(name = QUERY.SEARCHSERIES_INPUT_ARGUMENT.OrderBy) SeriesOrder orderBy,
      @InputArgument(name = QUERY.SEARCHSERIES_INPUT_ARGUMENT.First) Integer first,
      @InputArgument(name = QUERY.SEARCHSERIES_INPUT_ARGUMENT.After) String after) {
    boolean facets = env.getSelectionSet().contains(SERIESSEARCHCONNECTION.Facets);
    Page page = page(query, filter, orderBy, first, after, facets);
    return SeriesSearchPage.of(page.connection(), page.facets());
  }

  /**
   * The series of the {@code searchSeries} page these arguments give (as graphql-java resolves them: input
   * objects as maps, enums as names), for estimates made before the request runs.
   */
  public List<Series> pageOf(Map<String, Object> args) {
    SeriesFilter filter = null;
    if (args.get(QUERY.SEARCHSERIES_INPUT_ARGUMENT.Filter) instanceof Map<?, ?> given) {
      filter = SeriesFilter.newBuilder()
          .providerId(text(given.get(SERIESFILTER.ProviderId)))
          .frequency(given.get(SERIESFILTER.Frequency) == null ? null
              : Frequency.valueOf(String.valueOf(given.get(SERIESFILTER.Frequency))))
          .active(given.get(SERIESFILTER.Active) instanceof Boolean b ? b : null)
          .units(text(given.get(SERIESFILTER.Units)))
          .seasonalAdjustment(text(given.get(SERIESFILTER.SeasonalAdjustment)))
          .tags(texts(given.get(SERIESFILTER.Tags)))
          .excludeTags(texts(given.get(SERIESFILTER.ExcludeTags)))
          .updatedSince(given.get(SERIESFILTER.UpdatedSince) instanceof OffsetDateTime t ? t : null)
          .build();
    }
    SeriesOrder orderBy = null;
    if (args.get(QUERY.SEARCHSERIES_INPUT_ARGUMENT.OrderBy) instanceof Map<?, ?> given) {
      orderBy = SeriesOrder.newBuilder()
          .field(SeriesOrderField.valueOf(String.valueOf(given.get(SERIESORDER.Field))))
          .direction(given.get(SERIESORDER.Direction) == null ? null
              : OrderDirection.valueOf(String.valueOf(given.get(SERIESORDER.Direction))))
          .build();
    }
    Object first = args.get(QUERY.SEARCHSERIES_INPUT_ARGUMENT.First);
    return page(text(args.get(QUERY.SEARCHSERIES_INPUT_ARGUMENT.Query)), filter, orderBy,
        first instanceof Number n ? n.intValue() : null, text(args.get(QUERY.SEARCHSERIES_INPUT_ARGUMENT.After)),
        false).connection().nodes();
  }

  private static String text(Object value) {
    return value == null ? null : String.valueOf(value);
  }

  private static List<String> texts(Object value) {
    if (!(value instanceof List<?> list)) {
      return null;
    }
    List<String> texts = new ArrayList<>(list.size());
    list.forEach(v -> texts.add(String.valueOf(v)));
    return texts;
  }

  private record Page(Connection<Series> connection, SearchResult.Facets facets) {}

  private Page page(String query, SeriesFilter filter, SeriesOrder orderBy, Integer first, String after,
      boolean facets) {
    int size = Cursors.pageSize(first, SeriesDataFetcher.DEFAULT_PAGE, SeriesDataFetcher.MAX_PAGE);
    SearchRequest request =
        SearchArguments.request(search.analyzer(), query, filter, orderBy, size + 1, after, facets);
    SearchResult result = search.search(request);
    SeriesDirectory.View view = search.indexedView();
    List<Series> items = new ArrayList<>(result.hits().size());
    Map<Series, String> cursors = new IdentityHashMap<>();
    for (SearchResult.Hit hit : result.hits()) {
      var record = view.byId().get(hit.id());
      if (record != null) {
        Series series = Series.of(record);
        items.add(series);
        cursors.put(series, SearchArguments.encode(request, hit));
      }
    }
    return new Page(Connection.of(items, size, after != null, cursors::get, result.totalCount()), result.facets());
  }

  @DgsQuery(field = QUERY.Tags)
  public Connection<SeriesTag> tags(
      @InputArgument(name = QUERY.TAGS_INPUT_ARGUMENT.Group) String group,
      @InputArgument(name = QUERY.TAGS_INPUT_ARGUMENT.Search) String text,
      @InputArgument(name = QUERY.TAGS_INPUT_ARGUMENT.First) Integer first,
      @InputArgument(name = QUERY.TAGS_INPUT_ARGUMENT.After) String after) {
    int size = Cursors.pageSize(first, DEFAULT_TAG_PAGE, SeriesDataFetcher.MAX_PAGE);
    if (text != null && text.length() > SearchArguments.MAX_QUERY_LENGTH) {
      throw io.almanac.graphql.AlmanacGraphQLException.badInput(QUERY.TAGS_INPUT_ARGUMENT.Search,
          "search must be at most " + SearchArguments.MAX_QUERY_LENGTH + " characters, got " + text.length());
    }
    SeriesTagStats.TagCount position = after == null ? null : decodeTag(after);
    String wantedGroup = group == null ? null : SearchArguments.tagName(group);
    String needle = text == null ? null : search.analyzer().fold(SearchArguments.tagName(text));
    SeriesTagStats.Stats stats = tagStats.of(directory.current());
    List<SeriesTagStats.TagCount> matching = new ArrayList<>();
    for (SeriesTagStats.TagCount tag : stats.ordered()) {
      if ((wantedGroup == null || wantedGroup.equals(tag.tag().group()))
          && (needle == null || search.analyzer().fold(tag.tag().name()).contains(needle))) {
        matching.add(tag);
      }
    }
    List<SeriesTagStats.TagCount> page = new ArrayList<>(size + 1);
    for (SeriesTagStats.TagCount tag : matching) {
      if (position == null || SeriesTagStats.ORDER.compare(tag, position) > 0) {
        page.add(tag);
        if (page.size() > size) {
          break;
        }
      }
    }
    Map<SeriesTag, String> cursors = new IdentityHashMap<>();
    List<SeriesTag> nodes = new ArrayList<>(page.size());
    for (SeriesTagStats.TagCount tag : page) {
      nodes.add(tag.tag());
      cursors.put(tag.tag(), Cursors.encode(TAG_CURSOR_KIND, tag.seriesCount() + "\n" + tag.tag().name() + "\n"
          + (tag.tag().group() == null ? "\u0000" : "=" + tag.tag().group())));
    }
    return Connection.of(nodes, size, after != null, cursors::get, matching.size());
  }

  private static SeriesTagStats.TagCount decodeTag(String cursor) {
    String[] parts = Cursors.decode(TAG_CURSOR_KIND, cursor).split("\n", 3);
    try {
      if (parts.length != 3 || parts[1].isEmpty() || parts[2].isEmpty()) {
        throw new NumberFormatException();
      }
      String group = parts[2].equals("\u0000") ? null : parts[2].substring(1);
      return new SeriesTagStats.TagCount(new SeriesTag(parts[1], group), Integer.parseInt(parts[0]));
    } catch (NumberFormatException e) {
      throw io.almanac.graphql.AlmanacGraphQLException.badInput(QUERY.TAGS_INPUT_ARGUMENT.After,
          "Invalid cursor '" + cursor + "'");
    }
  }

  @DgsData(parentType = SERIES.TYPE_NAME, field = SERIES.Tags)
  public List<SeriesTag> seriesTags(DgsDataFetchingEnvironment env) {
    Series series = env.getSource();
    return series.tags();
  }

  @DgsData(parentType = TAG.TYPE_NAME, field = TAG.SeriesCount)
  public int seriesCount(DgsDataFetchingEnvironment env) {
    SeriesTag tag = env.getSource();
    return tagStats.of(directory.lastLoaded()).counts().getOrDefault(tag, 0);
  }
}
