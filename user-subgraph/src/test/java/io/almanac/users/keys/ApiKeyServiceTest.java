package io.almanac.users.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.auth.ApiKeySecret;
import io.almanac.graphql.auth.ApiKeyStore;
import io.almanac.graphql.auth.Caller;
import io.almanac.graphql.auth.Role;
import io.almanac.graphql.auth.db.tables.records.ApiKeysRecord;
import io.almanac.users.generated.types.ApiKey;
import io.almanac.users.generated.types.CreatedApiKey;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure rules of API keys, without Spring or a database: which roles a caller may grant, names, shown-once. */
class ApiKeyServiceTest {

  private static final String SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final OffsetDateTime CREATED = OffsetDateTime.parse("2024-05-01T12:00:00Z");
  private static final OffsetDateTime REVOKED = OffsetDateTime.parse("2024-05-02T08:30:00Z");

  @Test
  void aCallerGrantsRolesUpToTheirOwnAndAnAdminAny() {
    // Written out, not derived from Role.includes: what the README's role table says ("keys up to VIEWER"...).
    Map<Role, Set<Role>> grantable = Map.of(
        Role.VIEWER, EnumSet.of(Role.VIEWER),
        Role.CRAWLER, EnumSet.of(Role.VIEWER, Role.CRAWLER),
        Role.ADMIN, EnumSet.allOf(Role.class));
    for (Role callerRole : Role.values()) {
      Caller caller = new Caller(7L, 70L, callerRole);
      for (Role requested : Role.values()) {
        if (grantable.get(callerRole).contains(requested)) {
          ApiKeyService.requireGrantable(caller, requested);
        } else {
          assertThatThrownBy(() -> ApiKeyService.requireGrantable(caller, requested))
              .as("%s granting %s", callerRole, requested)
              .isInstanceOfSatisfying(AlmanacGraphQLException.class, e -> {
                assertThat(e.code().name()).isEqualTo("FORBIDDEN");
                assertThat(e.extensions()).containsEntry("argument", "role");
              });
        }
      }
    }
  }

  @Test
  void aKeyNameIsStrippedAndMustNotBeBlank() {
    assertThat(ApiKeyService.requireName("  reader ")).isEqualTo("reader");
    for (String blank : new String[] {"", "   ", "\t\n"}) {
      assertThatThrownBy(() -> ApiKeyService.requireName(blank))
          .isInstanceOfSatisfying(AlmanacGraphQLException.class, e -> {
            assertThat(e.code().name()).isEqualTo("BAD_USER_INPUT");
            assertThat(e.extensions()).containsEntry("argument", "name");
          });
    }
  }

  @Test
  void aStoredKeyIsShownWithItsPublicPrefixAndNothingSecret() {
    ApiKey expected = ApiKey.newBuilder().id("42").name("reader").role(io.almanac.users.generated.types.Role.CRAWLER)
        .prefix("alm_0badc0de").createdAt(CREATED).lastUsedAt(null).revokedAt(REVOKED).build();
    assertThat(ApiKeyService.view(stored())).isEqualTo(expected);
  }

  @Test
  void theCreationResponseCarriesTheFullKeyWhoseStartIsTheShownPrefix() {
    CreatedApiKey created = ApiKeyService.shownOnce(new ApiKeyStore.Created(stored(), new ApiKeySecret("0badc0de", SECRET)));
    assertThat(created.getSecret()).isEqualTo("alm_0badc0de_" + SECRET);
    assertThat(created.getSecret()).startsWith(created.getApiKey().getPrefix() + "_");
    assertThat(ApiKeySecret.parse(created.getSecret())).contains(new ApiKeySecret("0badc0de", SECRET));
    assertThat(created.getApiKey().toString()).doesNotContain(SECRET);
  }

  /** A row as the auth schema stores it: the salt and hash must never reach a client. */
  private static ApiKeysRecord stored() {
    return new ApiKeysRecord(42L, "0badc0de", new byte[] {1, 2, 3}, new byte[] {4, 5, 6}, 9L, "CRAWLER", "reader",
        CREATED, null, REVOKED);
  }
}
