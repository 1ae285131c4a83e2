package io.almanac.crawler.releases;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.graphql.dgs.DgsQueryExecutor;
import graphql.ExecutionResult;
import io.almanac.graphql.auth.ApiKeyStore;
import io.almanac.graphql.auth.Role;
import io.almanac.graphql.auth.TestCallers;
import io.almanac.graphql.auth.TestDatabases;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Releases, their calendar, membership and the updates feed, through the crawler subgraph's GraphQL
 * against a real PostgreSQL and real Iceberg tables.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@Timeout(180)
@SuppressWarnings("unchecked")
class ReleasesAndUpdatesTest {

  @Autowired DgsQueryExecutor graphql;
  @Autowired ApiKeyStore keys;

  private TestCallers callers;
  private String crawler;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestDatabases.register(registry);
  }

  @BeforeEach
  void keys() {
    callers = new TestCallers(keys, graphql);
    crawler = callers.key(1, Role.CRAWLER);
  }

  private Map<String, Object> ok(String query, Map<String, Object> variables) {
    return callers.data(crawler, query, variables);
  }

  private Map<String, Object> error(String query, Map<String, Object> variables) {
    return callers.errorExtensions(crawler, query, variables);
  }

  private String provider() {
    return (String) ((Map<String, Object>) ok("mutation($n: String!) { createProvider(input: {name: $n, type: API}) { id } }",
        Map.of("n", "P " + System.nanoTime())).get("createProvider")).get("id");
  }

  private String release(String provider, String name) {
    return (String) ((Map<String, Object>) ok("""
        mutation($p: ID!, $n: String!) { upsertRelease(input: {providerId: $p, name: $n, link: "https://x/r"}) { id } }""",
        Map.of("p", provider, "n", name)).get("upsertRelease")).get("id");
  }

  /** Upserts series (externalId -> extra input fields) and returns their ids by external id. */
  private Map<String, String> series(String provider, Map<String, Map<String, Object>> specs) {
    List<Map<String, Object>> input = new ArrayList<>();
    specs.forEach((externalId, extra) -> {
      Map<String, Object> s = new HashMap<>(Map.of("providerId", provider, "externalId", externalId, "title",
          externalId, "frequency", "MONTHLY"));
      s.putAll(extra);
      input.add(s);
    });
    Map<String, Object> result = (Map<String, Object>) ok("""
        mutation($input: [SeriesInput!]!) { upsertSeries(input: $input) { series { id } errors { index code field } } }""",
        Map.of("input", input)).get("upsertSeries");
    assertThat((List<?>) result.get("errors")).isEmpty();
    List<Map<String, Object>> written = (List<Map<String, Object>>) result.get("series");
    Map<String, String> ids = new HashMap<>();
    for (int i = 0; i < input.size(); i++) {
      ids.put((String) input.get(i).get("externalId"), (String) written.get(i).get("id"));
    }
    return ids;
  }

  private Map<String, Object> upload(String batchId, String releaseId, List<Map<String, Object>> points) {
    Map<String, Object> input = new HashMap<>(Map.of("batchId", batchId, "points", points));
    if (releaseId != null) {
      input.put("releaseId", releaseId);
    }
    return (Map<String, Object>) ok("""
        mutation($input: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $input) { status summary { successful } } }""",
        Map.of("input", input)).get("bulkUpsertDataPoints");
  }

  private static Map<String, Object> point(String seriesId, String date, String revisionDate) {
    return Map.of("seriesId", seriesId, "date", date, "value", "1.5", "revisionDate", revisionDate);
  }

  private Map<String, Object> seriesEntity(String id) {
    Map<String, Object> data = ok("""
        query($r: [_Any!]!) { _entities(representations: $r) { ... on Series { id release { id name } nextRelease } } }""",
        Map.of("r", List.of(Map.of("__typename", "Series", "id", id))));
    return ((List<Map<String, Object>>) data.get("_entities")).get(0);
  }

  @Test
  void releaseMembershipCalendarAndNextDate() {
    String provider = provider();
    String gdp = release(provider, "Gross Domestic Product");
    // Same provider and name in another case: the same release, link updated.
    Map<String, Object> again = (Map<String, Object>) ok("""
        mutation($p: ID!) { upsertRelease(input: {providerId: $p, name: "gross domestic PRODUCT", link: "https://y"}) {
          id name link provider { id } } }""", Map.of("p", provider)).get("upsertRelease");
    assertThat(again).containsEntry("id", gdp).containsEntry("name", "Gross Domestic Product")
        .containsEntry("link", "https://y").containsEntry("provider", Map.of("id", provider));
    String other = release(provider(), "Elsewhere");

    Map<String, String> ids = series(provider, Map.of("A", Map.of("releaseId", gdp), "B", Map.of()));
    assertThat(seriesEntity(ids.get("A")).get("release")).isEqualTo(Map.of("id", gdp, "name", "Gross Domestic Product"));
    assertThat(seriesEntity(ids.get("B")).get("release")).isNull();
    // Omitted: unchanged; a release of another provider: refused per input.
    series(provider, Map.of("A", Map.of()));
    assertThat(seriesEntity(ids.get("A")).get("release")).isNotNull();
    Map<String, Object> refused = (Map<String, Object>) ok("""
        mutation($p: ID!, $r: ID!) { upsertSeries(input: [{providerId: $p, externalId: "B", title: "B", frequency: MONTHLY,
          releaseId: $r}]) { series { id } errors { index field code } } }""", Map.of("p", provider, "r", other))
        .get("upsertSeries");
    assertThat((List<Object>) refused.get("errors")).containsExactly((Object) Map.of("index", 0, "field", "releaseId", "code",
        "UNKNOWN_RELEASE"));

    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    List<String> scheduled = List.of(today.minusDays(30).toString(), today.toString(), today.plusDays(40).toString(),
        today.plusDays(10).toString());
    Map<String, Object> release = (Map<String, Object>) ok("""
        mutation($r: ID!, $d: [Date!]!) { scheduleReleaseDates(releaseId: $r, dates: $d) {
          nextDate series { totalCount nodes { id } } } }""", Map.of("r", gdp, "d", scheduled)).get("scheduleReleaseDates");
    // After today (UTC), the earliest: today itself is not "next".
    assertThat(release.get("nextDate")).isEqualTo(today.plusDays(10).toString());
    assertThat(release.get("series")).isEqualTo(Map.of("totalCount", 1, "nodes", List.of(Map.of("id", ids.get("A")))));
    assertThat(seriesEntity(ids.get("A")).get("nextRelease")).isEqualTo(today.plusDays(10).toString());

    // An upload naming the release publishes its vintage date; a scheduled date becomes published.
    String vintage = today.minusDays(30).toString();
    String extra = today.minusDays(20).toString();
    upload("rel-" + System.nanoTime(), gdp, List.of(point(ids.get("A"), "2024-01-01", vintage),
        point(ids.get("B"), "2024-01-01", extra)));
    List<Map<String, Object>> calendar = (List<Map<String, Object>>) ok("""
        query($f: Date!, $t: Date!, $p: ID) { releaseCalendar(from: $f, to: $t, providerId: $p) { release { id } date published } }""",
        Map.of("f", today.minusDays(60).toString(), "t", today.plusDays(365).toString(), "p", provider))
        .get("releaseCalendar");
    assertThat(calendar).containsExactly(
        Map.of("release", Map.of("id", gdp), "date", vintage, "published", true),
        Map.of("release", Map.of("id", gdp), "date", extra, "published", true),
        Map.of("release", Map.of("id", gdp), "date", today.toString(), "published", false),
        Map.of("release", Map.of("id", gdp), "date", today.plusDays(10).toString(), "published", false),
        Map.of("release", Map.of("id", gdp), "date", today.plusDays(40).toString(), "published", false));

    // A vintage of year 0 (before year 1, a plain yyyy-MM-dd date) is stored but is no calendar day (PostgreSQL dates would lose its era).
    assertThat(upload("rel-bc-" + System.nanoTime(), gdp, List.of(point(ids.get("A"), "2024-01-01", "0000-12-31")))
        .get("status")).isEqualTo("COMMITTED");
    assertThat((List<Map<String, Object>>) ok("""
        { releaseCalendar(from: "0001-01-01", to: "0005-12-31") { date published } }""", Map.of())
        .get("releaseCalendar")).isEmpty();
    assertThat(error("{ releaseCalendar(from: \"-0002-01-01\", to: \"0001-01-01\") { date } }", Map.of()))
        .containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "from");

    // null clears the membership.
    Map<String, Object> cleared = new HashMap<>();
    cleared.put("releaseId", null);
    series(provider, Map.of("A", cleared));
    assertThat(seriesEntity(ids.get("A")).get("release")).isNull();
  }

  @Test
  void refusesBadRangesDatesAndUnknownReleases() {
    String calendar = "query($f: Date!, $t: Date!) { releaseCalendar(from: $f, to: $t) { date } }";
    assertThat(error(calendar, Map.of("f", "2024-02-01", "t", "2024-01-01")))
        .containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "to");
    assertThat(error(calendar, Map.of("f", "2020-01-01", "t", "2025-01-05")))
        .containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "to");
    assertThat(error(calendar, Map.of("f", "2024-02-30", "t", "2024-03-01")))
        .containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "from");
    // 366 * 5 = 1,830 days, both ends included, is the longest range.
    ok(calendar, Map.of("f", "2020-01-01", "t", LocalDate.parse("2020-01-01").plusDays(1829).toString()));
    assertThat(error(calendar, Map.of("f", "2024-01-01", "t", "2029-01-04")))
        .containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "to");

    String release = release(provider(), "R");
    assertThat(error("query($r: ID!) { release(id: $r) { dates(from: \"2024-02-01\", to: \"2024-01-01\") { date } } }",
        Map.of("r", release))).containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "to");
    for (String link : List.of("javascript:alert(1)", "ftp://x", "https://", "data:text/html,x")) {
      assertThat(error("mutation($p: ID!, $l: String) { upsertRelease(input: {providerId: $p, name: \"L\", link: $l}) { id } }",
          Map.of("p", provider(), "l", link)))
          .containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "input.link");
    }
    assertThat(error("mutation($r: ID!) { scheduleReleaseDates(releaseId: $r, dates: [\"2024-13-01\"]) { id } }",
        Map.of("r", release))).containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "dates");
    assertThat(error("mutation { scheduleReleaseDates(releaseId: \"999999\", dates: [\"2024-01-01\"]) { id } }", Map.of()))
        .containsEntry("code", "NOT_FOUND");
    String seriesId = series(provider(), Map.of("X", Map.of())).get("X");
    String batchId = "unknown-release-" + System.nanoTime();
    assertThat(error("""
        mutation($input: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $input) { status } }""",
        Map.of("input", Map.of("batchId", batchId, "releaseId", "999999",
            "points", List.of(point(seriesId, "2024-01-01", "2024-02-01"))))))
        .containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "input.releaseId");
    // Refused before anything was written or archived.
    assertThat(ok("query($b: ID!) { archivedBatch(batchId: $b) { batchId } }", Map.of("b", batchId))
        .get("archivedBatch")).isNull();

    // A release of another provider than a point's series (by id, or by the provider the point names).
    String otherBatch = "other-provider-" + System.nanoTime();
    for (Map<String, Object> point : List.of(point(seriesId, "2024-01-01", "2024-02-01"),
        Map.<String, Object>of("providerId", provider(), "externalId", "Z", "date", "2024-01-01", "value", "1"))) {
      assertThat(error("""
          mutation($input: BulkDataPointsInput!) { bulkUpsertDataPoints(input: $input) { status } }""",
          Map.of("input", Map.of("batchId", otherBatch, "releaseId", release, "points", List.of(point)))))
          .containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "input.releaseId");
    }
    assertThat(ok("query($b: ID!) { archivedBatch(batchId: $b) { batchId } }", Map.of("b", otherBatch))
        .get("archivedBatch")).isNull();
    assertThat(ok("query($r: ID!) { release(id: $r) { dates { date } } }", Map.of("r", release)))
        .isEqualTo(Map.of("release", Map.of("dates", List.of())));
  }

  private Map<String, Object> updatesPage(OffsetDateTime since, int first, String after) {
    Map<String, Object> variables = new HashMap<>(Map.of("s", since.toString(), "f", first));
    variables.put("a", after);
    return (Map<String, Object>) ok("""
        query($s: DateTime!, $f: Int, $a: String) { seriesUpdates(since: $s, first: $f, after: $a) {
          totalCount nodes { series { id } lastUpdated vintageDatesAdded } pageInfo { hasNextPage endCursor } } }""",
        variables).get("seriesUpdates");
  }

  @Test
  void aRetractionListsItsSeriesInTheFeedAndSinceBeyondYears1To9999IsClamped() {
    Map<String, String> ids = series(provider(), Map.of("R1", Map.of(), "R2", Map.of()));
    String batch = "retracted-" + System.nanoTime();
    upload(batch, null, List.of(point(ids.get("R1"), "2024-01-01", "2024-02-01"),
        point(ids.get("R2"), "2024-01-01", "2024-02-01")));
    OffsetDateTime beforeRetraction = OffsetDateTime.now(ZoneOffset.UTC);
    ExecutionResult retracted = callers.execute(callers.key(3, Role.ADMIN), """
        mutation($b: ID!) { retractBatch(batchId: $b, reason: "wrong file") { observationsRemoved } }""",
        Map.of("b", batch));
    assertThat(retracted.getErrors()).isEmpty();
    // Only the retraction's rows are at or after that instant: each series once, no vintage dates added.
    List<Map<String, Object>> items = (List<Map<String, Object>>) updatesPage(beforeRetraction, 1000, null).get("nodes");
    assertThat(items.stream().filter(i -> ids.containsValue(((Map<String, Object>) i.get("series")).get("id"))))
        .extracting(i -> ((Map<String, Object>) i.get("series")).get("id"), i -> i.get("vintageDatesAdded"))
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(ids.get("R1"), List.of()),
            org.assertj.core.groups.Tuple.tuple(ids.get("R2"), List.of()));

    String query = "query($s: DateTime!) { seriesUpdates(since: $s, first: 1000) { totalCount nodes { series { id } } } }";
    Map<String, Object> fromTheStart = (Map<String, Object>) ok(query, Map.of("s", "-999999999-01-01T00:00:00Z"))
        .get("seriesUpdates");
    Map<String, Object> fromYear1 = (Map<String, Object>) ok(query, Map.of("s", "0001-01-01T00:00:00Z"))
        .get("seriesUpdates");
    assertThat(fromTheStart).isEqualTo(fromYear1);
    assertThat((int) fromTheStart.get("totalCount")).isGreaterThanOrEqualTo(2);
    assertThat(ok(query, Map.of("s", "+999999999-12-31T23:59:59Z")).get("seriesUpdates"))
        .isEqualTo(Map.of("totalCount", 0, "nodes", List.of()));
  }

  @Test
  void updatesFeedCollapsesPerSeriesWithinAPageAndPagesByCommitOrder() {
    // From now: updates of the other tests in this database are all earlier.
    OffsetDateTime since = OffsetDateTime.now(ZoneOffset.UTC);
    Map<String, String> ids = series(provider(), Map.of("U1", Map.of(), "U2", Map.of(), "U3", Map.of()));
    String u1 = ids.get("U1");
    String u2 = ids.get("U2");
    String u3 = ids.get("U3");
    upload("u-a-" + System.nanoTime(), null, List.of(point(u1, "2024-01-01", "2024-02-01")));
    upload("u-b-" + System.nanoTime(), null, List.of(point(u2, "2024-01-01", "2024-02-02")));
    upload("u-c-" + System.nanoTime(), null, List.of(point(u1, "2024-01-01", "2024-02-03"),
        point(u1, "2024-02-01", "2024-02-04")));
    upload("u-d-" + System.nanoTime(), null, List.of(point(u3, "2024-01-01", "2024-02-05")));

    // Rows in commit order: u1, u2, u1, u3. A page of 2 series: u1 (twice) and u2, stopping before u3.
    Map<String, Object> first = updatesPage(since, 2, null);
    assertThat(first.get("totalCount")).isEqualTo(3);
    List<Map<String, Object>> nodes = (List<Map<String, Object>>) first.get("nodes");
    assertThat(nodes).extracting(n -> ((Map<String, Object>) n.get("series")).get("id")).containsExactly(u2, u1);
    assertThat(nodes.get(1).get("vintageDatesAdded")).isEqualTo(List.of("2024-02-01", "2024-02-03", "2024-02-04"));
    assertThat(OffsetDateTime.parse((String) nodes.get(1).get("lastUpdated")))
        .isAfterOrEqualTo(OffsetDateTime.parse((String) nodes.get(0).get("lastUpdated")));
    Map<String, Object> info = (Map<String, Object>) first.get("pageInfo");
    assertThat(info.get("hasNextPage")).isEqualTo(true);
    Map<String, Object> second = updatesPage(since, 2, (String) info.get("endCursor"));
    assertThat((List<Map<String, Object>>) second.get("nodes")).containsExactly(Map.of("series", Map.of("id", u3),
        "lastUpdated", ((List<Map<String, Object>>) second.get("nodes")).get(0).get("lastUpdated"),
        "vintageDatesAdded", List.of("2024-02-05")));
    assertThat(((Map<String, Object>) second.get("pageInfo")).get("hasNextPage")).isEqualTo(false);
    // A later `since` leaves the earlier updates out.
    assertThat(updatesPage(OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(1), 10, null).get("totalCount")).isEqualTo(0);
    assertThat(error("{ seriesUpdates(since: \"2024-01-01T00:00:00Z\", after: \"bm9wZQ\") { totalCount } }", Map.of()))
        .containsEntry("code", "BAD_USER_INPUT");
  }

  /**
   * Uploads from several threads while a poller follows the feed's end cursor: once all are done and the
   * poller read to the end, it has seen every (series, vintage) written, none twice in a way that loses one.
   * A feed numbered at insert time (a SEQUENCE) loses those whose transaction committed after a higher number
   * was read.
   */
  @Test
  void aPollerFollowingTheCursorDuringConcurrentUploadsMissesNothing() throws Exception {
    // From now: updates of the other tests in this database are all earlier.
    OffsetDateTime since = OffsetDateTime.now(ZoneOffset.UTC);
    Map<String, Map<String, Object>> specs = new TreeMap<>();
    for (int i = 0; i < 6; i++) {
      specs.put("C" + i, Map.of());
    }
    Map<String, String> ids = series(provider(), specs);
    Set<String> ours = Set.copyOf(ids.values());
    int threads = 6;
    int batchesPerThread = 15;
    Map<String, Set<String>> expected = new ConcurrentHashMap<>();
    Map<String, Set<String>> seen = new HashMap<>();
    AtomicBoolean uploading = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      futures.add(pool.submit(() -> {
        for (int b = 0; b < batchesPerThread; b++) {
          String series = ids.get("C" + ((thread + b) % 6));
          String vintage = LocalDate.parse("2020-01-01").plusDays(thread * 100L + b).toString();
          upload("conc-" + thread + "-" + b + "-" + System.nanoTime(), null, List.of(point(series, "2019-01-01", vintage)));
          expected.computeIfAbsent(series, s -> ConcurrentHashMap.newKeySet()).add(vintage);
        }
        return null;
      }));
    }
    String cursor = null;
    int polls = 0;
    boolean last = false;
    while (!last) {
      // One more full pass after the uploads ended: everything committed by then is in it.
      last = !uploading.get();
      Map<String, Object> page;
      do {
        page = updatesPage(since, 3, cursor);
        polls++;
        for (Map<String, Object> node : (List<Map<String, Object>>) page.get("nodes")) {
          String id = (String) ((Map<String, Object>) node.get("series")).get("id");
          if (ours.contains(id)) {
            seen.computeIfAbsent(id, s -> new TreeSet<>()).addAll((List<String>) node.get("vintageDatesAdded"));
          }
        }
        String end = (String) ((Map<String, Object>) page.get("pageInfo")).get("endCursor");
        cursor = end == null ? cursor : end;
      } while ((Boolean) ((Map<String, Object>) page.get("pageInfo")).get("hasNextPage"));
      if (futures.stream().allMatch(Future::isDone)) {
        uploading.set(false);
      }
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    assertThat(polls).isGreaterThan(1);
    Map<String, Set<String>> want = new HashMap<>();
    expected.forEach((k, v) -> want.put(k, new TreeSet<>(v)));
    assertThat(seen).isEqualTo(want);
    assertThat(want.values().stream().mapToInt(Set::size).sum()).isEqualTo(threads * batchesPerThread);
  }
}
