package io.almanac.users.users;

import static io.almanac.graphql.auth.db.Tables.IDENTITIES;

import io.almanac.graphql.auth.BearerTokens;
import io.almanac.graphql.auth.IdentityLinks;
import io.almanac.graphql.auth.IdentityStore;
import io.almanac.users.generated.types.Role;
import io.almanac.users.generated.types.User;
import java.net.URI;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.springframework.context.annotation.Primary;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The user subgraph owns the users, so it is the one that creates a user for a subject signed in with the identity
 * provider, on first sight (any request of that token here, typically {@code me}), and links it in
 * {@code auth.identities} for every subgraph to read. The new user gets the token's role, {@code name} as display
 * name and its {@code email} claim as email; when there is none, or a user already has that email, a placeholder
 * {@code <subject>@<issuer host>}. An existing user is never taken over by email: an email claim proves nothing
 * the provider was not configured to verify.
 */
@Primary
@Component
public class FirstSightUsers implements IdentityLinks {

  private final IdentityStore identities;
  private final UserRepository users;
  private final DSLContext db;
  private final TransactionTemplate transaction;

  public FirstSightUsers(IdentityStore identities, UserRepository users, DSLContext db, TransactionTemplate transaction) {
    this.identities = identities;
    this.users = users;
    this.db = db;
    this.transaction = transaction;
  }

  @Override
  public Long userId(BearerTokens.SignedIn identity) {
    Long linked = identities.userId(identity);
    if (linked != null) {
      return linked;
    }
    return transaction.execute(status -> {
      // Two first requests of one subject (in this or another user subgraph process) create one user.
      db.select(DSL.field("pg_advisory_xact_lock({0})", SQLDataType.OTHER,
          DSL.field("hashtextextended({0}, 0)", SQLDataType.BIGINT, DSL.val(identity.issuer() + "\n" + identity.subject()))))
          .fetch();
      Long raced = identities.userId(identity);
      if (raced != null) {
        return raced;
      }
      User user = users.create(email(identity), storable(identity.name()), Role.valueOf(identity.role().name()));
      long id = UserService.id(user);
      db.insertInto(IDENTITIES)
          .set(IDENTITIES.ISSUER, identity.issuer())
          .set(IDENTITIES.SUBJECT, identity.subject())
          .set(IDENTITIES.USER_ID, id)
          .execute();
      return id;
    });
  }

  private String email(BearerTokens.SignedIn identity) {
    String claimed = identity.email() == null ? "" : storable(identity.email()).strip();
    if (!claimed.isEmpty() && !users.emailTaken(claimed)) {
      return claimed;
    }
    String host = URI.create(identity.issuer()).getHost();
    return storable(identity.subject()) + "@" + (host == null ? "identity-provider" : host);
  }

  /** Claims are the provider's text: PostgreSQL refuses U+0000 in text, so it is dropped rather than failing. */
  private static String storable(String claim) {
    return claim == null ? null : claim.replace("\u0000", "");
  }
}
