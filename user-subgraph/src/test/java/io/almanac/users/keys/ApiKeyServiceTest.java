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
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure rules of API keys, without Spring or a database: which roles a caller may grant, names, shown-once. */
class ApiKeyServiceTest {

  private static final String SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final OffsetDateTime CREATED = OffsetDateTime.parse("2024-05-01T12:00:00Z");
  private static final OffsetDateTime REVOKED = OffsetDateTime.parse("2024-05-02T08:30:00Z");
  private static final OffsetDateTime EXPIRES = OffsetDateTime.parse("2024-08-01T00:00:00Z");
  private static final OffsetDateTime ROTATED = OffsetDateTime.parse("2024-05-01T18:00:00Z");
  private static final OffsetDateTime OVERLAP_END = OffsetDateTime.parse("2024-05-01T19:00:00Z");
  private static final OffsetDateTime NOW = OffsetDateTime.parse("2024-05-01T12:00:00Z");

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
        .prefix("alm_0badc0de").createdAt(CREATED).lastUsedAt(null).revokedAt(REVOKED).expiresAt(EXPIRES)
        .rotatedAt(ROTATED).previousSecretValidUntil(OVERLAP_END).build();
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
        CREATED, null, REVOKED, EXPIRES, ROTATED, new byte[] {7}, new byte[] {8}, OVERLAP_END);
  }

  @Test
  void anExpiryMustBeInTheFutureAndWithinTheRolesMaximumWhichIsAlsoTheDefault() {
    ApiKeyService service = new ApiKeyService(null, null,
        new KeyLifetimes(Duration.ofDays(90), null, Duration.ofDays(1)), null, Clock.fixed(NOW.toInstant(), ZoneOffset.UTC));
    // No maximum for CRAWLER: none stays none (never expires), any future instant is kept.
    assertThat(service.expiry(Role.CRAWLER, null, NOW)).isNull();
    assertThat(service.expiry(Role.CRAWLER, NOW.plusYears(10), NOW)).isEqualTo(NOW.plusYears(10));
    // VIEWER at most 90 days: none means exactly 90 days from now; up to it is kept; one second more is refused.
    assertThat(service.expiry(Role.VIEWER, null, NOW)).isEqualTo(OffsetDateTime.parse("2024-07-30T12:00:00Z"));
    assertThat(service.expiry(Role.VIEWER, OffsetDateTime.parse("2024-07-30T12:00:00Z"), NOW))
        .isEqualTo(OffsetDateTime.parse("2024-07-30T12:00:00Z"));
    assertBadExpiry(() -> service.expiry(Role.VIEWER, OffsetDateTime.parse("2024-07-30T12:00:01Z"), NOW), "P90D");
    assertBadExpiry(() -> service.expiry(Role.ADMIN, NOW.plusDays(2), NOW), "at most P1D");
    // Not in the future: now itself and the past, for every role.
    for (Role role : Role.values()) {
      assertBadExpiry(() -> service.expiry(role, NOW, NOW), "in the future");
      assertBadExpiry(() -> service.expiry(role, NOW.minusSeconds(1), NOW), "in the future");
    }
  }

  @Test
  void anOverlapIsZeroToSevenDaysInSeconds() {
    ApiKeyService service = new ApiKeyService(null, null, KeyLifetimes.NONE, null, Clock.systemUTC());
    for (int bad : new int[] {-1, Integer.MIN_VALUE, 7 * 24 * 3600 + 1}) {
      assertThatThrownBy(() -> service.rotate(new Caller(7L, 70L, Role.ADMIN), "1", bad))
          .isInstanceOfSatisfying(AlmanacGraphQLException.class, e -> {
            assertThat(e.code().name()).isEqualTo("BAD_USER_INPUT");
            assertThat(e.extensions()).containsEntry("argument", "overlap");
          });
    }
  }

  private static void assertBadExpiry(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String saying) {
    assertThatThrownBy(call).isInstanceOfSatisfying(AlmanacGraphQLException.class, e -> {
      assertThat(e.code().name()).isEqualTo("BAD_USER_INPUT");
      assertThat(e.extensions()).containsEntry("argument", "expiresAt");
      assertThat(e.getMessage()).contains(saying);
    });
  }
}
