package io.almanac.users.keys;

import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import io.almanac.graphql.Ids;
import io.almanac.graphql.auth.ApiKeyStore;
import io.almanac.graphql.auth.Caller;
import io.almanac.graphql.auth.Callers;
import io.almanac.graphql.auth.Role;
import io.almanac.graphql.auth.db.tables.records.ApiKeysRecord;
import io.almanac.users.generated.DgsConstants.MUTATION;
import io.almanac.users.generated.types.ApiKey;
import io.almanac.users.generated.types.CreatedApiKey;
import io.almanac.users.generated.types.User;
import io.almanac.users.users.UserService;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * The rules of API keys: a caller creates keys for themself (an admin for anyone) with a role no higher than their
 * own (an admin any); the secret is returned once, at creation, and never again; the owner or an admin lists and
 * revokes them. The keys themselves live in the shared {@code auth} schema ({@link ApiKeyStore}).
 */
@Service
public class ApiKeyService {

  private final ApiKeyStore keys;
  private final UserService users;

  public ApiKeyService(ApiKeyStore keys, UserService users) {
    this.keys = keys;
    this.users = users;
  }

  /**
   * Creates a key for {@code userId} (the caller when null).
   *
   * @throws AlmanacGraphQLException {@code FORBIDDEN} for a role above the caller's or another user's key (unless
   *     admin), {@code NOT_FOUND} for an unknown user, {@code BAD_USER_INPUT} for a blank name
   */
  public CreatedApiKey create(Caller caller, String name, Role role, String userId) {
    User owner = users.target(caller, userId);
    requireGrantable(caller, role);
    ApiKeyStore.Created created = keys.create(UserService.id(owner), role, requireName(name));
    return shownOnce(created);
  }

  /**
   * Revokes a key of the caller's (an admin's: anyone's); revoking twice keeps the first revocation time.
   *
   * @throws AlmanacGraphQLException {@code NOT_FOUND} for an unknown key, {@code FORBIDDEN} for another user's key
   */
  public ApiKey revoke(Caller caller, String id) {
    Long numeric = Ids.parse(id);
    ApiKeysRecord key = (numeric == null ? Optional.<ApiKeysRecord>empty() : keys.byId(numeric))
        .orElseThrow(() -> new AlmanacGraphQLException(ErrorCode.NOT_FOUND, "No API key with id '" + id + "'",
            Map.of("argument", MUTATION.REVOKEAPIKEY_INPUT_ARGUMENT.Id)));
    Callers.requireSelfOrAdmin(caller, key.getUserId());
    return view(keys.revoke(key.getId()));
  }

  /** The keys of {@code user} by id, revoked ones included, for themself or an admin. */
  public List<ApiKey> ofUser(Caller caller, User user) {
    long id = UserService.id(user);
    Callers.requireSelfOrAdmin(caller, id);
    return keys.ofUser(id).stream().map(ApiKeyService::view).toList();
  }

  /** {@code FORBIDDEN} unless the (signed-in) caller is an admin or {@code role} is at most the caller's own. */
  static void requireGrantable(Caller caller, Role role) {
    if (!caller.has(Role.ADMIN) && !caller.role().includes(role)) {
      throw new AlmanacGraphQLException(ErrorCode.FORBIDDEN,
          "A " + caller.role() + " key cannot create a " + role + " key",
          Map.of("argument", MUTATION.CREATEAPIKEY_INPUT_ARGUMENT.Role));
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
        .build();
  }

  /** The one response that carries the full key text, {@code alm_<prefix>_<secret>}. */
  static CreatedApiKey shownOnce(ApiKeyStore.Created created) {
    return CreatedApiKey.newBuilder().apiKey(view(created.key())).secret(created.secret().toString()).build();
  }
}
