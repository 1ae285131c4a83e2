package io.almanac.crawler.releases;

import static io.almanac.crawler.db.Tables.RELEASES;
import static io.almanac.crawler.db.Tables.RELEASE_DATES;
import static io.almanac.crawler.db.Tables.SERIES_KEYS;

import io.almanac.crawler.db.tables.records.ReleasesRecord;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/** Releases, their calendar and series membership in PostgreSQL (schema {@code crawler}). */
@Repository
public class ReleaseRepository {

  private final DSLContext db;

  public ReleaseRepository(DSLContext db) {
    this.db = db;
  }

  /** Inserts the release, or updates link and notes of the provider's release of that name (any case). */
  public Release upsert(long providerId, String name, String link, String notes) {
    return map(db.insertInto(RELEASES)
        .set(RELEASES.PROVIDER_ID, providerId)
        .set(RELEASES.NAME, name)
        .set(RELEASES.LINK, link)
        .set(RELEASES.NOTES, notes)
        .onConflict(RELEASES.PROVIDER_ID, DSL.lower(RELEASES.NAME)).doUpdate()
        .set(RELEASES.LINK, link)
        .set(RELEASES.NOTES, notes)
        .set(RELEASES.UPDATED_AT, OffsetDateTime.now())
        .returning()
        .fetchOne());
  }

  public Optional<Release> find(long id) {
    return db.selectFrom(RELEASES).where(RELEASES.ID.eq(id)).fetchOptional().map(ReleaseRepository::map);
  }

  public List<Release> findAll(Collection<Long> ids) {
    return db.selectFrom(RELEASES).where(RELEASES.ID.in(ids)).fetch(ReleaseRepository::map);
  }

  /** Releases after {@code afterId} by id, optionally of one provider, at most {@code limit}. */
  public List<Release> page(Long providerId, long afterId, int limit) {
    return db.selectFrom(RELEASES).where(ofProvider(providerId).and(RELEASES.ID.gt(afterId)))
        .orderBy(RELEASES.ID).limit(limit).fetch(ReleaseRepository::map);
  }

  public int count(Long providerId) {
    return db.fetchCount(RELEASES, ofProvider(providerId));
  }

  private static Condition ofProvider(Long providerId) {
    return providerId == null ? DSL.trueCondition() : RELEASES.PROVIDER_ID.eq(providerId);
  }

  /** Adds scheduled dates (dates already on the calendar become scheduled too). */
  public void schedule(long releaseId, Collection<LocalDate> dates) {
    var insert = db.insertInto(RELEASE_DATES, RELEASE_DATES.RELEASE_ID, RELEASE_DATES.DATE, RELEASE_DATES.SCHEDULED);
    for (LocalDate date : new HashSet<>(dates)) {
      insert = insert.values(releaseId, date, true);
    }
    insert.onConflict(RELEASE_DATES.RELEASE_ID, RELEASE_DATES.DATE).doUpdate()
        .set(RELEASE_DATES.SCHEDULED, true).execute();
  }

  /** Marks dates published (called in the transaction that records the upload that published them). */
  public void publish(long releaseId, Collection<LocalDate> dates) {
    if (dates.isEmpty()) {
      return;
    }
    var insert = db.insertInto(RELEASE_DATES, RELEASE_DATES.RELEASE_ID, RELEASE_DATES.DATE, RELEASE_DATES.PUBLISHED);
    for (LocalDate date : new HashSet<>(dates)) {
      insert = insert.values(releaseId, date, true);
    }
    insert.onConflict(RELEASE_DATES.RELEASE_ID, RELEASE_DATES.DATE).doUpdate()
        .set(RELEASE_DATES.PUBLISHED, true).execute();
  }

