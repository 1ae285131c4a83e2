package io.almanac.graphql.auth;

import com.netflix.graphql.dgs.context.DgsContext;
import com.netflix.graphql.dgs.internal.DgsRequestData;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters;
import graphql.language.OperationDefinition;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/**
 * The one authorization gate of a subgraph: before every root field it authenticates the caller (once
 * per request) and applies the rules every subgraph shares. Queries need a valid key unless anonymous
 * reads are enabled; mutations need a key with at least {@link AuthPolicy#mutationRole()}. Schema
 * fields ({@code __schema}, {@code _service}) stay open: the schema is public.
 */
@Component
public class AuthInstrumentation extends SimplePerformantInstrumentation {

  private final CallerAuthenticator authenticator;
  private final AuthSettings settings;
  private final AuthPolicy policy;

  public AuthInstrumentation(CallerAuthenticator authenticator, AuthSettings settings, AuthPolicy policy) {
    this.authenticator = authenticator;
    this.settings = settings;
    this.policy = policy;
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
    }
    if (env.getOperationDefinition().getOperation() != OperationDefinition.Operation.MUTATION) {
      Callers.checkRead(caller, settings.anonymousReads());
      return;
    }
    if (caller.isAnonymous()) {
      throw new AlmanacGraphQLException(ErrorCode.UNAUTHENTICATED,
          "Send 'Authorization: Bearer <api key>' to change anything");
    }
    Callers.require(caller, policy.mutationRole());
  }

  private static String authorization(DataFetchingEnvironment env) {
    DgsRequestData request = DgsContext.from(env).getRequestData();
    HttpHeaders headers = request == null ? null : request.getHeaders();
    return headers == null ? null : headers.getFirst(HttpHeaders.AUTHORIZATION);
  }
}
