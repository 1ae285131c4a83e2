package io.almanac.users.users;

import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.Connection;
import io.almanac.graphql.Cursors;
import io.almanac.graphql.ErrorCode;
import io.almanac.graphql.Ids;
import io.almanac.graphql.auth.Caller;
import io.almanac.graphql.auth.Callers;
import io.almanac.graphql.auth.Role;
import io.almanac.users.generated.DgsConstants.CREATEUSERINPUT;
import io.almanac.users.generated.DgsConstants.MUTATION;
import io.almanac.users.generated.types.CreateUserInput;
import io.almanac.users.generated.types.User;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;

/**
 * The rules of users: an admin reads, lists and creates anyone; everyone else reads only themselves. Also decides
 * which user a mutation acts on ({@link #target}) for the watchlist and key services.
 */
@Service
public class UserService {

  private static final String CURSOR_KIND = "user";
  private static final int DEFAULT_PAGE = 20;
  private static final int MAX_PAGE = 1000;

  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");
  private static final String EMAIL_ARGUMENT = MUTATION.CREATEUSER_INPUT_ARGUMENT.Input + "." + CREATEUSERINPUT.Email;
  /** Every mutation that acts on a user names it by this argument. */
  private static final String USER_ID_ARGUMENT = MUTATION.ADDTOWATCHLIST_INPUT_ARGUMENT.UserId;

  /** The schema's defaults of {@code CreateUserInput}, as generated; never modified. */
  private static final CreateUserInput DEFAULTS = new CreateUserInput();

  private final UserRepository users;

  public UserService(UserRepository users) {
    this.users = users;
  }

  /** The user's numeric id (ids travel as strings in the schema). */
  public static long id(User user) {
    return Long.parseLong(user.getId());
  }

  /** The caller's own user; null when anonymous. */
  public User me(Caller caller) {
    return caller.isAnonymous() ? null : users.find(caller.userId()).orElse(null);
  }

  /**
   * One user, for themself or an admin; null when {@code id} names no user.
   *
   * @throws AlmanacGraphQLException {@code UNAUTHENTICATED} or {@code FORBIDDEN} for anyone else
   */
  public User user(Caller caller, String id) {
    Long numeric = Ids.parse(id);
    if (numeric == null) {
      return null;
    }
    Callers.requireSelfOrAdmin(caller, numeric);
    return users.find(numeric).orElse(null);
  }

  /**
   * A page of users by id, for an admin.
   *
   * @param first page size, null for 20; {@code BAD_USER_INPUT} below 1, {@code LIMIT_EXCEEDED} above 1000
   * @param after a cursor from a previous page of this list, or null for the first page
   */
  public Connection<User> page(Caller caller, Integer first, String after) {
    Callers.require(caller, Role.ADMIN);
    int size = Cursors.pageSize(first, DEFAULT_PAGE, MAX_PAGE);
    long afterId = after == null ? 0 : Cursors.decodeLong(CURSOR_KIND, after);
    return Connection.of(users.page(afterId, size + 1), size, after != null,
        u -> Cursors.encode(CURSOR_KIND, u.getId()), null);
  }

  /**
   * Creates a user (admin only) with the role given, VIEWER when null.
   *
   * @throws AlmanacGraphQLException {@code BAD_USER_INPUT} for a malformed email, {@code CONFLICT} when the email
   *     is taken in any letter case
   */
  public User create(Caller caller, CreateUserInput input) {
    Callers.require(caller, Role.ADMIN);
    String email = requireEmail(input.getEmail());
    if (users.emailTaken(email)) {
      throw new AlmanacGraphQLException(ErrorCode.CONFLICT, "A user with email '" + email + "' already exists",
          Map.of("argument", EMAIL_ARGUMENT));
    }
    // An explicit null gets the schema's default role, as leaving the field out does.
    return users.create(email, input.getDisplayName(), Objects.requireNonNullElse(input.getRole(), DEFAULTS.getRole()));
  }

  /**
   * The user a mutation acts on: the caller when {@code userId} is null, another user only for an admin.
   *
   * @throws AlmanacGraphQLException {@code UNAUTHENTICATED}, {@code FORBIDDEN}, or {@code NOT_FOUND} when the user
   *     does not exist
   */
  public User target(Caller caller, String userId) {
    long id = targetId(caller, userId);
    return users.find(id).orElseThrow(() -> new AlmanacGraphQLException(ErrorCode.NOT_FOUND,
        "No user with id '" + id + "'", Map.of("argument", USER_ID_ARGUMENT)));
  }

  /** {@link #target}'s checks: the id of the user acted on, which may not exist. */
  static long targetId(Caller caller, String userId) {
    Callers.require(caller, Role.VIEWER);
    if (userId == null) {
      return caller.userId();
    }
    Long parsed = Ids.parse(userId);
    if (parsed == null) {
      throw new AlmanacGraphQLException(ErrorCode.NOT_FOUND, "No user with id '" + userId + "'",
          Map.of("argument", USER_ID_ARGUMENT));
    }
    Callers.requireSelfOrAdmin(caller, parsed);
    return parsed;
  }

  /** The email without surrounding blanks; {@code BAD_USER_INPUT} unless it is one '@' between non-blank text. */
  static String requireEmail(String raw) {
    String email = raw.strip();
    if (!EMAIL.matcher(email).matches()) {
      throw AlmanacGraphQLException.badInput(EMAIL_ARGUMENT, "'" + email + "' is not an email address");
    }
    return email;
  }
}