  /**
   * Calendar dates from {@code from} to {@code to} (both included, either null for open), of one release
   * or of one provider's releases or of all, in date order then release id.
   */
  public List<CalendarDate> calendar(Long releaseId, Long providerId, LocalDate from, LocalDate to) {
    Condition where = DSL.trueCondition();
    if (releaseId != null) {
      where = where.and(RELEASE_DATES.RELEASE_ID.eq(releaseId));
    }
    if (providerId != null) {
      where = where.and(RELEASE_DATES.RELEASE_ID.in(
          DSL.select(RELEASES.ID).from(RELEASES).where(RELEASES.PROVIDER_ID.eq(providerId))));
    }
    if (from != null) {
      where = where.and(RELEASE_DATES.DATE.ge(from));
    }
    if (to != null) {
      where = where.and(RELEASE_DATES.DATE.le(to));
    }
    return db.select(RELEASE_DATES.RELEASE_ID, RELEASE_DATES.DATE, RELEASE_DATES.PUBLISHED).from(RELEASE_DATES)
        .where(where).orderBy(RELEASE_DATES.DATE, RELEASE_DATES.RELEASE_ID)
        .fetch(r -> new CalendarDate(r.value1(), r.value2(), r.value3()));
  }

  /** For each of {@code releaseIds} that has one, its first scheduled date after {@code today}. */
  public Map<Long, LocalDate> nextDates(Collection<Long> releaseIds, LocalDate today) {
    Map<Long, LocalDate> next = new HashMap<>();
    db.select(RELEASE_DATES.RELEASE_ID, DSL.min(RELEASE_DATES.DATE)).from(RELEASE_DATES)
        .where(RELEASE_DATES.RELEASE_ID.in(releaseIds).and(RELEASE_DATES.SCHEDULED.isTrue())
            .and(RELEASE_DATES.DATE.gt(today)))
        .groupBy(RELEASE_DATES.RELEASE_ID)
        .forEach(r -> next.put(r.value1(), r.value2()));
    return next;
  }

  /** The release of each of {@code seriesIds} that has one, with its first scheduled date after {@code today}. */
  public Map<Long, SeriesRelease> releaseOfSeries(Collection<Long> seriesIds, LocalDate today) {
    Map<Long, SeriesRelease> found = new HashMap<>();
    var next = DSL.select(DSL.min(RELEASE_DATES.DATE)).from(RELEASE_DATES)
        .where(RELEASE_DATES.RELEASE_ID.eq(RELEASES.ID).and(RELEASE_DATES.SCHEDULED.isTrue())
            .and(RELEASE_DATES.DATE.gt(today))).asField("next_date");
    db.select(SERIES_KEYS.ID, RELEASES.ID, RELEASES.PROVIDER_ID, RELEASES.NAME, RELEASES.LINK, RELEASES.NOTES, next)
        .from(SERIES_KEYS).join(RELEASES).on(RELEASES.ID.eq(SERIES_KEYS.RELEASE_ID))
        .where(SERIES_KEYS.ID.in(seriesIds))
        .forEach(r -> found.put(r.value1(), new SeriesRelease(new Release(String.valueOf(r.value2()), r.value3(),
            r.value4(), r.value5(), r.value6()), r.get(next, LocalDate.class))));
    return found;
  }

  /** A series' release and that release's next scheduled date (null when none). */
  public record SeriesRelease(Release release, LocalDate nextDate) {}

  /** Sets (or, with null, clears) the release of series. */
  public void setRelease(Collection<Long> seriesIds, Long releaseId) {
    if (!seriesIds.isEmpty()) {
      db.update(SERIES_KEYS).set(SERIES_KEYS.RELEASE_ID, releaseId).where(SERIES_KEYS.ID.in(seriesIds)).execute();
    }
  }

  /** Ids of a release's series after {@code afterId}, ascending, at most {@code limit}. */
  public List<Long> seriesOf(long releaseId, long afterId, int limit) {
    return db.select(SERIES_KEYS.ID).from(SERIES_KEYS)
        .where(SERIES_KEYS.RELEASE_ID.eq(releaseId).and(SERIES_KEYS.ID.gt(afterId)))
        .orderBy(SERIES_KEYS.ID).limit(limit).fetch(SERIES_KEYS.ID);
  }

  public int countSeries(long releaseId) {
    return db.fetchCount(SERIES_KEYS, SERIES_KEYS.RELEASE_ID.eq(releaseId));
  }

  private static Release map(ReleasesRecord r) {
    return new Release(String.valueOf(r.getId()), r.getProviderId(), r.getName(), r.getLink(), r.getNotes());
  }
}
