package io.almanac.users.keys;

import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import io.almanac.graphql.Ids;
import io.almanac.graphql.auth.ApiKeyStore;
import io.almanac.graphql.auth.Caller;
import io.almanac.graphql.auth.CallerAuthenticator;
import io.almanac.graphql.auth.Callers;
import io.almanac.graphql.auth.Role;
import io.almanac.graphql.auth.db.tables.records.ApiKeysRecord;
import io.almanac.users.generated.DgsConstants.MUTATION;
import io.almanac.users.generated.types.ApiKey;
import io.almanac.users.generated.types.CreatedApiKey;
import io.almanac.users.generated.types.User;
import io.almanac.users.users.UserService;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Service;

/**
 * The rules of API keys: a caller creates keys for themself (an admin for anyone) with a role no higher than their
 * own (an admin any); the secret is returned once, at creation, and never again; the owner or an admin lists and
 * revokes and rotates them. A key may expire ({@code expiresAt}, bounded per role by {@link KeyLifetimes}). The keys
 * themselves live in the shared {@code auth} schema ({@link ApiKeyStore}).
 */
@Service
@EnableConfigurationProperties(KeyLifetimes.class)
public class ApiKeyService {

  /** The longest a rotated-out secret may keep working: long enough for a weekly deploy, short for a leak. */
  static final int MAX_OVERLAP_SECONDS = 7 * 24 * 3600;

  private final ApiKeyStore keys;
  private final UserService users;
  private final KeyLifetimes lifetimes;
  private final CallerAuthenticator authenticator;
  private final Clock clock;

  @Autowired
  public ApiKeyService(ApiKeyStore keys, UserService users, KeyLifetimes lifetimes, CallerAuthenticator authenticator) {
    this(keys, users, lifetimes, authenticator, Clock.systemUTC());
  }

  ApiKeyService(ApiKeyStore keys, UserService users, KeyLifetimes lifetimes, CallerAuthenticator authenticator,
      Clock clock) {
    this.keys = keys;
    this.users = users;
    this.lifetimes = lifetimes;
    this.authenticator = authenticator;
    this.clock = clock;
  }

  /**
   * Creates a key for {@code userId} (the caller when null).
   *
   * @param expiresAt when it stops working; null for the role's maximum lifetime, or never without one
   * @throws AlmanacGraphQLException {@code FORBIDDEN} for a role above the caller's or another user's key (unless
   *     admin), {@code NOT_FOUND} for an unknown user, {@code BAD_USER_INPUT} for a blank name or an
   *     {@code expiresAt} not in the future or beyond the role's maximum lifetime
   */
  public CreatedApiKey create(Caller caller, String name, Role role, String userId, OffsetDateTime expiresAt) {
    User owner = users.target(caller, userId);
    requireGrantable(caller, role);
    String strippedName = requireName(name);
    OffsetDateTime expiry = expiry(role, expiresAt, OffsetDateTime.now(clock));
    ApiKeyStore.Created created = keys.create(UserService.id(owner), role, strippedName, expiry);
    return shownOnce(created);
  }

  /**
   * The expiry a new key of {@code role} gets: {@code asked}, which must be after {@code now} and, when the role has
   * a maximum lifetime, not after {@code now} plus it (an explicit later instant is refused rather than shortened,
   * so a client never holds a key that ends sooner than it asked); no {@code asked} means the maximum, or never.
   */
  OffsetDateTime expiry(Role role, OffsetDateTime asked, OffsetDateTime now) {
    String argument = MUTATION.CREATEAPIKEY_INPUT_ARGUMENT.ExpiresAt;
    if (asked != null && !asked.isAfter(now)) {
      throw AlmanacGraphQLException.badInput(argument,
          "expiresAt must be in the future: " + asked + " is not after " + now.withOffsetSameInstant(ZoneOffset.UTC));
    }
    Duration max = lifetimes.max(role);
    if (max == null) {
      return asked;
    }
    OffsetDateTime latest = now.plus(max).withOffsetSameInstant(ZoneOffset.UTC);
    if (asked == null) {
      return latest;
    }
    if (asked.isAfter(latest)) {
      throw AlmanacGraphQLException.badInput(argument, "A " + role + " key may live at most " + iso(max)
          + " (almanac.auth.max-key-lifetime." + role.name().toLowerCase(Locale.ROOT)
          + "): expiresAt must not be after " + latest);
    }
    return asked;
  }

