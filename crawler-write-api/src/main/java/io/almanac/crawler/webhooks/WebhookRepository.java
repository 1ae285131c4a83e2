package io.almanac.crawler.webhooks;

import static io.almanac.crawler.db.Tables.SERIES_KEYS;
import static io.almanac.crawler.db.Tables.WEBHOOKS;
import static io.almanac.crawler.db.Tables.WEBHOOK_DELIVERIES;

import io.almanac.crawler.db.tables.records.WebhookDeliveriesRecord;
import io.almanac.crawler.db.tables.records.WebhooksRecord;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Webhooks and their outbox / delivery log in PostgreSQL (schema {@code crawler}). */
@Repository
public class WebhookRepository {

  /** A webhook with what sending needs. */
  record Target(Webhook webhook, String secret) {}

  /** A delivery as stored. */
  public record Delivery(long seq, UUID id, long webhookId, String event, String payload, String status, int attempts,
      OffsetDateTime createdAt, OffsetDateTime lastAttemptAt, OffsetDateTime deliveredAt, Integer responseStatus,
      String error) {}

  /** Where a series belongs, for matching filters. */
  record SeriesFacts(long providerId, Long releaseId) {}

  private final DSLContext db;

  public WebhookRepository(DSLContext db) {
    this.db = db;
  }

  Webhook create(String url, List<String> events, Long[] seriesIds, Long releaseId, Long providerId, String secret,
      String createdBy) {
    return map(db.insertInto(WEBHOOKS)
        .set(WEBHOOKS.URL, url)
        .set(WEBHOOKS.EVENTS, events.toArray(String[]::new))
        .set(WEBHOOKS.SERIES_IDS, seriesIds)
        .set(WEBHOOKS.RELEASE_ID, releaseId)
        .set(WEBHOOKS.PROVIDER_ID, providerId)
        .set(WEBHOOKS.SECRET, secret)
        .set(WEBHOOKS.CREATED_BY, createdBy)
        .returning().fetchOne());
  }

  /** Deletes the webhook if {@code owner} made it (null: whoever did). */
  boolean delete(long id, String owner) {
    return db.deleteFrom(WEBHOOKS).where(WEBHOOKS.ID.eq(id).and(ownedBy(owner))).execute() > 0;
  }

  Optional<Webhook> find(long id) {
    return db.selectFrom(WEBHOOKS).where(WEBHOOKS.ID.eq(id)).fetchOptional().map(WebhookRepository::map);
  }

  /** Webhooks {@code owner} made (null: all), by id after {@code afterId}. */
  List<Webhook> page(long afterId, int limit, String owner) {
    return db.selectFrom(WEBHOOKS).where(WEBHOOKS.ID.gt(afterId).and(ownedBy(owner))).orderBy(WEBHOOKS.ID)
        .limit(limit).fetch(WebhookRepository::map);
  }

  int count(String owner) {
    return db.fetchCount(WEBHOOKS, ownedBy(owner));
  }

  private static org.jooq.Condition ownedBy(String owner) {
    return owner == null ? DSL.noCondition() : WEBHOOKS.CREATED_BY.eq(owner);
  }

  /** Enabled webhooks subscribed to {@code event}. */
  List<Webhook> subscribed(String event) {
    return db.selectFrom(WEBHOOKS)
        .where(WEBHOOKS.ENABLED.isTrue().and(DSL.val(event).eq(DSL.any(WEBHOOKS.EVENTS))))
        .fetch(WebhookRepository::map);
  }

  Map<Long, SeriesFacts> seriesFacts(Collection<Long> seriesIds) {
    Map<Long, SeriesFacts> facts = new HashMap<>();
    db.select(SERIES_KEYS.ID, SERIES_KEYS.PROVIDER_ID, SERIES_KEYS.RELEASE_ID).from(SERIES_KEYS)
        .where(SERIES_KEYS.ID.in(seriesIds))
        .forEach(r -> facts.put(r.value1(), new SeriesFacts(r.value2(), r.value3())));
    return facts;
  }

