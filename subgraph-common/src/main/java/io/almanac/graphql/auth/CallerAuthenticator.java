package io.almanac.graphql.auth;

import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.DependencyFailures;
import io.almanac.graphql.ErrorCode;
import io.almanac.graphql.auth.db.tables.records.ApiKeysRecord;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Turns an {@code Authorization} header into a {@link Caller}. Keys are looked up by prefix and
 * verified against their salted hash; results (valid or not) are kept for {@link AuthSettings#cacheTtl()},
 * so a revocation takes effect within that time and {@code last_used_at} is written at most that often.
 */
@Component
public class CallerAuthenticator {

  private record Verdict(Caller caller, String refusal, long expiresAtNanos) {}

  private static final int MAX_CACHED = 10_000;

  private final ApiKeyStore keys;
  private final long ttlNanos;
  private final ConcurrentHashMap<String, Verdict> cache = new ConcurrentHashMap<>();

  public CallerAuthenticator(ApiKeyStore keys, AuthSettings settings, AuthSchemaMigration schemaReady) {
    this.keys = keys;
    this.ttlNanos = settings.cacheTtl().toNanos();
  }

  /**
   * @param authorization the header value, or null
   * @throws AlmanacGraphQLException {@code UNAUTHENTICATED} for a malformed, unknown or revoked key
   */
  public Caller authenticate(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return Caller.ANONYMOUS;
    }
    long now = System.nanoTime();
    Verdict verdict = cache.get(authorization);
    if (verdict == null || verdict.expiresAtNanos() - now < 0) {
      verdict = verifyOrKeep(authorization, verdict, now);
      if (cache.size() >= MAX_CACHED) {
        cache.clear();
      }
      cache.put(authorization, verdict);
    }
    if (verdict.refusal() != null) {
      throw new AlmanacGraphQLException(ErrorCode.UNAUTHENTICATED, verdict.refusal());
    }
    return verdict.caller();
  }

  /**
   * A key verified before the database became unreachable keeps its verdict until the database answers
   * again: reads the caches can serve stay available, and no revocation can be written meanwhile anyway.
   * Keys not verified before the outage fail with the database's error (UNAVAILABLE).
   */
  private Verdict verifyOrKeep(String authorization, Verdict expired, long now) {
    try {
      return verify(authorization, now);
    } catch (RuntimeException e) {
      if (expired != null && expired.caller() != null && DependencyFailures.isDependencyDown(e)) {
        // Kept for another TTL, so not every request waits for the database's timeout.
        return new Verdict(expired.caller(), null, now + ttlNanos);
      }
      throw e;
    }
  }

  private Verdict verify(String authorization, long now) {
    long expires = now + ttlNanos;
    String value = authorization.strip();
    if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return new Verdict(null, "Authorization must be 'Bearer <api key>'", expires);
    }
    Optional<ApiKeySecret> secret = ApiKeySecret.parse(value.substring(7));
    Optional<ApiKeysRecord> stored = secret.flatMap(s -> keys.byPrefix(s.prefix()));
    if (stored.isEmpty() || !secret.get().matches(stored.get().getSalt(), stored.get().getSecretHash())) {
      return new Verdict(null, "Invalid API key", expires);
    }
    ApiKeysRecord key = stored.get();
    if (key.getRevokedAt() != null) {
      return new Verdict(null, "This API key was revoked", expires);
    }
    keys.touch(key.getId(), OffsetDateTime.now());
    return new Verdict(new Caller(key.getUserId(), key.getId(), Role.valueOf(key.getRole())), null, expires);
  }
}