  /** {@code d} as ISO-8601, in days when whole days ({@code P90D}, where {@link Duration#toString} says PT2160H). */
  static String iso(Duration d) {
    return d.toSeconds() % 86_400 == 0 && d.toNanosPart() == 0 ? "P" + d.toDays() + "D" : d.toString();
  }

  /**
   * Gives key {@code id} (the caller's, an admin's: anyone's) a new secret; the previous one keeps working for
   * {@code overlapSeconds} (null: 0).
   *
   * @throws AlmanacGraphQLException {@code BAD_USER_INPUT} for an overlap outside 0 to {@value #MAX_OVERLAP_SECONDS},
   *     {@code NOT_FOUND} for an unknown key or another user's (as for {@code revokeApiKey}: key ids of others
   *     are not disclosed), {@code FORBIDDEN} for a key of a higher role than the caller's (rotating it would hand
   *     the caller its powers), {@code CONFLICT} for a revoked or expired key
   */
  public CreatedApiKey rotate(Caller caller, String id, Integer overlapSeconds) {
    int overlap = overlapSeconds == null ? 0 : overlapSeconds;
    if (overlap < 0 || overlap > MAX_OVERLAP_SECONDS) {
      throw AlmanacGraphQLException.badInput(MUTATION.ROTATEAPIKEY_INPUT_ARGUMENT.Overlap,
          "overlap is in seconds, from 0 to " + MAX_OVERLAP_SECONDS + " (7 days), not " + overlap);
    }
    ApiKeysRecord key = owned(caller, id, MUTATION.ROTATEAPIKEY_INPUT_ARGUMENT.Id);
    // Its new secret would carry the key's powers: only up to the caller's role, as for createApiKey.
    requireGrantable(caller, Role.valueOf(key.getRole()), "rotate", MUTATION.ROTATEAPIKEY_INPUT_ARGUMENT.Id);
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    if (key.getRevokedAt() != null) {
      throw new AlmanacGraphQLException(ErrorCode.CONFLICT, "API key " + id + " was revoked: create a new key",
          Map.of("argument", MUTATION.ROTATEAPIKEY_INPUT_ARGUMENT.Id));
    }
    if (key.getExpiresAt() != null && !key.getExpiresAt().isAfter(now)) {
      throw new AlmanacGraphQLException(ErrorCode.CONFLICT,
          "API key " + id + " expired at " + key.getExpiresAt() + ": create a new key",
          Map.of("argument", MUTATION.ROTATEAPIKEY_INPUT_ARGUMENT.Id));
    }
    ApiKeyStore.Created rotated = keys.rotate(key.getId(), now, now.plusSeconds(overlap))
        .orElseThrow(() -> notFound(id, MUTATION.ROTATEAPIKEY_INPUT_ARGUMENT.Id));
    // This process's cached verdict of the old secret would otherwise outlive an overlap of 0 by up to a TTL.
    authenticator.forgetKey(key.getId());
    return shownOnce(rotated);
  }

  /**
   * Revokes a key of the caller's, whatever its role (giving up powers is always allowed; an admin: anyone's);
   * revoking twice keeps the first revocation time.
   *
   * @throws AlmanacGraphQLException {@code NOT_FOUND} for an unknown key or another user's
   */
  public ApiKey revoke(Caller caller, String id) {
    ApiKeysRecord key = owned(caller, id, MUTATION.REVOKEAPIKEY_INPUT_ARGUMENT.Id);
    ApiKey revoked = view(keys.revoke(key.getId()));
    authenticator.forgetKey(key.getId());
    return revoked;
  }

