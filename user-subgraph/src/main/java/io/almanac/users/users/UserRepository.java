package io.almanac.users.users;

import static io.almanac.users.db.Tables.USERS_;

import io.almanac.users.db.tables.records.UsersRecord;
import io.almanac.users.generated.types.Role;
import io.almanac.users.generated.types.User;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/** Users in PostgreSQL (table {@code users.users}), through jOOQ; emails compare case-insensitively. */
@Repository
public class UserRepository {

  private final DSLContext db;

  public UserRepository(DSLContext db) {
    this.db = db;
  }

  public boolean emailTaken(String email) {
    return db.fetchExists(USERS_, DSL.lower(USERS_.EMAIL).eq(email.toLowerCase()));
  }

  /** Inserts a user; the database assigns the id and creation time. */
  public User create(String email, String displayName, Role role) {
    return map(db.insertInto(USERS_)
        .set(USERS_.EMAIL, email)
        .set(USERS_.DISPLAY_NAME, displayName)
        .set(USERS_.ROLE, role.name())
        .returning()
        .fetchOne());
  }

  public Optional<User> find(long id) {
    return db.selectFrom(USERS_).where(USERS_.ID.eq(id)).fetchOptional().map(UserRepository::map);
  }

  public Optional<User> findByEmail(String email) {
    return db.selectFrom(USERS_).where(DSL.lower(USERS_.EMAIL).eq(email.toLowerCase())).fetchOptional()
        .map(UserRepository::map);
  }

  /** The users among {@code ids}, in no particular order; ids naming no user are absent. */
  public List<User> findAll(Collection<Long> ids) {
    return db.selectFrom(USERS_).where(USERS_.ID.in(ids)).fetch(UserRepository::map);
  }

  /** Up to {@code limit} users with an id above {@code afterId}, by id. */
  public List<User> page(long afterId, int limit) {
    return db.selectFrom(USERS_).where(USERS_.ID.gt(afterId)).orderBy(USERS_.ID).limit(limit).fetch(UserRepository::map);
  }

  private static User map(UsersRecord r) {
    return User.newBuilder()
        .id(String.valueOf(r.getId()))
        .email(r.getEmail())
        .displayName(r.getDisplayName())
        // The column's CHECK constraint allows exactly the schema's role names.
        .role(Role.valueOf(r.getRole()))
        .createdAt(r.getCreatedAt())
        .build();
  }
}
