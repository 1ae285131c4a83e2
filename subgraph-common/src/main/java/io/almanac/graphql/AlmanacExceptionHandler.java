package io.almanac.graphql;

import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherExceptionHandler;
import graphql.execution.DataFetcherExceptionHandlerParameters;
import graphql.execution.DataFetcherExceptionHandlerResult;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The one mapper from exceptions to GraphQL errors. Refusals ({@link AlmanacGraphQLException}) keep
 * their message and code; anything else becomes {@code INTERNAL} with a reference to the log line, so
 * no stack trace, SQL or file path reaches a client.
 */
@Component
public class AlmanacExceptionHandler implements DataFetcherExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(AlmanacExceptionHandler.class);

  @Override
  public CompletableFuture<DataFetcherExceptionHandlerResult> handleException(
      DataFetcherExceptionHandlerParameters parameters) {
    Throwable exception = unwrap(parameters.getException());
    GraphqlErrorBuilder<?> error = GraphqlErrorBuilder.newError()
        .path(parameters.getPath())
        .location(parameters.getSourceLocation());
    GraphQLError built;
    if (exception instanceof AlmanacGraphQLException refusal) {
      built = error.message(refusal.getMessage()).extensions(refusal.extensions()).build();
    } else {
      String reference = UUID.randomUUID().toString();
      log.error("Internal error {} at {}", reference, parameters.getPath(), exception);
      built = error.message("Internal error; reference " + reference)
          .extensions(Map.of("code", ErrorCode.INTERNAL.name(), "reference", reference))
          .build();
    }
    return CompletableFuture.completedFuture(DataFetcherExceptionHandlerResult.newResult(built).build());
  }

  private static Throwable unwrap(Throwable e) {
    Throwable current = e;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}