  /** Adds a delivery to the outbox: due now. */
  void enqueue(long webhookId, UUID deliveryId, String event, String payload) {
    db.insertInto(WEBHOOK_DELIVERIES)
        .set(WEBHOOK_DELIVERIES.DELIVERY_ID, deliveryId)
        .set(WEBHOOK_DELIVERIES.WEBHOOK_ID, webhookId)
        .set(WEBHOOK_DELIVERIES.EVENT, event)
        .set(WEBHOOK_DELIVERIES.PAYLOAD, JSONB.valueOf(payload))
        .set(WEBHOOK_DELIVERIES.STATUS, "PENDING")
        .execute();
  }

  /**
   * Claims up to {@code limit} due deliveries of enabled webhooks for {@code lease}: their next attempt
   * moves past the lease, so another process (or this one after a crash) takes them only once it ran out.
   */
  List<Delivery> claimDue(int limit, Duration lease) {
    var due = DSL.select(WEBHOOK_DELIVERIES.ID).from(WEBHOOK_DELIVERIES)
        .join(WEBHOOKS).on(WEBHOOKS.ID.eq(WEBHOOK_DELIVERIES.WEBHOOK_ID))
        .where(WEBHOOK_DELIVERIES.STATUS.eq("PENDING")
            .and(WEBHOOK_DELIVERIES.NEXT_ATTEMPT_AT.le(DSL.field("clock_timestamp()", OffsetDateTime.class)))
            .and(WEBHOOKS.ENABLED.isTrue()))
        .orderBy(WEBHOOK_DELIVERIES.NEXT_ATTEMPT_AT, WEBHOOK_DELIVERIES.ID)
        .limit(limit)
        .forUpdate().of(WEBHOOK_DELIVERIES).skipLocked();
    return db.update(WEBHOOK_DELIVERIES)
        .set(WEBHOOK_DELIVERIES.NEXT_ATTEMPT_AT, DSL.field("clock_timestamp() + {0}::interval", OffsetDateTime.class,
            DSL.val(lease.toMillis() + " milliseconds")))
        .where(WEBHOOK_DELIVERIES.ID.in(due))
        .returning()
        .fetch(WebhookRepository::map);
  }

  Optional<Target> target(long webhookId) {
    return db.selectFrom(WEBHOOKS).where(WEBHOOKS.ID.eq(webhookId)).fetchOptional()
        .map(r -> new Target(map(r), r.getSecret()));
  }

  /** Records a 2xx answer: the delivery is done and the webhook's failure count starts again. */
  @Transactional
  public void delivered(long seq, int status) {
    var record = db.update(WEBHOOK_DELIVERIES)
        .set(WEBHOOK_DELIVERIES.STATUS, "DELIVERED")
        .set(WEBHOOK_DELIVERIES.ATTEMPTS, WEBHOOK_DELIVERIES.ATTEMPTS.plus(1))
        .set(WEBHOOK_DELIVERIES.LAST_ATTEMPT_AT, DSL.field("clock_timestamp()", OffsetDateTime.class))
        .set(WEBHOOK_DELIVERIES.DELIVERED_AT, DSL.field("clock_timestamp()", OffsetDateTime.class))
        .set(WEBHOOK_DELIVERIES.RESPONSE_STATUS, status)
        .setNull(WEBHOOK_DELIVERIES.ERROR)
        .where(WEBHOOK_DELIVERIES.ID.eq(seq))
        .returning(WEBHOOK_DELIVERIES.WEBHOOK_ID).fetchOne();
    if (record != null) {
      db.update(WEBHOOKS).set(WEBHOOKS.CONSECUTIVE_FAILURES, 0).where(WEBHOOKS.ID.eq(record.getWebhookId())).execute();
    }
  }

