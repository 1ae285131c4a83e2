package io.almanac.graphql.auth;

import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.limits.RateLimiter;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/**
 * The caller of an HTTP endpoint (bulk uploads, exports), by the rules of the GraphQL gate
 * ({@link AuthInstrumentation}): the same {@link CallerAuthenticator}, the same role check
 * ({@link Callers#require}) and the same {@code almanac.auth.anonymous-reads} setting. Refusals are
 * {@link AlmanacGraphQLException}s, answered 401 or 403 by {@link io.almanac.graphql.HttpErrorHandler}. Each
 * call is charged to the caller's rate limit ({@link RateLimiter}): past it, 429 with {@code Retry-After}.
 */
@Component
public class HttpCallers {

  private final CallerAuthenticator authenticator;
  private final AuthSettings settings;
  private final RateLimiter rateLimiter;

  public HttpCallers(CallerAuthenticator authenticator, AuthSettings settings, RateLimiter rateLimiter) {
    this.authenticator = authenticator;
    this.settings = settings;
    this.rateLimiter = rateLimiter;
  }

  /**
   * The caller of a request that changes data.
   *
   * @throws AlmanacGraphQLException {@code UNAUTHENTICATED} without a valid key, {@code FORBIDDEN} when
   *     the key's role is below {@code role}, {@code LIMIT_EXCEEDED} past the caller's rate limit
   */
  public Caller require(HttpServletRequest request, Role role) {
    return Callers.require(caller(request), role);
  }

  /**
   * The caller of a read: anonymous only when anonymous reads are enabled.
   *
   * @throws AlmanacGraphQLException {@code UNAUTHENTICATED} for a bad key, or no key without anonymous reads
   */
  public Caller reader(HttpServletRequest request) {
    return Callers.checkRead(caller(request), settings.anonymousReads());
  }

  private Caller caller(HttpServletRequest request) {
    Caller caller = authenticator.authenticate(request.getHeader(HttpHeaders.AUTHORIZATION));
    rateLimiter.admit(caller, request.getRemoteAddr());
    return caller;
  }
}
