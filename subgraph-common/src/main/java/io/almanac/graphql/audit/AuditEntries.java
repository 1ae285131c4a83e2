package io.almanac.graphql.audit;

import static io.almanac.graphql.audit.db.Tables.AUDIT_LOG;
import static io.almanac.graphql.auth.db.Tables.IDENTITIES;

import io.almanac.graphql.audit.db.tables.records.AuditLogRecord;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/** The {@code audit.audit_log} table: appends, filtered pages newest first, deletion by age. */
@Repository
public class AuditEntries {

  /**
   * What to read; null fields don't filter. {@code since} inclusive, {@code until} exclusive. An actor is a
   * user id (its entries include those of token subjects linked to it in {@code auth.identities}) or a
   * token subject ({@code actorSubject}) not linked to a user.
   */
  public record Filter(Long actorId, String actorSubject, String action, OffsetDateTime since,
      OffsetDateTime until) {}

  /** The user a signed-in caller's subject is linked to, when user-subgraph has linked it. */
  private static final org.jooq.Field<Long> LINKED_USER = DSL.field(DSL.select(IDENTITIES.USER_ID).from(IDENTITIES)
      .where(IDENTITIES.SUBJECT.eq(AUDIT_LOG.ACTOR_SUBJECT)).orderBy(IDENTITIES.USER_ID).limit(1));

  private final DSLContext db;

  public AuditEntries(DSLContext db) {
    this.db = db;
  }

  /** Appends one entry; {@code at} is the database's clock. */
  void insert(Long actorId, String actorSubject, Long keyId, String action, String target, String argumentsJson, String outcome,
      String subgraph, String requestId) {
    db.insertInto(AUDIT_LOG)
        .set(AUDIT_LOG.ACTOR_ID, actorId)
        .set(AUDIT_LOG.ACTOR_SUBJECT, actorSubject)
        .set(AUDIT_LOG.KEY_ID, keyId)
        .set(AUDIT_LOG.ACTION, action)
        .set(AUDIT_LOG.TARGET, target)
        .set(AUDIT_LOG.ARGUMENTS, argumentsJson == null ? null : JSONB.valueOf(argumentsJson))
        .set(AUDIT_LOG.OUTCOME, outcome)
        .set(AUDIT_LOG.SUBGRAPH, subgraph)
        .set(AUDIT_LOG.REQUEST_ID, requestId)
        .execute();
  }

  /**
   * Up to {@code limit} entries matching {@code filter} with an id below {@code beforeId} (null: from the
   * newest), newest (highest id) first.
   */
  public List<AuditEntry> page(Filter filter, Long beforeId, int limit) {
    Condition condition = matching(filter);
    if (beforeId != null) {
      condition = condition.and(AUDIT_LOG.ID.lt(beforeId));
    }
    List<AuditEntry> entries = new ArrayList<>(limit);
    for (org.jooq.Record row : db.select(AUDIT_LOG.asterisk(), LINKED_USER).from(AUDIT_LOG).where(condition)
        .orderBy(AUDIT_LOG.ID.desc()).limit(limit).fetch()) {
      AuditLogRecord r = row.into(AUDIT_LOG);
      Long user = r.getActorId() != null ? r.getActorId() : row.get(LINKED_USER);
      String actor = user != null ? String.valueOf(user) : AuditEntry.SUBJECT_PREFIX + r.getActorSubject();
      entries.add(new AuditEntry(r.getId(), r.getAt(), actor, r.getAction(), r.getTarget(),
          r.getArguments() == null ? null : r.getArguments().data(), r.getOutcome(), r.getSubgraph(),
          r.getRequestId()));
    }
    return entries;
  }

  /** How many entries match {@code filter}. */
  public int count(Filter filter) {
    return db.fetchCount(AUDIT_LOG, matching(filter));
  }

  /** Deletes entries written before {@code cutoff}; returns how many. */
  public int deleteBefore(OffsetDateTime cutoff) {
    return db.deleteFrom(AUDIT_LOG).where(AUDIT_LOG.AT.lt(cutoff)).execute();
  }

  private static Condition matching(Filter filter) {
    Condition condition = DSL.noCondition();
    if (filter.actorId() != null) {
      condition = condition.and(AUDIT_LOG.ACTOR_ID.eq(filter.actorId()).or(AUDIT_LOG.ACTOR_SUBJECT.in(
          DSL.select(IDENTITIES.SUBJECT).from(IDENTITIES).where(IDENTITIES.USER_ID.eq(filter.actorId())))));
    }
    if (filter.actorSubject() != null) {
      condition = condition.and(AUDIT_LOG.ACTOR_SUBJECT.eq(filter.actorSubject()));
    }
    if (filter.action() != null) {
      condition = condition.and(AUDIT_LOG.ACTION.eq(filter.action()));
    }
    if (filter.since() != null) {
      condition = condition.and(AUDIT_LOG.AT.ge(filter.since()));
    }
    if (filter.until() != null) {
      condition = condition.and(AUDIT_LOG.AT.lt(filter.until()));
    }
    return condition;
  }
}
