package io.almanac.financial.search;

import io.almanac.store.SeriesRecord;
import io.almanac.store.SeriesTag;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.SortedSetDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * The series as a Lucene index in memory: one document per live series, its text fields analysed by
 * {@link SearchAnalyzer} for ranked search (Lucene's BM25), keyword fields for filters, doc values for sorting
 * and facet counts. One thread writes it ({@link #put}, {@link #remove}, then {@link #publish}); any number
 * search it, each on the last published point-in-time reader (never blocked by the writer).
 */
final class SeriesIndex implements Closeable {

  /** Text fields and their boosts: a word in the title weighs most. */
  private static final Map<String, Float> TEXT_FIELDS = textFields();
  /** A prefix match ({@code infl} for {@code inflation}) weighs this fraction of a whole-word match. */
  private static final float PREFIX_WEIGHT = 0.5f;

  private static final String ID_TERM = "id_term";
  private static final String ID = "id";
  private static final String PROVIDER = "provider";
  private static final String FREQUENCY = "frequency";
  private static final String FREQUENCY_VALUES = "frequency_dv";
  private static final String UNITS_KEY = "units_kw";
  private static final String SEASONAL_KEY = "seas_kw";
  private static final String ACTIVE = "active";
  private static final String TAG = "tag";
  private static final String TAG_VALUES = "tag_dv";
  private static final String TITLE_SORT = "title_sort";
  private static final String LAST_UPDATED = "last_updated";
  private static final String LAST_UPDATED_POINT = "last_updated_pt";
  private static final String OBSERVATION_END = "observation_end";
  /** Separates group and name in a tag's doc value; tag text holds no control characters. */
  private static final char TAG_SEPARATOR = '\u0000';

  private final SearchAnalyzer analyzer;
  private final ByteBuffersDirectory directory = new ByteBuffersDirectory();
  private final IndexWriter writer;
  private final SearcherManager searchers;

  SeriesIndex(SearchAnalyzer analyzer) {
    this.analyzer = analyzer;
    try {
      writer = new IndexWriter(directory, new IndexWriterConfig(analyzer).setOpenMode(IndexWriterConfig.OpenMode.CREATE));
      searchers = new SearcherManager(writer, null);
    } catch (IOException e) {
      throw new UncheckedIOException("Opening an in-memory index failed", e);
    }
  }

  private static Map<String, Float> textFields() {
    Map<String, Float> fields = new LinkedHashMap<>();
    fields.put("title", 4f);
    fields.put("tags", 2f);
    fields.put("external_id", 2f);
    fields.put("units", 1f);
    fields.put("description", 1f);
    return Map.copyOf(fields);
  }

  /**
   * Adds or replaces a series' document (visible after {@link #publish}).
   *
   * @param lastUpdatedMicros the later of its metadata's update and its last observation write
   * @param observationEnd epoch day of its last observation, or null when it has none
   */
  void put(SeriesRecord series, long lastUpdatedMicros, Integer observationEnd) {
    Document doc = new Document();
    doc.add(new StringField(ID_TERM, Long.toString(series.id()), Field.Store.NO));
    doc.add(new NumericDocValuesField(ID, series.id()));
    doc.add(new TextField("title", series.title(), Field.Store.NO));
    doc.add(new TextField("external_id", series.externalId(), Field.Store.NO));
    if (series.description() != null) {
      doc.add(new TextField("description", series.description(), Field.Store.NO));
    }
    if (series.units() != null) {
      doc.add(new TextField("units", series.units(), Field.Store.NO));
      doc.add(new StringField(UNITS_KEY, analyzer.fold(series.units()), Field.Store.NO));
    }
    if (series.seasonalAdjustment() != null) {
      doc.add(new StringField(SEASONAL_KEY, analyzer.fold(series.seasonalAdjustment()), Field.Store.NO));
    }
    for (SeriesTag tag : series.tags()) {
      doc.add(new TextField("tags", tag.name(), Field.Store.NO));
      doc.add(new StringField(TAG, tag.name(), Field.Store.NO));
      doc.add(new SortedSetDocValuesField(TAG_VALUES,
          new BytesRef((tag.group() == null ? "" : tag.group()) + TAG_SEPARATOR + tag.name())));
    }
    doc.add(new StringField(PROVIDER, series.providerId(), Field.Store.NO));
    doc.add(new StringField(FREQUENCY, series.frequency(), Field.Store.NO));
    doc.add(new SortedDocValuesField(FREQUENCY_VALUES, new BytesRef(series.frequency())));
    doc.add(new StringField(ACTIVE, Boolean.toString(series.active()), Field.Store.NO));
    doc.add(new SortedDocValuesField(TITLE_SORT, new BytesRef(analyzer.fold(series.title()))));
    doc.add(new NumericDocValuesField(LAST_UPDATED, lastUpdatedMicros));
    doc.add(new LongPoint(LAST_UPDATED_POINT, lastUpdatedMicros));
    if (observationEnd != null) {
      doc.add(new NumericDocValuesField(OBSERVATION_END, observationEnd));
    }
    try {
      writer.updateDocument(new Term(ID_TERM, Long.toString(series.id())), doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void remove(long id) {
    try {
      writer.deleteDocuments(new Term(ID_TERM, Long.toString(id)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes every document (for a full rebuild). */
  void clear() {
    try {
      writer.deleteAll();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Makes every change so far visible to searches that start from now on. */
  void publish() {
    try {
      searchers.maybeRefreshBlocking();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs a search on the last published reader.
   *
   * @param popularity reads of a series (by id) over the last 30 days, for {@link SearchRequest.Order#POPULARITY}
   */
  SearchResult search(SearchRequest request, LongUnaryOperator popularity) {
    try {
      IndexSearcher searcher = searchers.acquire();
      try {
        Query query = query(request);
        List<SearchResult.Hit> hits;
        int total;
        if (request.order() == SearchRequest.Order.POPULARITY) {
          long[] ids = matchingIds(searcher, query);
          total = ids.length;
          hits = byPopularity(ids, request, popularity);
        } else {
          Sort sort = sort(request);
          FieldDoc after = request.after() == null ? null : fieldDoc(request);
          TopFieldDocs top = searcher.search(query,
              new TopFieldCollectorManager(sort, request.limit(), after, Integer.MAX_VALUE));
          total = Math.toIntExact(top.totalHits.value);
          hits = new ArrayList<>(top.scoreDocs.length);
          for (ScoreDoc doc : top.scoreDocs) {
            Object[] fields = ((FieldDoc) doc).fields;
            long id = (Long) fields[fields.length - 1];
            hits.add(new SearchResult.Hit(id, sortValue(request.order(), fields)));
          }
        }
        return new SearchResult(hits, total, request.facets() ? facets(searcher, query) : null);
      } finally {
        searchers.release(searcher);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Searching the in-memory index failed", e);
    }
  }

  /** Every word must match (a word or its start) in one of the text fields; filters narrow without scoring. */
  private Query query(SearchRequest request) {
    BooleanQuery.Builder all = new BooleanQuery.Builder();
    if (request.words().isEmpty()) {
      all.add(new MatchAllDocsQuery(), Occur.MUST);
    }
    for (String word : request.words()) {
      BooleanQuery.Builder any = new BooleanQuery.Builder();
      TEXT_FIELDS.forEach((field, boost) -> {
        any.add(new BoostQuery(new TermQuery(new Term(field, word)), boost), Occur.SHOULD);
        any.add(new BoostQuery(new PrefixQuery(new Term(field, word)), boost * PREFIX_WEIGHT), Occur.SHOULD);
      });
      all.add(any.build(), Occur.MUST);
    }
    SearchRequest.Filter filter = request.filter();
    keyword(all, PROVIDER, filter.providerId());
    keyword(all, FREQUENCY, filter.frequency());
    keyword(all, ACTIVE, filter.active() == null ? null : filter.active().toString());
    keyword(all, UNITS_KEY, filter.units() == null ? null : analyzer.fold(filter.units()));
    keyword(all, SEASONAL_KEY, filter.seasonalAdjustment() == null ? null : analyzer.fold(filter.seasonalAdjustment()));
    for (String tag : filter.tags()) {
      keyword(all, TAG, tag);
    }
    for (String tag : filter.excludeTags()) {
      all.add(new TermQuery(new Term(TAG, tag)), Occur.MUST_NOT);
    }
    if (filter.updatedSinceMicros() != null) {
      all.add(LongPoint.newRangeQuery(LAST_UPDATED_POINT, filter.updatedSinceMicros(), Long.MAX_VALUE), Occur.FILTER);
    }
    return all.build();
  }

  private static void keyword(BooleanQuery.Builder query, String field, String value) {
    if (value != null) {
      query.add(new TermQuery(new Term(field, value)), Occur.FILTER);
    }
  }

  private static Sort sort(SearchRequest request) {
    boolean reverse = request.descending();
    SortField byId = new SortField(ID, SortField.Type.LONG);
    return switch (request.order()) {
      case ID -> new Sort(new SortField(ID, SortField.Type.LONG, reverse));
      // Score sorts descending unless reversed: Lucene's natural order for scores is best first.
      case RELEVANCE -> new Sort(new SortField(null, SortField.Type.SCORE, !reverse), byId);
      case TITLE -> new Sort(new SortField(TITLE_SORT, SortField.Type.STRING, reverse), byId);
      case LAST_UPDATED -> new Sort(new SortField(LAST_UPDATED, SortField.Type.LONG, reverse), byId);
      case OBSERVATION_END -> {
        SortField end = new SortField(OBSERVATION_END, SortField.Type.LONG, reverse);
        // Series without observations come last in either direction.
        end.setMissingValue(reverse ? Long.MIN_VALUE : Long.MAX_VALUE);
        yield new Sort(end, byId);
      }
      case POPULARITY -> throw new IllegalArgumentException("Popularity is sorted outside the index");
    };
  }

  /** The position after which the page starts, in the sort's own values (the id breaks ties, so no doc id is needed). */
  private static FieldDoc fieldDoc(SearchRequest request) {
    SearchRequest.After after = request.after();
    Object[] fields = switch (request.order()) {
      case ID -> new Object[] {after.id()};
      case TITLE -> new Object[] {new BytesRef((String) after.value()), after.id()};
      case OBSERVATION_END -> new Object[] {
          after.value() == null ? (request.descending() ? Long.MIN_VALUE : Long.MAX_VALUE) : after.value(), after.id()};
      default -> new Object[] {after.value(), after.id()};
    };
    return new FieldDoc(Integer.MAX_VALUE, Float.NaN, fields);
  }

  private static Object sortValue(SearchRequest.Order order, Object[] fields) {
    return switch (order) {
      case ID -> null;
      case TITLE -> ((BytesRef) fields[0]).utf8ToString();
      case OBSERVATION_END -> {
        long day = (Long) fields[0];
        yield day == Long.MIN_VALUE || day == Long.MAX_VALUE ? null : day;
      }
      default -> fields[0];
    };
  }

  private static long[] matchingIds(IndexSearcher searcher, Query query) throws IOException {
    IdCollector ids = new IdCollector();
    searcher.search(query, ids);
    return java.util.Arrays.copyOf(ids.ids, ids.size);
  }

  private static List<SearchResult.Hit> byPopularity(long[] ids, SearchRequest request, LongUnaryOperator popularity) {
    Comparator<SearchResult.Hit> byReads = Comparator.comparingLong(h -> (Long) h.sortValue());
    if (request.descending()) {
      byReads = byReads.reversed();
    }
    Comparator<SearchResult.Hit> order = byReads.thenComparingLong(SearchResult.Hit::id);
    SearchResult.Hit after = request.after() == null ? null
        : new SearchResult.Hit(request.after().id(), request.after().value());
    List<SearchResult.Hit> all = new ArrayList<>(ids.length);
    for (long id : ids) {
      SearchResult.Hit hit = new SearchResult.Hit(id, popularity.applyAsLong(id));
      if (after == null || order.compare(hit, after) > 0) {
        all.add(hit);
      }
    }
    all.sort(order);
    return all.size() > request.limit() ? List.copyOf(all.subList(0, request.limit())) : all;
  }

  private SearchResult.Facets facets(IndexSearcher searcher, Query query) throws IOException {
    FacetCollector counts = new FacetCollector();
    searcher.search(query, counts);
    counts.flush();
    List<SearchResult.Count> frequencies = new ArrayList<>();
    counts.frequencies.forEach((value, count) -> frequencies.add(new SearchResult.Count(value, count)));
    frequencies.sort(Comparator.comparingInt(SearchResult.Count::count).reversed()
        .thenComparing(SearchResult.Count::value));
    Map<String, List<SearchResult.TagCount>> byGroup = new HashMap<>();
    Map<String, Integer> groupTotals = new HashMap<>();
    counts.tags.forEach((key, count) -> {
      int split = key.indexOf(TAG_SEPARATOR);
      String group = key.substring(0, split);
      byGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(new SearchResult.TagCount(key.substring(split + 1), count));
      groupTotals.merge(group, count, Integer::sum);
    });
    List<SearchResult.TagGroup> groups = new ArrayList<>();
    byGroup.entrySet().stream()
        .sorted(Comparator.<Map.Entry<String, List<SearchResult.TagCount>>>comparingInt(e -> -groupTotals.get(e.getKey()))
            .thenComparing(Map.Entry::getKey))
        .forEach(e -> {
          List<SearchResult.TagCount> tags = new ArrayList<>(e.getValue());
          tags.sort(Comparator.comparingInt(SearchResult.TagCount::count).reversed()
              .thenComparing(SearchResult.TagCount::name));
          groups.add(new SearchResult.TagGroup(e.getKey().isEmpty() ? null : e.getKey(), tags));
        });
    return new SearchResult.Facets(frequencies, groups);
  }

  @Override
  public void close() throws IOException {
    searchers.close();
    writer.close();
    directory.close();
  }

  /** The ids of every match, from doc values (no scores). */
  private static final class IdCollector extends SimpleCollector {
    long[] ids = new long[1024];
    int size;
    private NumericDocValues values;

    @Override
    protected void doSetNextReader(LeafReaderContext context) throws IOException {
      values = DocValues.getNumeric(context.reader(), ID);
    }

    @Override
    public void collect(int doc) throws IOException {
      if (values.advanceExact(doc)) {
        if (size == ids.length) {
          ids = java.util.Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = values.longValue();
      }
    }

    @Override
    public ScoreMode scoreMode() {
      return ScoreMode.COMPLETE_NO_SCORES;
    }
  }

  /** Counts frequencies and tags over the matches, by ordinal within a segment, then by value. */
  private static final class FacetCollector extends SimpleCollector {
    final Map<String, Integer> frequencies = new HashMap<>();
    final Map<String, Integer> tags = new HashMap<>();
    private SortedDocValues frequency;
    private SortedSetDocValues tag;
    private int[] frequencyCounts = new int[0];
    private int[] tagCounts = new int[0];

    @Override
    protected void doSetNextReader(LeafReaderContext context) throws IOException {
      flush();
      frequency = DocValues.getSorted(context.reader(), FREQUENCY_VALUES);
      tag = DocValues.getSortedSet(context.reader(), TAG_VALUES);
      frequencyCounts = new int[frequency.getValueCount()];
      tagCounts = new int[Math.toIntExact(tag.getValueCount())];
    }

    @Override
    public void collect(int doc) throws IOException {
      if (frequency.advanceExact(doc)) {
        frequencyCounts[frequency.ordValue()]++;
      }
      if (tag.advanceExact(doc)) {
        for (int i = 0; i < tag.docValueCount(); i++) {
          tagCounts[Math.toIntExact(tag.nextOrd())]++;
        }
      }
    }

    /** Adds the current segment's counts to the totals by value. */
    void flush() throws IOException {
      for (int ord = 0; ord < frequencyCounts.length; ord++) {
        if (frequencyCounts[ord] > 0) {
          frequencies.merge(frequency.lookupOrd(ord).utf8ToString(), frequencyCounts[ord], Integer::sum);
        }
      }
      for (int ord = 0; ord < tagCounts.length; ord++) {
        if (tagCounts[ord] > 0) {
          tags.merge(tag.lookupOrd(ord).utf8ToString(), tagCounts[ord], Integer::sum);
        }
      }
      frequencyCounts = new int[0];
      tagCounts = new int[0];
    }

    @Override
    public ScoreMode scoreMode() {
      return ScoreMode.COMPLETE_NO_SCORES;
    }
  }
}
