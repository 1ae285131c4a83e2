package io.almanac.graphql.auth;

import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.DependencyFailures;
import io.almanac.graphql.ErrorCode;
import io.almanac.graphql.auth.db.tables.records.ApiKeysRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Turns an {@code Authorization} header into a {@link Caller}: {@code Bearer <api key>} or, when an identity
 * provider is configured, {@code Bearer <JWT>} ({@link BearerTokens}; told apart by shape: a key is
 * {@code alm_<prefix>_<secret>}, a JWT three dot-separated base64url parts).
 *
 * <p>Keys are looked up by prefix and verified against their salted hash, or against the previous secret's hash
 * while a rotation's overlap lasts. Verdicts (valid or not) are kept for {@link AuthSettings#cacheTtl()}, so a
 * revocation takes effect within that time; an expiry (the key's, a rotated secret's overlap end, a token's
 * {@code exp}) is checked against the clock on every use, cached or not, so it takes effect at its instant.
 * {@code last_used_at} is written at most once a {@link #LAST_USED_INTERVAL} per key.
 */
@Component
public class CallerAuthenticator {

  /** How stale {@code ApiKey.lastUsedAt} may be: writing it on every verification would cost a write per TTL. */
  public static final Duration LAST_USED_INTERVAL = Duration.ofMinutes(1);

  /**
   * @param lapse the refusal once {@code validUntil} has passed
   */
  private record Verdict(Caller caller, String refusal, long cacheUntilNanos, Instant validUntil, String lapse) {

    static Verdict refused(String refusal, long cacheUntilNanos) {
      return new Verdict(null, refusal, cacheUntilNanos, null, null);
    }
  }

  private static final int MAX_CACHED = 10_000;

  private final ApiKeyStore keys;
  private final BearerTokens tokens;
  private final IdentityLinks identities;
  private final Clock clock;
  private final long ttlNanos;
  private final ConcurrentHashMap<String, Verdict> cache = new ConcurrentHashMap<>();

  @Autowired
  public CallerAuthenticator(ApiKeyStore keys, AuthSettings settings, AuthSchemaMigration schemaReady,
      BearerTokens tokens, IdentityLinks identities) {
    this(keys, settings, tokens, identities, Clock.systemUTC());
  }

  /** API keys only. */
  public CallerAuthenticator(ApiKeyStore keys, AuthSettings settings, AuthSchemaMigration schemaReady) {
    this(keys, settings, new BearerTokens(OidcSettings.OFF), identity -> null, Clock.systemUTC());
  }

  /** @param clock the time expiries are checked against (tests move it); give {@code tokens} the same clock */
  public CallerAuthenticator(ApiKeyStore keys, AuthSettings settings, BearerTokens tokens, IdentityLinks identities,
      Clock clock) {
    this.keys = keys;
    this.tokens = tokens;
    this.identities = identities;
    this.clock = clock;
    this.ttlNanos = settings.cacheTtl().toNanos();
  }

  /**
   * @param authorization the header value, or null
   * @throws AlmanacGraphQLException {@code UNAUTHENTICATED} for a malformed, unknown, revoked or expired key or
   *     token (the message says which); {@code UNAVAILABLE} when the database or the identity provider's keys
   *     cannot be reached
   */
  public Caller authenticate(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return Caller.ANONYMOUS;
    }
    long now = System.nanoTime();
    Verdict verdict = cache.get(authorization);
    if (verdict == null || verdict.cacheUntilNanos() - now < 0) {
      verdict = verifyOrKeep(authorization, verdict, now);
      if (cache.size() >= MAX_CACHED) {
        cache.clear();
      }
      cache.put(authorization, verdict);
    }
    if (verdict.refusal() != null) {
      throw new AlmanacGraphQLException(ErrorCode.UNAUTHENTICATED, verdict.refusal());
    }
    if (verdict.validUntil() != null && !clock.instant().isBefore(verdict.validUntil())) {
      throw new AlmanacGraphQLException(ErrorCode.UNAUTHENTICATED, verdict.lapse());
    }
    return verdict.caller();
  }

  /**
   * Drops this process's cached verdicts of key {@code keyId}, so that a revocation or rotation made here takes
   * effect here at once (other processes follow within the cache TTL).
   */
  public void forgetKey(long keyId) {
    cache.values().removeIf(v -> v.caller() != null && v.caller().keyId() != null && v.caller().keyId() == keyId);
  }

  /**
   * A key verified before the database became unreachable keeps its verdict until the database answers
   * again: reads the caches can serve stay available, and no revocation can be written meanwhile anyway.
   * Its expiry still applies ({@link #authenticate} checks it on every use). Keys not verified before the
   * outage fail with the database's error (UNAVAILABLE).
   */
  private Verdict verifyOrKeep(String authorization, Verdict expired, long now) {
    try {
      return verify(authorization, now);
    } catch (RuntimeException e) {
      if (expired != null && expired.caller() != null && DependencyFailures.isDependencyDown(e)) {
        // Kept for another TTL, so not every request waits for the database's timeout.
        return new Verdict(expired.caller(), null, now + ttlNanos, expired.validUntil(), expired.lapse());
      }
      throw e;
    }
  }

  private Verdict verify(String authorization, long now) {
    long cacheUntil = now + ttlNanos;
    String value = authorization.strip();
    if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Verdict.refused(tokens.enabled() ? "Authorization must be 'Bearer <api key>' or 'Bearer <token>'"
          : "Authorization must be 'Bearer <api key>'", cacheUntil);
    }
    String credential = value.substring(7).strip();
    Optional<ApiKeySecret> secret = ApiKeySecret.parse(credential);
    if (secret.isEmpty() && BearerTokens.looksLikeJwt(credential)) {
      return verifyToken(credential, cacheUntil);
    }
    return verifyKey(secret, cacheUntil);
  }

  private Verdict verifyKey(Optional<ApiKeySecret> secret, long cacheUntil) {
    Optional<ApiKeysRecord> stored = secret.flatMap(s -> keys.byPrefix(s.prefix()));
    if (stored.isEmpty()) {
      return Verdict.refused("Invalid API key", cacheUntil);
    }
    ApiKeysRecord key = stored.get();
    boolean current = secret.get().matches(key.getSalt(), key.getSecretHash());
    boolean previous = !current && key.getPreviousSecretHash() != null
        && secret.get().matches(key.getPreviousSalt(), key.getPreviousSecretHash());
    if (!current && !previous) {
      return Verdict.refused("Invalid API key", cacheUntil);
    }
    if (key.getRevokedAt() != null) {
      return Verdict.refused("This API key was revoked", cacheUntil);
    }
    Instant at = clock.instant();
    Instant validUntil = key.getExpiresAt() == null ? null : key.getExpiresAt().toInstant();
    String lapse = validUntil == null ? null : "This API key expired at " + validUntil;
    if (validUntil != null && !at.isBefore(validUntil)) {
      return Verdict.refused(lapse, cacheUntil);
    }
    if (previous) {
      Instant overlapEnd = key.getPreviousValidUntil().toInstant();
      String rotated = "This API key was rotated: the secret sent stopped working at " + overlapEnd
          + "; send the new secret";
      if (!at.isBefore(overlapEnd)) {
        return Verdict.refused(rotated, cacheUntil);
      }
      if (validUntil == null || overlapEnd.isBefore(validUntil)) {
        validUntil = overlapEnd;
        lapse = rotated;
      }
    }
    if (key.getLastUsedAt() == null || key.getLastUsedAt().toInstant().isBefore(at.minus(LAST_USED_INTERVAL))) {
      keys.touch(key.getId(), OffsetDateTime.ofInstant(at, ZoneOffset.UTC),
          OffsetDateTime.ofInstant(at.minus(LAST_USED_INTERVAL), ZoneOffset.UTC));
    }
    Caller caller = new Caller(key.getUserId(), key.getId(), Role.valueOf(key.getRole()));
    return new Verdict(caller, null, cacheUntil, validUntil, lapse);
  }

  private Verdict verifyToken(String token, long cacheUntil) {
    BearerTokens.SignedIn identity;
    try {
      identity = tokens.verify(token);
    } catch (BearerTokens.Refused refused) {
      return Verdict.refused(refused.getMessage(), cacheUntil);
    }
    Caller caller = new Caller(identities.userId(identity), null, identity.role(), identity.subject());
    return new Verdict(caller, null, cacheUntil, identity.validUntil(),
        "This bearer token expired at " + identity.validUntil());
  }
}