  /**
   * Key {@code id} when it is the caller's or the caller is an admin; otherwise {@code NOT_FOUND}, as for an
   * unknown id, so that a caller cannot tell which ids exist. Anonymous callers are refused first.
   */
  private ApiKeysRecord owned(Caller caller, String id, String argument) {
    Callers.require(caller, Role.VIEWER);
    ApiKeysRecord key = find(id, argument);
    if (!caller.has(Role.ADMIN) && !key.getUserId().equals(caller.userId())) {
      throw notFound(id, argument);
    }
    return key;
  }

  private ApiKeysRecord find(String id, String argument) {
    Long numeric = Ids.parse(id);
    return (numeric == null ? Optional.<ApiKeysRecord>empty() : keys.byId(numeric))
        .orElseThrow(() -> notFound(id, argument));
  }

  private static AlmanacGraphQLException notFound(String id, String argument) {
    return new AlmanacGraphQLException(ErrorCode.NOT_FOUND, "No API key with id '" + id + "'",
        Map.of("argument", argument));
  }

  /** The keys of {@code user} by id, revoked ones included, for themself or an admin. */
  public List<ApiKey> ofUser(Caller caller, User user) {
    long id = UserService.id(user);
    Callers.requireSelfOrAdmin(caller, id);
    return keys.ofUser(id).stream().map(ApiKeyService::view).toList();
  }

  /** {@link #requireGrantable(Caller, Role, String, String)} for {@code createApiKey}'s {@code role}. */
  static void requireGrantable(Caller caller, Role role) {
    requireGrantable(caller, role, "create", MUTATION.CREATEAPIKEY_INPUT_ARGUMENT.Role);
  }

  /**
   * {@code FORBIDDEN} unless the (signed-in) caller is an admin or {@code role} is at most the caller's own:
   * the one rule for issuing a secret of a key, by {@code createApiKey} and {@code rotateApiKey} ({@code verb}).
   */
  private static void requireGrantable(Caller caller, Role role, String verb, String argument) {
    if (!caller.has(Role.ADMIN) && !caller.role().includes(role)) {
      throw new AlmanacGraphQLException(ErrorCode.FORBIDDEN,
          "A " + caller.role() + " caller cannot " + verb + " a " + role + " key", Map.of("argument", argument));
    }
  }

  /** The name without surrounding blanks; {@code BAD_USER_INPUT} when nothing is left. */
  static String requireName(String name) {
    if (name.isBlank()) {
      throw AlmanacGraphQLException.badInput(MUTATION.CREATEAPIKEY_INPUT_ARGUMENT.Name, "Key name must not be blank");
    }
    return name.strip();
  }

  /** A key as clients see it: the public prefix ({@code alm_<8 hex>}), never the secret or its hash. */
  static ApiKey view(ApiKeysRecord r) {
    return ApiKey.newBuilder()
        .id(String.valueOf(r.getId()))
        .name(r.getName())
        // The auth schema stores the role's name, written from the same role names.
        .role(io.almanac.users.generated.types.Role.valueOf(r.getRole()))
        .prefix("alm_" + r.getPrefix())
        .createdAt(r.getCreatedAt())
        .lastUsedAt(r.getLastUsedAt())
        .revokedAt(r.getRevokedAt())
        .expiresAt(r.getExpiresAt())
        .rotatedAt(r.getRotatedAt())
        .previousSecretValidUntil(r.getPreviousValidUntil())
        .build();
  }

  /** The one response that carries the full key text, {@code alm_<prefix>_<secret>}. */
  static CreatedApiKey shownOnce(ApiKeyStore.Created created) {
    return CreatedApiKey.newBuilder().apiKey(view(created.key())).secret(created.secret().toString()).build();
  }
}
