package io.almanac.graphql;

import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherExceptionHandler;
import graphql.execution.DataFetcherExceptionHandlerParameters;
import graphql.execution.DataFetcherExceptionHandlerResult;
import io.almanac.graphql.observability.AuthRefusals;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The one mapper from exceptions to GraphQL errors ({@link HttpErrorHandler} is its twin for HTTP
 * endpoints). Refusals ({@link AlmanacGraphQLException}) keep their message and code; a database that is
 * down or too slow ({@link DependencyFailures}) is {@code UNAVAILABLE} with {@code retryAfter}; anything else
 * becomes {@code INTERNAL} with a reference to the log line, so no stack trace, SQL or file path reaches
 * a client.
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
    AlmanacGraphQLException refusal;
    if (exception instanceof AlmanacGraphQLException e) {
      refusal = e;
    } else if (DependencyFailures.isDependencyDown(exception)) {
      log.warn("Database unavailable at {}: {}", parameters.getPath(), DependencyFailures.rootCause(exception));
      refusal = DependencyFailures.refusal();
    } else {
      String reference = UUID.randomUUID().toString();
      log.error("Internal error {} at {}", reference, parameters.getPath(), exception);
      refusal = AlmanacGraphQLException.internal(reference);
    }
    AuthRefusals.count(refusal.code(), "graphql");
    GraphQLError built = error.message(refusal.getMessage()).extensions(refusal.extensions()).build();
    return CompletableFuture.completedFuture(DataFetcherExceptionHandlerResult.newResult(built).build());
  }

  /** The failure inside the wrappers of asynchronous work. */
  static Throwable unwrap(Throwable e) {
    Throwable current = e;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}