  /**
   * Records a failed attempt: the delivery is retried after {@code retryAfter}, or given up (FAILED) when
   * null; the webhook's consecutive failures grow, and at {@code disableAfter} it is disabled and its
   * pending deliveries are given up. Returns whether this disabled it.
   */
  @Transactional
  public boolean failed(long seq, long webhookId, Integer status, String error, Duration retryAfter, int disableAfter) {
    db.update(WEBHOOK_DELIVERIES)
        .set(WEBHOOK_DELIVERIES.STATUS, retryAfter == null ? "FAILED" : "PENDING")
        .set(WEBHOOK_DELIVERIES.ATTEMPTS, WEBHOOK_DELIVERIES.ATTEMPTS.plus(1))
        .set(WEBHOOK_DELIVERIES.LAST_ATTEMPT_AT, DSL.field("clock_timestamp()", OffsetDateTime.class))
        .set(WEBHOOK_DELIVERIES.NEXT_ATTEMPT_AT, retryAfter == null
            ? DSL.field("clock_timestamp()", OffsetDateTime.class)
            : DSL.field("clock_timestamp() + {0}::interval", OffsetDateTime.class,
                DSL.val(retryAfter.toMillis() + " milliseconds")))
        .set(WEBHOOK_DELIVERIES.RESPONSE_STATUS, status)
        .set(WEBHOOK_DELIVERIES.ERROR, error)
        .where(WEBHOOK_DELIVERIES.ID.eq(seq))
        .execute();
    int failures = db.update(WEBHOOKS)
        .set(WEBHOOKS.CONSECUTIVE_FAILURES, WEBHOOKS.CONSECUTIVE_FAILURES.plus(1))
        .where(WEBHOOKS.ID.eq(webhookId))
        .returning(WEBHOOKS.CONSECUTIVE_FAILURES).fetchOptional()
        .map(WebhooksRecord::getConsecutiveFailures).orElse(0);
    if (failures < disableAfter) {
      return false;
    }
    int disabled = db.update(WEBHOOKS).set(WEBHOOKS.ENABLED, false)
        .where(WEBHOOKS.ID.eq(webhookId).and(WEBHOOKS.ENABLED.isTrue())).execute();
    db.update(WEBHOOK_DELIVERIES)
        .set(WEBHOOK_DELIVERIES.STATUS, "FAILED")
        .set(WEBHOOK_DELIVERIES.ERROR, DSL.coalesce(WEBHOOK_DELIVERIES.ERROR, DSL.val("webhook disabled")))
        .where(WEBHOOK_DELIVERIES.WEBHOOK_ID.eq(webhookId).and(WEBHOOK_DELIVERIES.STATUS.eq("PENDING")))
        .execute();
    return disabled > 0;
  }

  /** A webhook's deliveries, newest first, below {@code beforeSeq}, at most {@code limit}. */
  List<Delivery> deliveries(long webhookId, long beforeSeq, int limit) {
    return db.selectFrom(WEBHOOK_DELIVERIES)
        .where(WEBHOOK_DELIVERIES.WEBHOOK_ID.eq(webhookId).and(WEBHOOK_DELIVERIES.ID.lt(beforeSeq)))
        .orderBy(WEBHOOK_DELIVERIES.ID.desc()).limit(limit)
        .fetch(WebhookRepository::map);
  }

  int countDeliveries(long webhookId) {
    return db.fetchCount(WEBHOOK_DELIVERIES, WEBHOOK_DELIVERIES.WEBHOOK_ID.eq(webhookId));
  }

  private static Webhook map(WebhooksRecord r) {
    return new Webhook(String.valueOf(r.getId()), r.getUrl(), Arrays.asList(r.getEvents()),
        r.getSeriesIds() == null ? null : Arrays.stream(r.getSeriesIds()).map(String::valueOf).toList(),
        r.getReleaseId() == null ? null : String.valueOf(r.getReleaseId()),
        r.getProviderId() == null ? null : String.valueOf(r.getProviderId()),
        r.getEnabled(), r.getConsecutiveFailures(), r.getCreatedAt());
  }

  private static Delivery map(WebhookDeliveriesRecord r) {
    return new Delivery(r.getId(), r.getDeliveryId(), r.getWebhookId(), r.getEvent(), r.getPayload().data(),
        r.getStatus(), r.getAttempts(), r.getCreatedAt(), r.getLastAttemptAt(), r.getDeliveredAt(),
        r.getResponseStatus(), r.getError());
  }
}
