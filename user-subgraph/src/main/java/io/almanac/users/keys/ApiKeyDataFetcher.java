package io.almanac.users.keys;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsData;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import com.netflix.graphql.dgs.DgsMutation;
import com.netflix.graphql.dgs.InputArgument;
import io.almanac.graphql.auth.Callers;
import io.almanac.users.auth.Roles;
import io.almanac.users.generated.DgsConstants.MUTATION;
import io.almanac.users.generated.DgsConstants.MUTATION.CREATEAPIKEY_INPUT_ARGUMENT;
import io.almanac.users.generated.DgsConstants.USER;
import io.almanac.users.generated.types.ApiKey;
import io.almanac.users.generated.types.CreatedApiKey;
import io.almanac.users.generated.types.Role;
import io.almanac.users.generated.types.User;
import java.time.OffsetDateTime;
import java.util.List;

/** {@code createApiKey}, {@code rotateApiKey}, {@code revokeApiKey} and {@code User.apiKeys}, over {@link ApiKeyService}. */
@DgsComponent
public class ApiKeyDataFetcher {

  private final ApiKeyService keys;

  public ApiKeyDataFetcher(ApiKeyService keys) {
    this.keys = keys;
  }

  @DgsMutation(field = MUTATION.CreateApiKey)
  public CreatedApiKey createApiKey(@InputArgument(name = CREATEAPIKEY_INPUT_ARGUMENT.Name) String name,
      @InputArgument(name = CREATEAPIKEY_INPUT_ARGUMENT.Role) Role role,
      @InputArgument(name = CREATEAPIKEY_INPUT_ARGUMENT.UserId) String userId,
      @InputArgument(name = CREATEAPIKEY_INPUT_ARGUMENT.ExpiresAt) OffsetDateTime expiresAt,
      DgsDataFetchingEnvironment env) {
    return keys.create(Callers.current(env), name, Roles.toAuth(role), userId, expiresAt);
  }

  @DgsMutation(field = MUTATION.RotateApiKey)
  public CreatedApiKey rotateApiKey(@InputArgument(name = MUTATION.ROTATEAPIKEY_INPUT_ARGUMENT.Id) String id,
      @InputArgument(name = MUTATION.ROTATEAPIKEY_INPUT_ARGUMENT.Overlap) Integer overlap,
      DgsDataFetchingEnvironment env) {
    return keys.rotate(Callers.current(env), id, overlap);
  }

  @DgsMutation(field = MUTATION.RevokeApiKey)
  public ApiKey revokeApiKey(@InputArgument(name = MUTATION.REVOKEAPIKEY_INPUT_ARGUMENT.Id) String id,
      DgsDataFetchingEnvironment env) {
    return keys.revoke(Callers.current(env), id);
  }

  @DgsData(parentType = USER.TYPE_NAME, field = USER.ApiKeys)
  public List<ApiKey> apiKeys(DgsDataFetchingEnvironment env) {
    User user = env.getSource();
    return keys.ofUser(Callers.current(env), user);
  }
}
