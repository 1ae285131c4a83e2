package io.almanac.graphql.auth;

import com.netflix.graphql.dgs.context.DgsContext;
import com.netflix.graphql.dgs.internal.DgsRequestData;
import com.netflix.graphql.dgs.internal.DgsWebMvcRequestData;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters;
import graphql.language.OperationDefinition;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import io.almanac.graphql.limits.RateLimiter;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.ServletWebRequest;

/**
 * The one authorization gate of a subgraph: before every root field it authenticates the caller (once
 * per request) and applies the rules every subgraph shares. Queries need a valid key unless anonymous
 * reads are enabled; mutations need a key with at least {@link AuthPolicy#mutationRole()}. Schema
 * fields ({@code __schema}, {@code _service}) stay open: the schema is public. Each request is charged once
 * to the caller's rate limit ({@link RateLimiter}) when the caller is first known.
 */
@Component
public class AuthInstrumentation extends SimplePerformantInstrumentation {

  private static final String RATE_LIMITED = "almanac.rateLimited";

  private final CallerAuthenticator authenticator;
  private final AuthSettings settings;
  private final AuthPolicy policy;
  private final RateLimiter rateLimiter;

  public AuthInstrumentation(CallerAuthenticator authenticator, AuthSettings settings, AuthPolicy policy,
      RateLimiter rateLimiter) {
    this.authenticator = authenticator;
    this.settings = settings;
    this.policy = policy;
    this.rateLimiter = rateLimiter;
  }

  @Override
  public DataFetcher<?> instrumentDataFetcher(DataFetcher<?> fetcher, InstrumentationFieldFetchParameters parameters,
      InstrumentationState state) {
    DataFetchingEnvironment env = parameters.getEnvironment();
    String field = env.getField().getName();
    if (env.getExecutionStepInfo().getPath().getLevel() != 1 || field.startsWith("__") || field.equals("_service")) {
      return fetcher;
    }
    return e -> {
      authorize(e);
      return fetcher.get(e);
    };
  }

  private void authorize(DataFetchingEnvironment env) {
    Caller caller = env.getGraphQlContext().get(Callers.CONTEXT_KEY);
    if (caller == null) {
      caller = authenticator.authenticate(authorization(env));
      env.getGraphQlContext().put(Callers.CONTEXT_KEY, caller);
      try {
        rateLimiter.admit(caller, clientAddress(env));
      } catch (AlmanacGraphQLException refused) {
        // The request's other root fields get the same refusal without being charged again.
        env.getGraphQlContext().put(RATE_LIMITED, refused);
      }
    }
    AlmanacGraphQLException limited = env.getGraphQlContext().get(RATE_LIMITED);
    if (limited != null) {
      throw limited;
    }
    if (env.getOperationDefinition().getOperation() != OperationDefinition.Operation.MUTATION) {
      Callers.checkRead(caller, settings.anonymousReads());
      return;
    }
    if (caller.isAnonymous()) {
      throw new AlmanacGraphQLException(ErrorCode.UNAUTHENTICATED,
          "Send 'Authorization: Bearer <api key>' to change anything");
    }
    Callers.require(caller, policy.roleFor(env.getField().getName()));
  }

  private static String authorization(DataFetchingEnvironment env) {
    DgsRequestData request = DgsContext.from(env).getRequestData();
    HttpHeaders headers = request == null ? null : request.getHeaders();
    return headers == null ? null : headers.getFirst(HttpHeaders.AUTHORIZATION);
  }

  private static String clientAddress(DataFetchingEnvironment env) {
    return DgsContext.from(env).getRequestData() instanceof DgsWebMvcRequestData web
        && web.getWebRequest() instanceof ServletWebRequest servlet ? servlet.getRequest().getRemoteAddr() : "unknown";
  }
}
