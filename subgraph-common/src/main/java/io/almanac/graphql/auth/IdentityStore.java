package io.almanac.graphql.auth;

import static io.almanac.graphql.auth.db.Tables.IDENTITIES;

import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;

/**
 * Links from an identity provider's (issuer, subject) to a user id, in {@code auth.identities}. Read here by every
 * subgraph; written only by the user subgraph, which owns the users.
 */
@Repository
public class IdentityStore implements IdentityLinks {

  private final DSLContext db;

  public IdentityStore(DSLContext db) {
    this.db = db;
  }

  @Override
  public Long userId(BearerTokens.SignedIn identity) {
    return find(identity.issuer(), identity.subject());
  }

  /** The user linked to {@code (issuer, subject)}, or null. */
  public Long find(String issuer, String subject) {
    return db.select(IDENTITIES.USER_ID).from(IDENTITIES)
        .where(IDENTITIES.ISSUER.eq(issuer).and(IDENTITIES.SUBJECT.eq(subject)))
        .fetchOne(IDENTITIES.USER_ID);
  }
}
